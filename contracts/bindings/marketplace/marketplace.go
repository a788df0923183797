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
	ABI: "[{\"inputs\":[{\"internalType\":\"contractIERC20\",\"name\":\"stable_\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"distributor_\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"treasury_\",\"type\":\"address\"}],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"vault\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"received\",\"type\":\"uint256\"}],\"name\":\"CreditsNotReceived\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"}],\"name\":\"SafeERC20FailedOperation\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ZeroAddress\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ZeroAmount\",\"type\":\"error\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"jobId\",\"type\":\"bytes32\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"buyer\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"epoch\",\"type\":\"uint256\"}],\"name\":\"Paid\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"jobId\",\"type\":\"bytes32\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"vault\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"buyer\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"PaidWithCredits\",\"type\":\"event\"},{\"inputs\":[],\"name\":\"REVENUE_SHARE_BPS\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"distributor\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"epoch\",\"type\":\"uint256\"}],\"name\":\"forwardedOf\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"name\":\"paidFor\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"jobId\",\"type\":\"bytes32\"},{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"pay\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"contractIComputeCredits\",\"name\":\"vault\",\"type\":\"address\"},{\"internalType\":\"bytes32\",\"name\":\"jobId\",\"type\":\"bytes32\"},{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"payWithCredits\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"name\":\"revenueOf\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"stable\",\"outputs\":[{\"internalType\":\"contractIERC20\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"totalForwarded\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"treasury\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"}]",
	ID:  "Marketplace",
	Bin: "0x60e060405234801561000f575f5ffd5b50604051610b05380380610b0583398101604081905261002e916100af565b6001600160a01b038316158061004b57506001600160a01b038216155b8061005d57506001600160a01b038116155b1561007b5760405163d92e233d60e01b815260040160405180910390fd5b6001600160a01b0392831660805290821660a0521660c0526100f9565b6001600160a01b03811681146100ac575f5ffd5b50565b5f5f5f606084860312156100c1575f5ffd5b83516100cc81610098565b60208501519093506100dd81610098565b60408501519092506100ee81610098565b809150509250925092565b60805160a05160c05161099761016e5f395f818160ff0152818161027d015261057a01525f81816101450152818161024b0152818161054901526105fa01525f818160a401528181610228015281816102b001528181610314015281816104040152818161052701526105ad01526109975ff3fe608060405234801561000f575f5ffd5b506004361061009b575f3560e01c8063c838d82311610063578063c838d82314610167578063d0ee4de01461017a578063d7c3a5201461018f578063db3e5a01146101ae578063dc0ea829146101c1575f5ffd5b806322be3de11461009f5780635914ac9a146100e357806361d027b3146100fa578063818ca8f414610121578063bfe1092814610140575b5f5ffd5b6100c67f000000000000000000000000000000000000000000000000000000000000000081565b6040516001600160a01b0390911681526020015b60405180910390f35b6100ec611b5881565b6040519081526020016100da565b6100c67f000000000000000000000000000000000000000000000000000000000000000081565b6100ec61012f36600461088f565b60016020525f908152604090205481565b6100c67f000000000000000000000000000000000000000000000000000000000000000081565b6100ec61017536600461088f565b6101ca565b61018d6101883660046108a6565b6101e7565b005b6100ec61019d36600461088f565b5f6020819052908152604090205481565b61018d6101bc3660046108c6565b6102dd565b6100ec60025481565b5f818152602081905260408120546101e1906105dc565b92915050565b805f0361020757604051631f2a200560e01b815260040160405180910390fd5b5f6102138333846105f6565b90508015610270576102706001600160a01b037f000000000000000000000000000000000000000000000000000000000000000016337f00000000000000000000000000000000000000000000000000000000000000008461074f565b8082146102d8576102d8337f00000000000000000000000000000000000000000000000000000000000000006102a68486610917565b6001600160a01b037f00000000000000000000000000000000000000000000000000000000000000001692919061074f565b505050565b805f036102fd57604051631f2a200560e01b815260040160405180910390fd5b6040516370a0823160e01b81523060048201525f907f00000000000000000000000000000000000000000000000000000000000000006001600160a01b0316906370a0823190602401602060405180830381865afa158015610361573d5f5f3e3d5ffd5b505050506040513d601f19601f82011682018060405250810190610385919061092a565b604051630985352960e21b8152336004820152602481018490529091506001600160a01b03851690632614d4a4906044015f604051808303815f87803b1580156103cd575f5ffd5b505af11580156103df573d5f5f3e3d5ffd5b50506040516370a0823160e01b81523060048201525f92508391506001600160a01b037f000000000000000000000000000000000000000000000000000000000000000016906370a0823190602401602060405180830381865afa158015610449573d5f5f3e3d5ffd5b505050506040513d601f19601f8201168201806040525081019061046d919061092a565b6104779190610917565b9050828110156104b8576040516302b08a9760e51b81526001600160a01b038616600482015260248101849052604481018290526064015b60405180910390fd5b5f6104c48533846105f6565b9050336001600160a01b0316866001600160a01b0316867f0a7885d2d4324b497ba7e0908ebb43388e51e4e81638916fc12ccfea8590fd6b8560405161050c91815260200190565b60405180910390a4801561056e5761056e6001600160a01b037f0000000000000000000000000000000000000000000000000000000000000000167f00000000000000000000000000000000000000000000000000000000000000008361078b565b8082146105d4576105d47f00000000000000000000000000000000000000000000000000000000000000006105a38385610917565b6001600160a01b037f000000000000000000000000000000000000000000000000000000000000000016919061078b565b505050505050565b5f6127106105ec611b5884610941565b6101e19190610958565b5f5f7f00000000000000000000000000000000000000000000000000000000000000006001600160a01b031663766718086040518163ffffffff1660e01b8152600401602060405180830381865afa158015610654573d5f5f3e3d5ffd5b505050506040513d601f19601f82011682018060405250810190610678919061092a565b5f818152602081905260408120549192506106938583610977565b905061069e826105dc565b6106a7826105dc565b6106b19190610917565b5f8481526020819052604081208390556002805492965086929091906106d8908490610977565b90915550505f87815260016020526040812080548792906106fa908490610977565b909155505060408051868152602081018590526001600160a01b0388169189917f5ce467ae5694ddb233a02ca7eb987835c5e2ea71eec0e379bf3a5e1207ae2459910160405180910390a35050509392505050565b61075d8484848460016107c0565b61078557604051635274afe760e01b81526001600160a01b03851660048201526024016104af565b50505050565b610798838383600161082d565b6102d857604051635274afe760e01b81526001600160a01b03841660048201526024016104af565b6040516323b872dd60e01b5f8181526001600160a01b038781166004528616602452604485905291602083606481808c5af1925060015f5114831661081c578383151615610810573d5f823e3d81fd5b5f883b113d1516831692505b604052505f60605295945050505050565b60405163a9059cbb60e01b5f8181526001600160a01b038616600452602485905291602083604481808b5af1925060015f51148316610883578383151615610877573d5f823e3d81fd5b5f873b113d1516831692505b60405250949350505050565b5f6020828403121561089f575f5ffd5b5035919050565b5f5f604083850312156108b7575f5ffd5b50508035926020909101359150565b5f5f5f606084860312156108d8575f5ffd5b83356001600160a01b03811681146108ee575f5ffd5b95602085013595506040909401359392505050565b634e487b7160e01b5f52601160045260245ffd5b818103818111156101e1576101e1610903565b5f6020828403121561093a575f5ffd5b5051919050565b80820281158282048414176101e1576101e1610903565b5f8261097257634e487b7160e01b5f52601260045260245ffd5b500490565b808201808211156101e1576101e161090356fea164736f6c6343000825000a",
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

