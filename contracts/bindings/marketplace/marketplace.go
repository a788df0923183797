// Code generated via abigen V2 - DO NOT EDIT.
// This file is a generated binding and any manual changes will be lost.

package marketplace

import (
	"bytes"
	"errors"
	"math/big"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
)

// Reference imports to suppress errors if they are not otherwise used.
var (
	_ = bytes.Equal
	_ = errors.New
	_ = big.NewInt
	_ = common.Big1
	_ = types.BloomLookup
	_ = abi.ConvertType
)

// MarketplaceMetaData contains all meta data concerning the Marketplace contract.
var MarketplaceMetaData = bind.MetaData{
	ABI: "[{\"inputs\":[{\"internalType\":\"contractIERC20\",\"name\":\"stable_\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"distributor_\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"treasury_\",\"type\":\"address\"}],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"}],\"name\":\"SafeERC20FailedOperation\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ZeroAddress\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ZeroAmount\",\"type\":\"error\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"jobId\",\"type\":\"bytes32\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"buyer\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"epoch\",\"type\":\"uint256\"}],\"name\":\"Paid\",\"type\":\"event\"},{\"inputs\":[],\"name\":\"REVENUE_SHARE_BPS\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"distributor\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"epoch\",\"type\":\"uint256\"}],\"name\":\"forwardedOf\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"name\":\"paidFor\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"jobId\",\"type\":\"bytes32\"},{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"pay\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"name\":\"revenueOf\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"stable\",\"outputs\":[{\"internalType\":\"contractIERC20\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"totalForwarded\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"treasury\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"}]",
	ID:  "Marketplace",
	Bin: "0x60e060405234801561000f575f5ffd5b506040516106d03803806106d083398101604081905261002e916100af565b6001600160a01b038316158061004b57506001600160a01b038216155b8061005d57506001600160a01b038116155b1561007b5760405163d92e233d60e01b815260040160405180910390fd5b6001600160a01b0392831660805290821660a0521660c0526100f9565b6001600160a01b03811681146100ac575f5ffd5b50565b5f5f5f606084860312156100c1575f5ffd5b83516100cc81610098565b60208501519093506100dd81610098565b60408501519092506100ee81610098565b809150509250925092565b60805160a05160c05161058c6101445f395f818160f4015261039701525f818161013a015281816101ec015261036501525f818160990152818161034201526103ca015261058c5ff3fe608060405234801561000f575f5ffd5b5060043610610090575f3560e01c8063bfe1092811610063578063bfe1092814610135578063c838d8231461015c578063d0ee4de01461016f578063d7c3a52014610184578063dc0ea829146101a3575f5ffd5b806322be3de1146100945780635914ac9a146100d857806361d027b3146100ef578063818ca8f414610116575b5f5ffd5b6100bb7f000000000000000000000000000000000000000000000000000000000000000081565b6040516001600160a01b0390911681526020015b60405180910390f35b6100e1611b5881565b6040519081526020016100cf565b6100bb7f000000000000000000000000000000000000000000000000000000000000000081565b6100e16101243660046104c1565b60016020525f908152604090205481565b6100bb7f000000000000000000000000000000000000000000000000000000000000000081565b6100e161016a3660046104c1565b6101ac565b61018261017d3660046104d8565b6101c9565b005b6100e16101923660046104c1565b5f6020819052908152604090205481565b6100e160025481565b5f818152602081905260408120546101c3906103fa565b92915050565b805f036101e957604051631f2a200560e01b815260040160405180910390fd5b5f7f00000000000000000000000000000000000000000000000000000000000000006001600160a01b031663766718086040518163ffffffff1660e01b8152600401602060405180830381865afa158015610246573d5f5f3e3d5ffd5b505050506040513d601f19601f8201168201806040525081019061026a91906104f8565b5f818152602081905260408120549192506102858483610523565b90505f610291836103fa565b61029a836103fa565b6102a49190610536565b5f8581526020819052604081208490556002805492935083929091906102cb908490610523565b90915550505f86815260016020526040812080548792906102ed908490610523565b90915550506040805186815260208101869052339188917f5ce467ae5694ddb233a02ca7eb987835c5e2ea71eec0e379bf3a5e1207ae2459910160405180910390a3801561038a5761038a6001600160a01b037f000000000000000000000000000000000000000000000000000000000000000016337f000000000000000000000000000000000000000000000000000000000000000084610414565b8085146103f2576103f2337f00000000000000000000000000000000000000000000000000000000000000006103c08489610536565b6001600160a01b037f000000000000000000000000000000000000000000000000000000000000000016929190610414565b505050505050565b5f61271061040a611b5884610549565b6101c39190610560565b610422848484846001610454565b61044e57604051635274afe760e01b81526001600160a01b038516600482015260240160405180910390fd5b50505050565b6040516323b872dd60e01b5f8181526001600160a01b038781166004528616602452604485905291602083606481808c5af1925060015f511483166104b05783831516156104a4573d5f823e3d81fd5b5f883b113d1516831692505b604052505f60605295945050505050565b5f602082840312156104d1575f5ffd5b5035919050565b5f5f604083850312156104e9575f5ffd5b50508035926020909101359150565b5f60208284031215610508575f5ffd5b5051919050565b634e487b7160e01b5f52601160045260245ffd5b808201808211156101c3576101c361050f565b818103818111156101c3576101c361050f565b80820281158282048414176101c3576101c361050f565b5f8261057a57634e487b7160e01b5f52601260045260245ffd5b50049056fea164736f6c6343000825000a",
}

