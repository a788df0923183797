// Code generated via abigen V2 - DO NOT EDIT.
// This file is a generated binding and any manual changes will be lost.

package fixedratestrategy

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

// FixedRateStrategyMetaData contains all meta data concerning the FixedRateStrategy contract.
var FixedRateStrategyMetaData = bind.MetaData{
	ABI: "[{\"inputs\":[{\"internalType\":\"contractIERC20\",\"name\":\"asset_\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"vault_\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"rateBps_\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"blocksPerYear_\",\"type\":\"uint256\"}],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"requested\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"available\",\"type\":\"uint256\"}],\"name\":\"InsufficientAssets\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"caller\",\"type\":\"address\"}],\"name\":\"NotVault\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"rateBps\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"max\",\"type\":\"uint256\"}],\"name\":\"RateTooHigh\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"}],\"name\":\"SafeERC20FailedOperation\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ZeroAddress\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ZeroBlocksPerYear\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"MAX_RATE_BPS\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"accrued\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"asset\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"blocksPerYear\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"assets\",\"type\":\"uint256\"}],\"name\":\"deposit\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"held\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"lastBlock\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"rateBps\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"totalAssets\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"vault\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"assets\",\"type\":\"uint256\"},{\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"}],\"name\":\"withdraw\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"}]",
	ID:  "FixedRateStrategy",
	Bin: "0x610100604052348015610010575f5ffd5b5060405161073538038061073583398101604081905261002f916100fa565b6001600160a01b038416158061004c57506001600160a01b038316155b1561006a5760405163d92e233d60e01b815260040160405180910390fd5b61271082111561009c57604051634716c00560e01b815260048101839052612710602482015260440160405180910390fd5b805f036100bc57604051637a40e85d60e11b815260040160405180910390fd5b6001600160a01b039384166080529190921660a05260c09190915260e0524360015561013f565b6001600160a01b03811681146100f7575f5ffd5b50565b5f5f5f5f6080858703121561010d575f5ffd5b8451610118816100e3565b6020860151909450610129816100e3565b6040860151606090960151949790965092505050565b60805160a05160c05160e05161059a61019b5f395f818161015801526102a701525f818160de01526102dd01525f818161019b015281816101c8015261032701525f81816101020152818161025b01526103cd015261059a5ff3fe608060405234801561000f575f5ffd5b50600436106100a5575f3560e01c8063a07e52a21161006e578063a07e52a214610143578063a285aed71461014b578063a385fb9614610153578063b0c0c2641461017a578063b6b55f2514610183578063fbfa77cf14610196575f5ffd5b8062f714ce146100a957806301e1d114146100be57806319d327dd146100d957806338d52e0f14610100578063806b984f1461013a575b5f5ffd5b6100bc6100b73660046104c7565b6101bd565b005b6100c6610287565b6040519081526020015b60405180910390f35b6100c67f000000000000000000000000000000000000000000000000000000000000000081565b7f00000000000000000000000000000000000000000000000000000000000000005b6040516001600160a01b0390911681526020016100d0565b6100c660015481565b6100c66102a1565b6100c65f5481565b6100c67f000000000000000000000000000000000000000000000000000000000000000081565b6100c661271081565b6100bc610191366004610500565b61031c565b6101227f000000000000000000000000000000000000000000000000000000000000000081565b336001600160a01b037f0000000000000000000000000000000000000000000000000000000000000000161461020d5760405163e9d6016160e01b81523360048201526024015b60405180910390fd5b610215610387565b5f54808311156102425760405163b97fded160e01b81526004810184905260248101829052604401610204565b61024c838261052b565b5f556102826001600160a01b037f0000000000000000000000000000000000000000000000000000000000000000168385610430565b505050565b5f6102906102a1565b5f5461029c9190610544565b905090565b5f6102ce7f0000000000000000000000000000000000000000000000000000000000000000612710610557565b6001546102db904361052b565b7f00000000000000000000000000000000000000000000000000000000000000005f546103089190610557565b6103129190610557565b61029c919061056e565b336001600160a01b037f000000000000000000000000000000000000000000000000000000000000000016146103675760405163e9d6016160e01b8152336004820152602401610204565b61036f610387565b805f5f82825461037f9190610544565b909155505050565b5f6103906102a1565b436001559050801561042d57805f5f8282546103ac9190610544565b90915550506040516340c10f1960e01b8152306004820152602481018290527f00000000000000000000000000000000000000000000000000000000000000006001600160a01b0316906340c10f19906044015f604051808303815f87803b158015610416575f5ffd5b505af1158015610428573d5f5f3e3d5ffd5b505050505b50565b61043d8383836001610465565b61028257604051635274afe760e01b81526001600160a01b0384166004820152602401610204565b60405163a9059cbb60e01b5f8181526001600160a01b038616600452602485905291602083604481808b5af1925060015f511483166104bb5783831516156104af573d5f823e3d81fd5b5f873b113d1516831692505b60405250949350505050565b5f5f604083850312156104d8575f5ffd5b8235915060208301356001600160a01b03811681146104f5575f5ffd5b809150509250929050565b5f60208284031215610510575f5ffd5b5035919050565b634e487b7160e01b5f52601160045260245ffd5b8181038181111561053e5761053e610517565b92915050565b8082018082111561053e5761053e610517565b808202811582820484141761053e5761053e610517565b5f8261058857634e487b7160e01b5f52601260045260245ffd5b50049056fea164736f6c6343000825000a",
}