// PackPayWithCredits is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xdb3e5a01.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function payWithCredits(address vault, bytes32 jobId, uint256 amount) returns()
func (marketplace *Marketplace) PackPayWithCredits(vault common.Address, jobId [32]byte, amount *big.Int) []byte {
	enc, err := marketplace.abi.Pack("payWithCredits", vault, jobId, amount)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackPayWithCredits is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xdb3e5a01.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function payWithCredits(address vault, bytes32 jobId, uint256 amount) returns()
func (marketplace *Marketplace) TryPackPayWithCredits(vault common.Address, jobId [32]byte, amount *big.Int) ([]byte, error) {
	return marketplace.abi.Pack("payWithCredits", vault, jobId, amount)
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

// MarketplacePaidWithCredits represents a PaidWithCredits event raised by the Marketplace contract.
type MarketplacePaidWithCredits struct {
	JobId  [32]byte
	Vault  common.Address
	Buyer  common.Address
	Amount *big.Int
	Raw    *types.Log // Blockchain specific contextual infos
}

const MarketplacePaidWithCreditsEventName = "PaidWithCredits"

// ContractEventName returns the user-defined event name.
func (MarketplacePaidWithCredits) ContractEventName() string {
	return MarketplacePaidWithCreditsEventName
}

// UnpackPaidWithCreditsEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event PaidWithCredits(bytes32 indexed jobId, address indexed vault, address indexed buyer, uint256 amount)
func (marketplace *Marketplace) UnpackPaidWithCreditsEvent(log *types.Log) (*MarketplacePaidWithCredits, error) {
	event := "PaidWithCredits"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != marketplace.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(MarketplacePaidWithCredits)
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
	if bytes.Equal(raw[:4], marketplace.abi.Errors["CreditsNotReceived"].ID.Bytes()[:4]) {
		return marketplace.UnpackCreditsNotReceivedError(raw[4:])
	}
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

// MarketplaceCreditsNotReceived represents a CreditsNotReceived error raised by the Marketplace contract.
type MarketplaceCreditsNotReceived struct {
	Vault    common.Address
	Amount   *big.Int
	Received *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error CreditsNotReceived(address vault, uint256 amount, uint256 received)
func MarketplaceCreditsNotReceivedErrorID() common.Hash {
	return common.HexToHash("0x561152e0c8f3b7bf8b6d1bb2fe4282c7bb5f2b6075b956cd529b454b06081622")
}

// UnpackCreditsNotReceivedError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error CreditsNotReceived(address vault, uint256 amount, uint256 received)
func (marketplace *Marketplace) UnpackCreditsNotReceivedError(raw []byte) (*MarketplaceCreditsNotReceived, error) {
	out := new(MarketplaceCreditsNotReceived)
	if err := marketplace.abi.UnpackIntoInterface(out, "CreditsNotReceived", raw); err != nil {
		return nil, err
	}
	return out, nil
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