// Marketplace is an auto generated Go binding around an Ethereum contract.
type Marketplace struct {
	abi abi.ABI
}

// GetABI returns the ABI associated with this contract binding.
func (c *Marketplace) GetABI() abi.ABI {
	return c.abi
}

// NewMarketplace creates a new instance of Marketplace.
func NewMarketplace() *Marketplace {
	parsed, err := MarketplaceMetaData.ParseABI()
	if err != nil {
		panic(errors.New("invalid ABI: " + err.Error()))
	}
	return &Marketplace{abi: *parsed}
}

// Instance creates a wrapper for a deployed contract instance at the given address.
// Use this to create the instance object passed to abigen v2 library functions Call, Transact, etc.
func (c *Marketplace) Instance(backend bind.ContractBackend, addr common.Address) *bind.BoundContract {
	return bind.NewBoundContract(addr, c.abi, backend, backend, backend)
}

// PackConstructor is the Go binding used to pack the parameters required for
// contract deployment.
//
// Solidity: constructor(address stable_, address distributor_, address treasury_) returns()
func (marketplace *Marketplace) PackConstructor(stable_ common.Address, distributor_ common.Address, treasury_ common.Address) []byte {
	enc, err := marketplace.abi.Pack("", stable_, distributor_, treasury_)
	if err != nil {
		panic(err)
	}
	return enc
}