// FixedRateStrategy is an auto generated Go binding around an Ethereum contract.
type FixedRateStrategy struct {
	abi abi.ABI
}

// GetABI returns the ABI associated with this contract binding.
func (c *FixedRateStrategy) GetABI() abi.ABI {
	return c.abi
}

// NewFixedRateStrategy creates a new instance of FixedRateStrategy.
func NewFixedRateStrategy() *FixedRateStrategy {
	parsed, err := FixedRateStrategyMetaData.ParseABI()
	if err != nil {
		panic(errors.New("invalid ABI: " + err.Error()))
	}
	return &FixedRateStrategy{abi: *parsed}
}

// Instance creates a wrapper for a deployed contract instance at the given address.
// Use this to create the instance object passed to abigen v2 library functions Call, Transact, etc.
func (c *FixedRateStrategy) Instance(backend bind.ContractBackend, addr common.Address) *bind.BoundContract {
	return bind.NewBoundContract(addr, c.abi, backend, backend, backend)
}

// PackConstructor is the Go binding used to pack the parameters required for
// contract deployment.
//
// Solidity: constructor(address asset_, address vault_, uint256 rateBps_, uint256 blocksPerYear_) returns()
func (fixedRateStrategy *FixedRateStrategy) PackConstructor(asset_ common.Address, vault_ common.Address, rateBps_ *big.Int, blocksPerYear_ *big.Int) []byte {
	enc, err := fixedRateStrategy.abi.Pack("", asset_, vault_, rateBps_, blocksPerYear_)
	if err != nil {
		panic(err)
	}
	return enc
}

// PackMAXRATEBPS is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xb0c0c264.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function MAX_RATE_BPS() view returns(uint256)
func (fixedRateStrategy *FixedRateStrategy) PackMAXRATEBPS() []byte {
	enc, err := fixedRateStrategy.abi.Pack("MAX_RATE_BPS")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackMAXRATEBPS is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xb0c0c264.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function MAX_RATE_BPS() view returns(uint256)
func (fixedRateStrategy *FixedRateStrategy) TryPackMAXRATEBPS() ([]byte, error) {
	return fixedRateStrategy.abi.Pack("MAX_RATE_BPS")
}

// UnpackMAXRATEBPS is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xb0c0c264.
//
// Solidity: function MAX_RATE_BPS() view returns(uint256)
func (fixedRateStrategy *FixedRateStrategy) UnpackMAXRATEBPS(data []byte) (*big.Int, error) {
	out, err := fixedRateStrategy.abi.Unpack("MAX_RATE_BPS", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackAccrued is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa07e52a2.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function accrued() view returns(uint256)
func (fixedRateStrategy *FixedRateStrategy) PackAccrued() []byte {
	enc, err := fixedRateStrategy.abi.Pack("accrued")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackAccrued is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa07e52a2.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function accrued() view returns(uint256)
func (fixedRateStrategy *FixedRateStrategy) TryPackAccrued() ([]byte, error) {
	return fixedRateStrategy.abi.Pack("accrued")
}

// UnpackAccrued is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xa07e52a2.
//
// Solidity: function accrued() view returns(uint256)
func (fixedRateStrategy *FixedRateStrategy) UnpackAccrued(data []byte) (*big.Int, error) {
	out, err := fixedRateStrategy.abi.Unpack("accrued", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackAsset is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x38d52e0f.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function asset() view returns(address)
func (fixedRateStrategy *FixedRateStrategy) PackAsset() []byte {
	enc, err := fixedRateStrategy.abi.Pack("asset")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackAsset is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x38d52e0f.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function asset() view returns(address)
func (fixedRateStrategy *FixedRateStrategy) TryPackAsset() ([]byte, error) {
	return fixedRateStrategy.abi.Pack("asset")
}

// UnpackAsset is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x38d52e0f.
//
// Solidity: function asset() view returns(address)
func (fixedRateStrategy *FixedRateStrategy) UnpackAsset(data []byte) (common.Address, error) {
	out, err := fixedRateStrategy.abi.Unpack("asset", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// PackBlocksPerYear is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa385fb96.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function blocksPerYear() view returns(uint256)
func (fixedRateStrategy *FixedRateStrategy) PackBlocksPerYear() []byte {
	enc, err := fixedRateStrategy.abi.Pack("blocksPerYear")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackBlocksPerYear is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa385fb96.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function blocksPerYear() view returns(uint256)
func (fixedRateStrategy *FixedRateStrategy) TryPackBlocksPerYear() ([]byte, error) {
	return fixedRateStrategy.abi.Pack("blocksPerYear")
}

// UnpackBlocksPerYear is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xa385fb96.
//
// Solidity: function blocksPerYear() view returns(uint256)
func (fixedRateStrategy *FixedRateStrategy) UnpackBlocksPerYear(data []byte) (*big.Int, error) {
	out, err := fixedRateStrategy.abi.Unpack("blocksPerYear", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackDeposit is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xb6b55f25.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function deposit(uint256 assets) returns()
func (fixedRateStrategy *FixedRateStrategy) PackDeposit(assets *big.Int) []byte {
	enc, err := fixedRateStrategy.abi.Pack("deposit", assets)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackDeposit is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xb6b55f25.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function deposit(uint256 assets) returns()
func (fixedRateStrategy *FixedRateStrategy) TryPackDeposit(assets *big.Int) ([]byte, error) {
	return fixedRateStrategy.abi.Pack("deposit", assets)
}

// PackHeld is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa285aed7.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function held() view returns(uint256)
func (fixedRateStrategy *FixedRateStrategy) PackHeld() []byte {
	enc, err := fixedRateStrategy.abi.Pack("held")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackHeld is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa285aed7.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function held() view returns(uint256)
func (fixedRateStrategy *FixedRateStrategy) TryPackHeld() ([]byte, error) {
	return fixedRateStrategy.abi.Pack("held")
}

// UnpackHeld is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xa285aed7.
//
// Solidity: function held() view returns(uint256)
func (fixedRateStrategy *FixedRateStrategy) UnpackHeld(data []byte) (*big.Int, error) {
	out, err := fixedRateStrategy.abi.Unpack("held", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackLastBlock is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x806b984f.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function lastBlock() view returns(uint256)
func (fixedRateStrategy *FixedRateStrategy) PackLastBlock() []byte {
	enc, err := fixedRateStrategy.abi.Pack("lastBlock")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackLastBlock is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x806b984f.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function lastBlock() view returns(uint256)
func (fixedRateStrategy *FixedRateStrategy) TryPackLastBlock() ([]byte, error) {
	return fixedRateStrategy.abi.Pack("lastBlock")
}

// UnpackLastBlock is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x806b984f.
//
// Solidity: function lastBlock() view returns(uint256)
func (fixedRateStrategy *FixedRateStrategy) UnpackLastBlock(data []byte) (*big.Int, error) {
	out, err := fixedRateStrategy.abi.Unpack("lastBlock", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackRateBps is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x19d327dd.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function rateBps() view returns(uint256)
func (fixedRateStrategy *FixedRateStrategy) PackRateBps() []byte {
	enc, err := fixedRateStrategy.abi.Pack("rateBps")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackRateBps is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x19d327dd.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function rateBps() view returns(uint256)
func (fixedRateStrategy *FixedRateStrategy) TryPackRateBps() ([]byte, error) {
	return fixedRateStrategy.abi.Pack("rateBps")
}

// UnpackRateBps is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x19d327dd.
//
// Solidity: function rateBps() view returns(uint256)
func (fixedRateStrategy *FixedRateStrategy) UnpackRateBps(data []byte) (*big.Int, error) {
	out, err := fixedRateStrategy.abi.Unpack("rateBps", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackTotalAssets is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x01e1d114.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function totalAssets() view returns(uint256)
func (fixedRateStrategy *FixedRateStrategy) PackTotalAssets() []byte {
	enc, err := fixedRateStrategy.abi.Pack("totalAssets")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackTotalAssets is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x01e1d114.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function totalAssets() view returns(uint256)
func (fixedRateStrategy *FixedRateStrategy) TryPackTotalAssets() ([]byte, error) {
	return fixedRateStrategy.abi.Pack("totalAssets")
}

// UnpackTotalAssets is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x01e1d114.
//
// Solidity: function totalAssets() view returns(uint256)
func (fixedRateStrategy *FixedRateStrategy) UnpackTotalAssets(data []byte) (*big.Int, error) {
	out, err := fixedRateStrategy.abi.Unpack("totalAssets", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackVault is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xfbfa77cf.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function vault() view returns(address)
func (fixedRateStrategy *FixedRateStrategy) PackVault() []byte {
	enc, err := fixedRateStrategy.abi.Pack("vault")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackVault is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xfbfa77cf.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function vault() view returns(address)
func (fixedRateStrategy *FixedRateStrategy) TryPackVault() ([]byte, error) {
	return fixedRateStrategy.abi.Pack("vault")
}

// UnpackVault is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xfbfa77cf.
//
// Solidity: function vault() view returns(address)
func (fixedRateStrategy *FixedRateStrategy) UnpackVault(data []byte) (common.Address, error) {
	out, err := fixedRateStrategy.abi.Unpack("vault", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// PackWithdraw is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x00f714ce.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function withdraw(uint256 assets, address to) returns()
func (fixedRateStrategy *FixedRateStrategy) PackWithdraw(assets *big.Int, to common.Address) []byte {
	enc, err := fixedRateStrategy.abi.Pack("withdraw", assets, to)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackWithdraw is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x00f714ce.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function withdraw(uint256 assets, address to) returns()
func (fixedRateStrategy *FixedRateStrategy) TryPackWithdraw(assets *big.Int, to common.Address) ([]byte, error) {
	return fixedRateStrategy.abi.Pack("withdraw", assets, to)
}

// UnpackError attempts to decode the provided error data using user-defined
// error definitions.
func (fixedRateStrategy *FixedRateStrategy) UnpackError(raw []byte) (any, error) {
	if bytes.Equal(raw[:4], fixedRateStrategy.abi.Errors["InsufficientAssets"].ID.Bytes()[:4]) {
		return fixedRateStrategy.UnpackInsufficientAssetsError(raw[4:])
	}
	if bytes.Equal(raw[:4], fixedRateStrategy.abi.Errors["NotVault"].ID.Bytes()[:4]) {
		return fixedRateStrategy.UnpackNotVaultError(raw[4:])
	}
	if bytes.Equal(raw[:4], fixedRateStrategy.abi.Errors["RateTooHigh"].ID.Bytes()[:4]) {
		return fixedRateStrategy.UnpackRateTooHighError(raw[4:])
	}
	if bytes.Equal(raw[:4], fixedRateStrategy.abi.Errors["SafeERC20FailedOperation"].ID.Bytes()[:4]) {
		return fixedRateStrategy.UnpackSafeERC20FailedOperationError(raw[4:])
	}
	if bytes.Equal(raw[:4], fixedRateStrategy.abi.Errors["ZeroAddress"].ID.Bytes()[:4]) {
		return fixedRateStrategy.UnpackZeroAddressError(raw[4:])
	}
	if bytes.Equal(raw[:4], fixedRateStrategy.abi.Errors["ZeroBlocksPerYear"].ID.Bytes()[:4]) {
		return fixedRateStrategy.UnpackZeroBlocksPerYearError(raw[4:])
	}
	return nil, errors.New("Unknown error")
}

// FixedRateStrategyInsufficientAssets represents a InsufficientAssets error raised by the FixedRateStrategy contract.
type FixedRateStrategyInsufficientAssets struct {
	Requested *big.Int
	Available *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error InsufficientAssets(uint256 requested, uint256 available)
func FixedRateStrategyInsufficientAssetsErrorID() common.Hash {
	return common.HexToHash("0xb97fded160f8800e71ccb321e606eacbc3717eb884940ef50d41161bd62d8c53")
}

// UnpackInsufficientAssetsError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error InsufficientAssets(uint256 requested, uint256 available)
func (fixedRateStrategy *FixedRateStrategy) UnpackInsufficientAssetsError(raw []byte) (*FixedRateStrategyInsufficientAssets, error) {
	out := new(FixedRateStrategyInsufficientAssets)
	if err := fixedRateStrategy.abi.UnpackIntoInterface(out, "InsufficientAssets", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// FixedRateStrategyNotVault represents a NotVault error raised by the FixedRateStrategy contract.
type FixedRateStrategyNotVault struct {
	Caller common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NotVault(address caller)
func FixedRateStrategyNotVaultErrorID() common.Hash {
	return common.HexToHash("0xe9d60161f21916a4c5effe7a3378e39b8056de5fa1591f1f8657153da97c8bc4")
}

// UnpackNotVaultError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NotVault(address caller)
func (fixedRateStrategy *FixedRateStrategy) UnpackNotVaultError(raw []byte) (*FixedRateStrategyNotVault, error) {
	out := new(FixedRateStrategyNotVault)
	if err := fixedRateStrategy.abi.UnpackIntoInterface(out, "NotVault", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// FixedRateStrategyRateTooHigh represents a RateTooHigh error raised by the FixedRateStrategy contract.
type FixedRateStrategyRateTooHigh struct {
	RateBps *big.Int
	Max     *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error RateTooHigh(uint256 rateBps, uint256 max)
func FixedRateStrategyRateTooHighErrorID() common.Hash {
	return common.HexToHash("0x4716c005c60b2d15d6b21971116fcbffc9ca23d1369445740940b85558b2bd86")
}

// UnpackRateTooHighError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error RateTooHigh(uint256 rateBps, uint256 max)
func (fixedRateStrategy *FixedRateStrategy) UnpackRateTooHighError(raw []byte) (*FixedRateStrategyRateTooHigh, error) {
	out := new(FixedRateStrategyRateTooHigh)
	if err := fixedRateStrategy.abi.UnpackIntoInterface(out, "RateTooHigh", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// FixedRateStrategySafeERC20FailedOperation represents a SafeERC20FailedOperation error raised by the FixedRateStrategy contract.
type FixedRateStrategySafeERC20FailedOperation struct {
	Token common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error SafeERC20FailedOperation(address token)
func FixedRateStrategySafeERC20FailedOperationErrorID() common.Hash {
	return common.HexToHash("0x5274afe73c98b4749fc91ffae6b7b574e7842cb2144a159e9377a5f20b32edf9")
}

// UnpackSafeERC20FailedOperationError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error SafeERC20FailedOperation(address token)
func (fixedRateStrategy *FixedRateStrategy) UnpackSafeERC20FailedOperationError(raw []byte) (*FixedRateStrategySafeERC20FailedOperation, error) {
	out := new(FixedRateStrategySafeERC20FailedOperation)
	if err := fixedRateStrategy.abi.UnpackIntoInterface(out, "SafeERC20FailedOperation", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// FixedRateStrategyZeroAddress represents a ZeroAddress error raised by the FixedRateStrategy contract.
type FixedRateStrategyZeroAddress struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ZeroAddress()
func FixedRateStrategyZeroAddressErrorID() common.Hash {
	return common.HexToHash("0xd92e233df2717d4a40030e20904abd27b68fcbeede117eaaccbbdac9618c8c73")
}

// UnpackZeroAddressError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ZeroAddress()
func (fixedRateStrategy *FixedRateStrategy) UnpackZeroAddressError(raw []byte) (*FixedRateStrategyZeroAddress, error) {
	out := new(FixedRateStrategyZeroAddress)
	if err := fixedRateStrategy.abi.UnpackIntoInterface(out, "ZeroAddress", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// FixedRateStrategyZeroBlocksPerYear represents a ZeroBlocksPerYear error raised by the FixedRateStrategy contract.
type FixedRateStrategyZeroBlocksPerYear struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ZeroBlocksPerYear()
func FixedRateStrategyZeroBlocksPerYearErrorID() common.Hash {
	return common.HexToHash("0xf481d0ba7f106037f2e7a38cb98977b0761469610223213a4cb6e47c0fff13e5")
}

// UnpackZeroBlocksPerYearError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ZeroBlocksPerYear()
func (fixedRateStrategy *FixedRateStrategy) UnpackZeroBlocksPerYearError(raw []byte) (*FixedRateStrategyZeroBlocksPerYear, error) {
	out := new(FixedRateStrategyZeroBlocksPerYear)
	if err := fixedRateStrategy.abi.UnpackIntoInterface(out, "ZeroBlocksPerYear", raw); err != nil {
		return nil, err
	}
	return out, nil
}