// PackREVENUESHAREBPS is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x5914ac9a.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function REVENUE_SHARE_BPS() view returns(uint256)
func (marketplace *Marketplace) PackREVENUESHAREBPS() []byte {
	enc, err := marketplace.abi.Pack("REVENUE_SHARE_BPS")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackREVENUESHAREBPS is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x5914ac9a.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function REVENUE_SHARE_BPS() view returns(uint256)
func (marketplace *Marketplace) TryPackREVENUESHAREBPS() ([]byte, error) {
	return marketplace.abi.Pack("REVENUE_SHARE_BPS")
}

// UnpackREVENUESHAREBPS is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x5914ac9a.
//
// Solidity: function REVENUE_SHARE_BPS() view returns(uint256)
func (marketplace *Marketplace) UnpackREVENUESHAREBPS(data []byte) (*big.Int, error) {
	out, err := marketplace.abi.Unpack("REVENUE_SHARE_BPS", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackDistributor is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xbfe10928.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function distributor() view returns(address)
func (marketplace *Marketplace) PackDistributor() []byte {
	enc, err := marketplace.abi.Pack("distributor")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackDistributor is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xbfe10928.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function distributor() view returns(address)
func (marketplace *Marketplace) TryPackDistributor() ([]byte, error) {
	return marketplace.abi.Pack("distributor")
}

// UnpackDistributor is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xbfe10928.
//
// Solidity: function distributor() view returns(address)
func (marketplace *Marketplace) UnpackDistributor(data []byte) (common.Address, error) {
	out, err := marketplace.abi.Unpack("distributor", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// PackForwardedOf is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xc838d823.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function forwardedOf(uint256 epoch) view returns(uint256)
func (marketplace *Marketplace) PackForwardedOf(epoch *big.Int) []byte {
	enc, err := marketplace.abi.Pack("forwardedOf", epoch)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackForwardedOf is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xc838d823.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function forwardedOf(uint256 epoch) view returns(uint256)
func (marketplace *Marketplace) TryPackForwardedOf(epoch *big.Int) ([]byte, error) {
	return marketplace.abi.Pack("forwardedOf", epoch)
}

// UnpackForwardedOf is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xc838d823.
//
// Solidity: function forwardedOf(uint256 epoch) view returns(uint256)
func (marketplace *Marketplace) UnpackForwardedOf(data []byte) (*big.Int, error) {
	out, err := marketplace.abi.Unpack("forwardedOf", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackPaidFor is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x818ca8f4.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function paidFor(bytes32 ) view returns(uint256)
func (marketplace *Marketplace) PackPaidFor(arg0 [32]byte) []byte {
	enc, err := marketplace.abi.Pack("paidFor", arg0)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackPaidFor is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x818ca8f4.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function paidFor(bytes32 ) view returns(uint256)
func (marketplace *Marketplace) TryPackPaidFor(arg0 [32]byte) ([]byte, error) {
	return marketplace.abi.Pack("paidFor", arg0)
}

// UnpackPaidFor is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x818ca8f4.
//
// Solidity: function paidFor(bytes32 ) view returns(uint256)
func (marketplace *Marketplace) UnpackPaidFor(data []byte) (*big.Int, error) {
	out, err := marketplace.abi.Unpack("paidFor", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackPay is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xd0ee4de0.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function pay(bytes32 jobId, uint256 amount) returns()
func (marketplace *Marketplace) PackPay(jobId [32]byte, amount *big.Int) []byte {
	enc, err := marketplace.abi.Pack("pay", jobId, amount)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackPay is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xd0ee4de0.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function pay(bytes32 jobId, uint256 amount) returns()
func (marketplace *Marketplace) TryPackPay(jobId [32]byte, amount *big.Int) ([]byte, error) {
	return marketplace.abi.Pack("pay", jobId, amount)
}

// PackRevenueOf is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xd7c3a520.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function revenueOf(uint256 ) view returns(uint256)
func (marketplace *Marketplace) PackRevenueOf(arg0 *big.Int) []byte {
	enc, err := marketplace.abi.Pack("revenueOf", arg0)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackRevenueOf is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xd7c3a520.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function revenueOf(uint256 ) view returns(uint256)
func (marketplace *Marketplace) TryPackRevenueOf(arg0 *big.Int) ([]byte, error) {
	return marketplace.abi.Pack("revenueOf", arg0)
}

// UnpackRevenueOf is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xd7c3a520.
//
// Solidity: function revenueOf(uint256 ) view returns(uint256)
func (marketplace *Marketplace) UnpackRevenueOf(data []byte) (*big.Int, error) {
	out, err := marketplace.abi.Unpack("revenueOf", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackStable is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x22be3de1.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function stable() view returns(address)
func (marketplace *Marketplace) PackStable() []byte {
	enc, err := marketplace.abi.Pack("stable")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackStable is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x22be3de1.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function stable() view returns(address)
func (marketplace *Marketplace) TryPackStable() ([]byte, error) {
	return marketplace.abi.Pack("stable")
}

// UnpackStable is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x22be3de1.
//
// Solidity: function stable() view returns(address)
func (marketplace *Marketplace) UnpackStable(data []byte) (common.Address, error) {
	out, err := marketplace.abi.Unpack("stable", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// PackTotalForwarded is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xdc0ea829.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function totalForwarded() view returns(uint256)
func (marketplace *Marketplace) PackTotalForwarded() []byte {
	enc, err := marketplace.abi.Pack("totalForwarded")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackTotalForwarded is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xdc0ea829.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function totalForwarded() view returns(uint256)
func (marketplace *Marketplace) TryPackTotalForwarded() ([]byte, error) {
	return marketplace.abi.Pack("totalForwarded")
}

// UnpackTotalForwarded is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xdc0ea829.
//
// Solidity: function totalForwarded() view returns(uint256)
func (marketplace *Marketplace) UnpackTotalForwarded(data []byte) (*big.Int, error) {
	out, err := marketplace.abi.Unpack("totalForwarded", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackTreasury is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x61d027b3.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function treasury() view returns(address)
func (marketplace *Marketplace) PackTreasury() []byte {
	enc, err := marketplace.abi.Pack("treasury")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackTreasury is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x61d027b3.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function treasury() view returns(address)
func (marketplace *Marketplace) TryPackTreasury() ([]byte, error) {
	return marketplace.abi.Pack("treasury")
}

// UnpackTreasury is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x61d027b3.
//
// Solidity: function treasury() view returns(address)
func (marketplace *Marketplace) UnpackTreasury(data []byte) (common.Address, error) {
	out, err := marketplace.abi.Unpack("treasury", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// MarketplacePaid represents a Paid event raised by the Marketplace contract.
type MarketplacePaid struct {
	JobId  [32]byte
	Buyer  common.Address
	Amount *big.Int
	Epoch  *big.Int
	Raw    *types.Log // Blockchain specific contextual infos
}

const MarketplacePaidEventName = "Paid"

// ContractEventName returns the user-defined event name.
func (MarketplacePaid) ContractEventName() string {
	return MarketplacePaidEventName
}

// UnpackPaidEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Paid(bytes32 indexed jobId, address indexed buyer, uint256 amount, uint256 epoch)
func (marketplace *Marketplace) UnpackPaidEvent(log *types.Log) (*MarketplacePaid, error) {
	event := "Paid"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != marketplace.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(MarketplacePaid)
	if len(log.Data) > 0 {
		if err := marketplace.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range marketplace.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// UnpackError attempts to decode the provided error data using user-defined
// error definitions.
func (marketplace *Marketplace) UnpackError(raw []byte) (any, error) {
	if bytes.Equal(raw[:4], marketplace.abi.Errors["SafeERC20FailedOperation"].ID.Bytes()[:4]) {
		return marketplace.UnpackSafeERC20FailedOperationError(raw[4:])
	}
	if bytes.Equal(raw[:4], marketplace.abi.Errors["ZeroAddress"].ID.Bytes()[:4]) {
		return marketplace.UnpackZeroAddressError(raw[4:])
	}
	if bytes.Equal(raw[:4], marketplace.abi.Errors["ZeroAmount"].ID.Bytes()[:4]) {
		return marketplace.UnpackZeroAmountError(raw[4:])
	}
	return nil, errors.New("Unknown error")
}

// MarketplaceSafeERC20FailedOperation represents a SafeERC20FailedOperation error raised by the Marketplace contract.
type MarketplaceSafeERC20FailedOperation struct {
	Token common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error SafeERC20FailedOperation(address token)
func MarketplaceSafeERC20FailedOperationErrorID() common.Hash {
	return common.HexToHash("0x5274afe73c98b4749fc91ffae6b7b574e7842cb2144a159e9377a5f20b32edf9")
}

// UnpackSafeERC20FailedOperationError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error SafeERC20FailedOperation(address token)
func (marketplace *Marketplace) UnpackSafeERC20FailedOperationError(raw []byte) (*MarketplaceSafeERC20FailedOperation, error) {
	out := new(MarketplaceSafeERC20FailedOperation)
	if err := marketplace.abi.UnpackIntoInterface(out, "SafeERC20FailedOperation", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// MarketplaceZeroAddress represents a ZeroAddress error raised by the Marketplace contract.
type MarketplaceZeroAddress struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ZeroAddress()
func MarketplaceZeroAddressErrorID() common.Hash {
	return common.HexToHash("0xd92e233df2717d4a40030e20904abd27b68fcbeede117eaaccbbdac9618c8c73")
}

// UnpackZeroAddressError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ZeroAddress()
func (marketplace *Marketplace) UnpackZeroAddressError(raw []byte) (*MarketplaceZeroAddress, error) {
	out := new(MarketplaceZeroAddress)
	if err := marketplace.abi.UnpackIntoInterface(out, "ZeroAddress", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// MarketplaceZeroAmount represents a ZeroAmount error raised by the Marketplace contract.
type MarketplaceZeroAmount struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ZeroAmount()
func MarketplaceZeroAmountErrorID() common.Hash {
	return common.HexToHash("0x1f2a2005cb66a8e145327e8814e243a0996aec9bfe1e15a495778b1236dbd485")
}

// UnpackZeroAmountError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ZeroAmount()
func (marketplace *Marketplace) UnpackZeroAmountError(raw []byte) (*MarketplaceZeroAmount, error) {
	out := new(MarketplaceZeroAmount)
	if err := marketplace.abi.UnpackIntoInterface(out, "ZeroAmount", raw); err != nil {
		return nil, err
	}
	return out, nil
}
