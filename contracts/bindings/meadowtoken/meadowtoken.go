// Code generated via abigen V2 - DO NOT EDIT.
// This file is a generated binding and any manual changes will be lost.

package meadowtoken

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

// MeadowTokenMetaData contains all meta data concerning the MeadowToken contract.
var MeadowTokenMetaData = bind.MetaData{
	ABI: "[{\"inputs\":[{\"internalType\":\"address\",\"name\":\"minter_\",\"type\":\"address\"}],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"increasedSupply\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"cap\",\"type\":\"uint256\"}],\"name\":\"ERC20ExceededCap\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"spender\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"allowance\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"needed\",\"type\":\"uint256\"}],\"name\":\"ERC20InsufficientAllowance\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"sender\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"balance\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"needed\",\"type\":\"uint256\"}],\"name\":\"ERC20InsufficientBalance\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"approver\",\"type\":\"address\"}],\"name\":\"ERC20InvalidApprover\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"cap\",\"type\":\"uint256\"}],\"name\":\"ERC20InvalidCap\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"receiver\",\"type\":\"address\"}],\"name\":\"ERC20InvalidReceiver\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"sender\",\"type\":\"address\"}],\"name\":\"ERC20InvalidSender\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"spender\",\"type\":\"address\"}],\"name\":\"ERC20InvalidSpender\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"caller\",\"type\":\"address\"}],\"name\":\"NotMinter\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ZeroMinter\",\"type\":\"error\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"owner\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"spender\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"}],\"name\":\"Approval\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"from\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"}],\"name\":\"Transfer\",\"type\":\"event\"},{\"inputs\":[],\"name\":\"CAP\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"owner\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"spender\",\"type\":\"address\"}],\"name\":\"allowance\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"spender\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"}],\"name\":\"approve\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"}],\"name\":\"balanceOf\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"cap\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"decimals\",\"outputs\":[{\"internalType\":\"uint8\",\"name\":\"\",\"type\":\"uint8\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"mint\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"minter\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"name\",\"outputs\":[{\"internalType\":\"string\",\"name\":\"\",\"type\":\"string\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"symbol\",\"outputs\":[{\"internalType\":\"string\",\"name\":\"\",\"type\":\"string\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"totalSupply\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"}],\"name\":\"transfer\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"from\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"}],\"name\":\"transferFrom\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"}]",
	ID:  "MeadowToken",
	Bin: "0x60c060405234801561000f575f5ffd5b50604051610b35380380610b3583398101604081905261002e916100f9565b6b033b2e3c9fd0803ce8000000604051806040016040528060068152602001654d6561646f7760d01b815250604051806040016040528060068152602001654d4541444f5760d01b815250816003908161008891906101c9565b50600461009582826101c9565b505050805f036100be5760405163392e1e2760e01b81525f600482015260240160405180910390fd5b6080526001600160a01b0381166100e8576040516341f2769560e11b815260040160405180910390fd5b6001600160a01b031660a052610287565b5f60208284031215610109575f5ffd5b81516001600160a01b038116811461011f575f5ffd5b9392505050565b634e487b7160e01b5f52604160045260245ffd5b600181811c9082168061014e57607f821691505b60208210810361016c57634e487b7160e01b5f52602260045260245ffd5b50919050565b601f8211156101c457828211156101c457805f5260205f20601f840160051c602085101561019d57505f5b90810190601f840160051c035f5b818110156101c0575f838201556001016101ab565b5050505b505050565b81516001600160401b038111156101e2576101e2610126565b6101f6816101f0845461013a565b84610172565b6020601f821160018114610228575f83156102115750848201515b5f19600385901b1c1916600184901b178455610280565b5f84815260208120601f198516915b828110156102575787850151825560209485019460019092019101610237565b508482101561027457868401515f19600387901b60f8161c191681555b505060018360011b0184555b5050505050565b60805160a0516108806102b55f395f818160f2015261032301525f818161018501526105a101526108805ff3fe608060405234801561000f575f5ffd5b50600436106100cb575f3560e01c8063355274ea1161008857806395d89b411161006357806395d89b41146101e6578063a9059cbb146101ee578063dd62ed3e14610201578063ec81b48314610239575f5ffd5b8063355274ea1461018357806340c10f19146101a957806370a08231146101be575f5ffd5b806306fdde03146100cf57806307546172146100ed578063095ea7b31461012c57806318160ddd1461014f57806323b872dd14610161578063313ce56714610174575b5f5ffd5b6100d761024c565b6040516100e49190610719565b60405180910390f35b6101147f000000000000000000000000000000000000000000000000000000000000000081565b6040516001600160a01b0390911681526020016100e4565b61013f61013a366004610769565b6102dc565b60405190151581526020016100e4565b6002545b6040519081526020016100e4565b61013f61016f366004610791565b6102f5565b604051601281526020016100e4565b7f0000000000000000000000000000000000000000000000000000000000000000610153565b6101bc6101b7366004610769565b610318565b005b6101536101cc3660046107cb565b6001600160a01b03165f9081526020819052604090205490565b6100d7610376565b61013f6101fc366004610769565b610385565b61015361020f3660046107eb565b6001600160a01b039182165f90815260016020908152604080832093909416825291909152205490565b6101536b033b2e3c9fd0803ce800000081565b60606003805461025b9061081c565b80601f01602080910402602001604051908101604052809291908181526020018280546102879061081c565b80156102d25780601f106102a9576101008083540402835291602001916102d2565b820191905f5260205f20905b8154815290600101906020018083116102b557829003601f168201915b5050505050905090565b5f336102e9818585610392565b60019150505b92915050565b5f336103028582856103a4565b61030d858585610420565b506001949350505050565b336001600160a01b037f0000000000000000000000000000000000000000000000000000000000000000161461036857604051631b0e18f960e11b81523360048201526024015b60405180910390fd5b610372828261047d565b5050565b60606004805461025b9061081c565b5f336102e9818585610420565b61039f83838360016104b1565b505050565b6001600160a01b038381165f908152600160209081526040808320938616835292905220545f1981101561041a578181101561040c57604051637dc7a0d960e11b81526001600160a01b0384166004820152602481018290526044810183905260640161035f565b61041a84848484035f6104b1565b50505050565b6001600160a01b03831661044957604051634b637e8f60e11b81525f600482015260240161035f565b6001600160a01b0382166104725760405163ec442f0560e01b81525f600482015260240161035f565b61039f838383610583565b6001600160a01b0382166104a65760405163ec442f0560e01b81525f600482015260240161035f565b6103725f8383610583565b6001600160a01b0384166104da5760405163e602df0560e01b81525f600482015260240161035f565b6001600160a01b03831661050357604051634a1406b160e11b81525f600482015260240161035f565b6001600160a01b038085165f908152600160209081526040808320938716835292905220829055801561041a57826001600160a01b0316846001600160a01b03167f8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b9258460405161057591815260200190565b60405180910390a350505050565b61058e8383836105f3565b6001600160a01b03831661039f576002547f000000000000000000000000000000000000000000000000000000000000000090818111156105ec5760405163279e7e1560e21b8152600481018290526024810183905260440161035f565b5050505050565b6001600160a01b03831661061d578060025f8282546106129190610854565b9091555061068d9050565b6001600160a01b0383165f908152602081905260409020548181101561066f5760405163391434e360e21b81526001600160a01b0385166004820152602481018290526044810183905260640161035f565b6001600160a01b0384165f9081526020819052604090209082900390555b6001600160a01b0382166106a9576002805482900390556106c7565b6001600160a01b0382165f9081526020819052604090208054820190555b816001600160a01b0316836001600160a01b03167fddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef8360405161070c91815260200190565b60405180910390a3505050565b602081525f82518060208401528060208501604085015e5f604082850101526040601f19601f83011684010191505092915050565b80356001600160a01b0381168114610764575f5ffd5b919050565b5f5f6040838503121561077a575f5ffd5b6107838361074e565b946020939093013593505050565b5f5f5f606084860312156107a3575f5ffd5b6107ac8461074e565b92506107ba6020850161074e565b929592945050506040919091013590565b5f602082840312156107db575f5ffd5b6107e48261074e565b9392505050565b5f5f604083850312156107fc575f5ffd5b6108058361074e565b91506108136020840161074e565b90509250929050565b600181811c9082168061083057607f821691505b60208210810361084e57634e487b7160e01b5f52602260045260245ffd5b50919050565b808201808211156102ef57634e487b7160e01b5f52601160045260245ffdfea164736f6c6343000825000a",
}

// MeadowToken is an auto generated Go binding around an Ethereum contract.
type MeadowToken struct {
	abi abi.ABI
}

// GetABI returns the ABI associated with this contract binding.
func (c *MeadowToken) GetABI() abi.ABI {
	return c.abi
}

// NewMeadowToken creates a new instance of MeadowToken.
func NewMeadowToken() *MeadowToken {
	parsed, err := MeadowTokenMetaData.ParseABI()
	if err != nil {
		panic(errors.New("invalid ABI: " + err.Error()))
	}
	return &MeadowToken{abi: *parsed}
}

// Instance creates a wrapper for a deployed contract instance at the given address.
// Use this to create the instance object passed to abigen v2 library functions Call, Transact, etc.
func (c *MeadowToken) Instance(backend bind.ContractBackend, addr common.Address) *bind.BoundContract {
	return bind.NewBoundContract(addr, c.abi, backend, backend, backend)
}

// PackConstructor is the Go binding used to pack the parameters required for
// contract deployment.
//
// Solidity: constructor(address minter_) returns()
func (meadowToken *MeadowToken) PackConstructor(minter_ common.Address) []byte {
	enc, err := meadowToken.abi.Pack("", minter_)
	if err != nil {
		panic(err)
	}
	return enc
}

// PackCAP is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xec81b483.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function CAP() view returns(uint256)
func (meadowToken *MeadowToken) PackCAP() []byte {
	enc, err := meadowToken.abi.Pack("CAP")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackCAP is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xec81b483.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function CAP() view returns(uint256)
func (meadowToken *MeadowToken) TryPackCAP() ([]byte, error) {
	return meadowToken.abi.Pack("CAP")
}

// UnpackCAP is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xec81b483.
//
// Solidity: function CAP() view returns(uint256)
func (meadowToken *MeadowToken) UnpackCAP(data []byte) (*big.Int, error) {
	out, err := meadowToken.abi.Unpack("CAP", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackAllowance is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xdd62ed3e.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function allowance(address owner, address spender) view returns(uint256)
func (meadowToken *MeadowToken) PackAllowance(owner common.Address, spender common.Address) []byte {
	enc, err := meadowToken.abi.Pack("allowance", owner, spender)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackAllowance is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xdd62ed3e.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function allowance(address owner, address spender) view returns(uint256)
func (meadowToken *MeadowToken) TryPackAllowance(owner common.Address, spender common.Address) ([]byte, error) {
	return meadowToken.abi.Pack("allowance", owner, spender)
}

// UnpackAllowance is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xdd62ed3e.
//
// Solidity: function allowance(address owner, address spender) view returns(uint256)
func (meadowToken *MeadowToken) UnpackAllowance(data []byte) (*big.Int, error) {
	out, err := meadowToken.abi.Unpack("allowance", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackApprove is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x095ea7b3.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function approve(address spender, uint256 value) returns(bool)
func (meadowToken *MeadowToken) PackApprove(spender common.Address, value *big.Int) []byte {
	enc, err := meadowToken.abi.Pack("approve", spender, value)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackApprove is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x095ea7b3.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function approve(address spender, uint256 value) returns(bool)
func (meadowToken *MeadowToken) TryPackApprove(spender common.Address, value *big.Int) ([]byte, error) {
	return meadowToken.abi.Pack("approve", spender, value)
}

// UnpackApprove is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x095ea7b3.
//
// Solidity: function approve(address spender, uint256 value) returns(bool)
func (meadowToken *MeadowToken) UnpackApprove(data []byte) (bool, error) {
	out, err := meadowToken.abi.Unpack("approve", data)
	if err != nil {
		return *new(bool), err
	}
	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)
	return out0, nil
}

// PackBalanceOf is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x70a08231.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function balanceOf(address account) view returns(uint256)
func (meadowToken *MeadowToken) PackBalanceOf(account common.Address) []byte {
	enc, err := meadowToken.abi.Pack("balanceOf", account)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackBalanceOf is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x70a08231.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function balanceOf(address account) view returns(uint256)
func (meadowToken *MeadowToken) TryPackBalanceOf(account common.Address) ([]byte, error) {
	return meadowToken.abi.Pack("balanceOf", account)
}

// UnpackBalanceOf is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x70a08231.
//
// Solidity: function balanceOf(address account) view returns(uint256)
func (meadowToken *MeadowToken) UnpackBalanceOf(data []byte) (*big.Int, error) {
	out, err := meadowToken.abi.Unpack("balanceOf", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackCap is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x355274ea.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function cap() view returns(uint256)
func (meadowToken *MeadowToken) PackCap() []byte {
	enc, err := meadowToken.abi.Pack("cap")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackCap is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x355274ea.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function cap() view returns(uint256)
func (meadowToken *MeadowToken) TryPackCap() ([]byte, error) {
	return meadowToken.abi.Pack("cap")
}

// UnpackCap is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x355274ea.
//
// Solidity: function cap() view returns(uint256)
func (meadowToken *MeadowToken) UnpackCap(data []byte) (*big.Int, error) {
	out, err := meadowToken.abi.Unpack("cap", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackDecimals is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x313ce567.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function decimals() view returns(uint8)
func (meadowToken *MeadowToken) PackDecimals() []byte {
	enc, err := meadowToken.abi.Pack("decimals")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackDecimals is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x313ce567.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function decimals() view returns(uint8)
func (meadowToken *MeadowToken) TryPackDecimals() ([]byte, error) {
	return meadowToken.abi.Pack("decimals")
}

// UnpackDecimals is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x313ce567.
//
// Solidity: function decimals() view returns(uint8)
func (meadowToken *MeadowToken) UnpackDecimals(data []byte) (uint8, error) {
	out, err := meadowToken.abi.Unpack("decimals", data)
	if err != nil {
		return *new(uint8), err
	}
	out0 := *abi.ConvertType(out[0], new(uint8)).(*uint8)
	return out0, nil
}

// PackMint is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x40c10f19.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function mint(address to, uint256 amount) returns()
func (meadowToken *MeadowToken) PackMint(to common.Address, amount *big.Int) []byte {
	enc, err := meadowToken.abi.Pack("mint", to, amount)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackMint is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x40c10f19.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function mint(address to, uint256 amount) returns()
func (meadowToken *MeadowToken) TryPackMint(to common.Address, amount *big.Int) ([]byte, error) {
	return meadowToken.abi.Pack("mint", to, amount)
}

// PackMinter is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x07546172.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function minter() view returns(address)
func (meadowToken *MeadowToken) PackMinter() []byte {
	enc, err := meadowToken.abi.Pack("minter")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackMinter is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x07546172.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function minter() view returns(address)
func (meadowToken *MeadowToken) TryPackMinter() ([]byte, error) {
	return meadowToken.abi.Pack("minter")
}

// UnpackMinter is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x07546172.
//
// Solidity: function minter() view returns(address)
func (meadowToken *MeadowToken) UnpackMinter(data []byte) (common.Address, error) {
	out, err := meadowToken.abi.Unpack("minter", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// PackName is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x06fdde03.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function name() view returns(string)
func (meadowToken *MeadowToken) PackName() []byte {
	enc, err := meadowToken.abi.Pack("name")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackName is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x06fdde03.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function name() view returns(string)
func (meadowToken *MeadowToken) TryPackName() ([]byte, error) {
	return meadowToken.abi.Pack("name")
}

// UnpackName is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x06fdde03.
//
// Solidity: function name() view returns(string)
func (meadowToken *MeadowToken) UnpackName(data []byte) (string, error) {
	out, err := meadowToken.abi.Unpack("name", data)
	if err != nil {
		return *new(string), err
	}
	out0 := *abi.ConvertType(out[0], new(string)).(*string)
	return out0, nil
}

// PackSymbol is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x95d89b41.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function symbol() view returns(string)
func (meadowToken *MeadowToken) PackSymbol() []byte {
	enc, err := meadowToken.abi.Pack("symbol")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSymbol is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x95d89b41.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function symbol() view returns(string)
func (meadowToken *MeadowToken) TryPackSymbol() ([]byte, error) {
	return meadowToken.abi.Pack("symbol")
}

// UnpackSymbol is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x95d89b41.
//
// Solidity: function symbol() view returns(string)
func (meadowToken *MeadowToken) UnpackSymbol(data []byte) (string, error) {
	out, err := meadowToken.abi.Unpack("symbol", data)
	if err != nil {
		return *new(string), err
	}
	out0 := *abi.ConvertType(out[0], new(string)).(*string)
	return out0, nil
}

// PackTotalSupply is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x18160ddd.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function totalSupply() view returns(uint256)
func (meadowToken *MeadowToken) PackTotalSupply() []byte {
	enc, err := meadowToken.abi.Pack("totalSupply")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackTotalSupply is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x18160ddd.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function totalSupply() view returns(uint256)
func (meadowToken *MeadowToken) TryPackTotalSupply() ([]byte, error) {
	return meadowToken.abi.Pack("totalSupply")
}

// UnpackTotalSupply is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x18160ddd.
//
// Solidity: function totalSupply() view returns(uint256)
func (meadowToken *MeadowToken) UnpackTotalSupply(data []byte) (*big.Int, error) {
	out, err := meadowToken.abi.Unpack("totalSupply", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackTransfer is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa9059cbb.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function transfer(address to, uint256 value) returns(bool)
func (meadowToken *MeadowToken) PackTransfer(to common.Address, value *big.Int) []byte {
	enc, err := meadowToken.abi.Pack("transfer", to, value)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackTransfer is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa9059cbb.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function transfer(address to, uint256 value) returns(bool)
func (meadowToken *MeadowToken) TryPackTransfer(to common.Address, value *big.Int) ([]byte, error) {
	return meadowToken.abi.Pack("transfer", to, value)
}

// UnpackTransfer is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xa9059cbb.
//
// Solidity: function transfer(address to, uint256 value) returns(bool)
func (meadowToken *MeadowToken) UnpackTransfer(data []byte) (bool, error) {
	out, err := meadowToken.abi.Unpack("transfer", data)
	if err != nil {
		return *new(bool), err
	}
	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)
	return out0, nil
}

// PackTransferFrom is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x23b872dd.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function transferFrom(address from, address to, uint256 value) returns(bool)
func (meadowToken *MeadowToken) PackTransferFrom(from common.Address, to common.Address, value *big.Int) []byte {
	enc, err := meadowToken.abi.Pack("transferFrom", from, to, value)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackTransferFrom is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x23b872dd.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function transferFrom(address from, address to, uint256 value) returns(bool)
func (meadowToken *MeadowToken) TryPackTransferFrom(from common.Address, to common.Address, value *big.Int) ([]byte, error) {
	return meadowToken.abi.Pack("transferFrom", from, to, value)
}

// UnpackTransferFrom is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x23b872dd.
//
// Solidity: function transferFrom(address from, address to, uint256 value) returns(bool)
func (meadowToken *MeadowToken) UnpackTransferFrom(data []byte) (bool, error) {
	out, err := meadowToken.abi.Unpack("transferFrom", data)
	if err != nil {
		return *new(bool), err
	}
	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)
	return out0, nil
}

// MeadowTokenApproval represents a Approval event raised by the MeadowToken contract.
type MeadowTokenApproval struct {
	Owner   common.Address
	Spender common.Address
	Value   *big.Int
	Raw     *types.Log // Blockchain specific contextual infos
}

const MeadowTokenApprovalEventName = "Approval"

// ContractEventName returns the user-defined event name.
func (MeadowTokenApproval) ContractEventName() string {
	return MeadowTokenApprovalEventName
}

// UnpackApprovalEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Approval(address indexed owner, address indexed spender, uint256 value)
func (meadowToken *MeadowToken) UnpackApprovalEvent(log *types.Log) (*MeadowTokenApproval, error) {
	event := "Approval"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != meadowToken.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(MeadowTokenApproval)
	if len(log.Data) > 0 {
		if err := meadowToken.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range meadowToken.abi.Events[event].Inputs {
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

// MeadowTokenTransfer represents a Transfer event raised by the MeadowToken contract.
type MeadowTokenTransfer struct {
	From  common.Address
	To    common.Address
	Value *big.Int
	Raw   *types.Log // Blockchain specific contextual infos
}

const MeadowTokenTransferEventName = "Transfer"

// ContractEventName returns the user-defined event name.
func (MeadowTokenTransfer) ContractEventName() string {
	return MeadowTokenTransferEventName
}

// UnpackTransferEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Transfer(address indexed from, address indexed to, uint256 value)
func (meadowToken *MeadowToken) UnpackTransferEvent(log *types.Log) (*MeadowTokenTransfer, error) {
	event := "Transfer"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != meadowToken.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(MeadowTokenTransfer)
	if len(log.Data) > 0 {
		if err := meadowToken.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range meadowToken.abi.Events[event].Inputs {
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
func (meadowToken *MeadowToken) UnpackError(raw []byte) (any, error) {
	if bytes.Equal(raw[:4], meadowToken.abi.Errors["ERC20ExceededCap"].ID.Bytes()[:4]) {
		return meadowToken.UnpackERC20ExceededCapError(raw[4:])
	}
	if bytes.Equal(raw[:4], meadowToken.abi.Errors["ERC20InsufficientAllowance"].ID.Bytes()[:4]) {
		return meadowToken.UnpackERC20InsufficientAllowanceError(raw[4:])
	}
	if bytes.Equal(raw[:4], meadowToken.abi.Errors["ERC20InsufficientBalance"].ID.Bytes()[:4]) {
		return meadowToken.UnpackERC20InsufficientBalanceError(raw[4:])
	}
	if bytes.Equal(raw[:4], meadowToken.abi.Errors["ERC20InvalidApprover"].ID.Bytes()[:4]) {
		return meadowToken.UnpackERC20InvalidApproverError(raw[4:])
	}
	if bytes.Equal(raw[:4], meadowToken.abi.Errors["ERC20InvalidCap"].ID.Bytes()[:4]) {
		return meadowToken.UnpackERC20InvalidCapError(raw[4:])
	}
	if bytes.Equal(raw[:4], meadowToken.abi.Errors["ERC20InvalidReceiver"].ID.Bytes()[:4]) {
		return meadowToken.UnpackERC20InvalidReceiverError(raw[4:])
	}
	if bytes.Equal(raw[:4], meadowToken.abi.Errors["ERC20InvalidSender"].ID.Bytes()[:4]) {
		return meadowToken.UnpackERC20InvalidSenderError(raw[4:])
	}
	if bytes.Equal(raw[:4], meadowToken.abi.Errors["ERC20InvalidSpender"].ID.Bytes()[:4]) {
		return meadowToken.UnpackERC20InvalidSpenderError(raw[4:])
	}
	if bytes.Equal(raw[:4], meadowToken.abi.Errors["NotMinter"].ID.Bytes()[:4]) {
		return meadowToken.UnpackNotMinterError(raw[4:])
	}
	if bytes.Equal(raw[:4], meadowToken.abi.Errors["ZeroMinter"].ID.Bytes()[:4]) {
		return meadowToken.UnpackZeroMinterError(raw[4:])
	}
	return nil, errors.New("Unknown error")
}

// MeadowTokenERC20ExceededCap represents a ERC20ExceededCap error raised by the MeadowToken contract.
type MeadowTokenERC20ExceededCap struct {
	IncreasedSupply *big.Int
	Cap             *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ERC20ExceededCap(uint256 increasedSupply, uint256 cap)
func MeadowTokenERC20ExceededCapErrorID() common.Hash {
	return common.HexToHash("0x9e79f854e7e443a7e81774a004f97452fde67fc40f1ae7a0ecb8c360c4f564ac")
}

// UnpackERC20ExceededCapError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ERC20ExceededCap(uint256 increasedSupply, uint256 cap)
func (meadowToken *MeadowToken) UnpackERC20ExceededCapError(raw []byte) (*MeadowTokenERC20ExceededCap, error) {
	out := new(MeadowTokenERC20ExceededCap)
	if err := meadowToken.abi.UnpackIntoInterface(out, "ERC20ExceededCap", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// MeadowTokenERC20InsufficientAllowance represents a ERC20InsufficientAllowance error raised by the MeadowToken contract.
type MeadowTokenERC20InsufficientAllowance struct {
	Spender   common.Address
	Allowance *big.Int
	Needed    *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ERC20InsufficientAllowance(address spender, uint256 allowance, uint256 needed)
func MeadowTokenERC20InsufficientAllowanceErrorID() common.Hash {
	return common.HexToHash("0xfb8f41b23e99d2101d86da76cdfa87dd51c82ed07d3cb62cbc473e469dbc75c3")
}

// UnpackERC20InsufficientAllowanceError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ERC20InsufficientAllowance(address spender, uint256 allowance, uint256 needed)
func (meadowToken *MeadowToken) UnpackERC20InsufficientAllowanceError(raw []byte) (*MeadowTokenERC20InsufficientAllowance, error) {
	out := new(MeadowTokenERC20InsufficientAllowance)
	if err := meadowToken.abi.UnpackIntoInterface(out, "ERC20InsufficientAllowance", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// MeadowTokenERC20InsufficientBalance represents a ERC20InsufficientBalance error raised by the MeadowToken contract.
type MeadowTokenERC20InsufficientBalance struct {
	Sender  common.Address
	Balance *big.Int
	Needed  *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ERC20InsufficientBalance(address sender, uint256 balance, uint256 needed)
func MeadowTokenERC20InsufficientBalanceErrorID() common.Hash {
	return common.HexToHash("0xe450d38cd8d9f7d95077d567d60ed49c7254716e6ad08fc9872816c97e0ffec6")
}

// UnpackERC20InsufficientBalanceError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ERC20InsufficientBalance(address sender, uint256 balance, uint256 needed)
func (meadowToken *MeadowToken) UnpackERC20InsufficientBalanceError(raw []byte) (*MeadowTokenERC20InsufficientBalance, error) {
	out := new(MeadowTokenERC20InsufficientBalance)
	if err := meadowToken.abi.UnpackIntoInterface(out, "ERC20InsufficientBalance", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// MeadowTokenERC20InvalidApprover represents a ERC20InvalidApprover error raised by the MeadowToken contract.
type MeadowTokenERC20InvalidApprover struct {
	Approver common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ERC20InvalidApprover(address approver)
func MeadowTokenERC20InvalidApproverErrorID() common.Hash {
	return common.HexToHash("0xe602df05cc75712490294c6c104ab7c17f4030363910a7a2626411c6d3118847")
}

// UnpackERC20InvalidApproverError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ERC20InvalidApprover(address approver)
func (meadowToken *MeadowToken) UnpackERC20InvalidApproverError(raw []byte) (*MeadowTokenERC20InvalidApprover, error) {
	out := new(MeadowTokenERC20InvalidApprover)
	if err := meadowToken.abi.UnpackIntoInterface(out, "ERC20InvalidApprover", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// MeadowTokenERC20InvalidCap represents a ERC20InvalidCap error raised by the MeadowToken contract.
type MeadowTokenERC20InvalidCap struct {
	Cap *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ERC20InvalidCap(uint256 cap)
func MeadowTokenERC20InvalidCapErrorID() common.Hash {
	return common.HexToHash("0x392e1e27cbe1cbe0653ae0435ec8f503f6a25b76c3c7164a5cacb005b0b68677")
}

// UnpackERC20InvalidCapError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ERC20InvalidCap(uint256 cap)
func (meadowToken *MeadowToken) UnpackERC20InvalidCapError(raw []byte) (*MeadowTokenERC20InvalidCap, error) {
	out := new(MeadowTokenERC20InvalidCap)
	if err := meadowToken.abi.UnpackIntoInterface(out, "ERC20InvalidCap", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// MeadowTokenERC20InvalidReceiver represents a ERC20InvalidReceiver error raised by the MeadowToken contract.
type MeadowTokenERC20InvalidReceiver struct {
	Receiver common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ERC20InvalidReceiver(address receiver)
func MeadowTokenERC20InvalidReceiverErrorID() common.Hash {
	return common.HexToHash("0xec442f055133b72f3b2f9f0bb351c406b178527de2040a7d1feb4e058771f613")
}

// UnpackERC20InvalidReceiverError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ERC20InvalidReceiver(address receiver)
func (meadowToken *MeadowToken) UnpackERC20InvalidReceiverError(raw []byte) (*MeadowTokenERC20InvalidReceiver, error) {
	out := new(MeadowTokenERC20InvalidReceiver)
	if err := meadowToken.abi.UnpackIntoInterface(out, "ERC20InvalidReceiver", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// MeadowTokenERC20InvalidSender represents a ERC20InvalidSender error raised by the MeadowToken contract.
type MeadowTokenERC20InvalidSender struct {
	Sender common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ERC20InvalidSender(address sender)
func MeadowTokenERC20InvalidSenderErrorID() common.Hash {
	return common.HexToHash("0x96c6fd1edd0cd6ef7ff0ecc0facdf53148dc0048b57fe58af65755250a7a96bd")
}

// UnpackERC20InvalidSenderError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ERC20InvalidSender(address sender)
func (meadowToken *MeadowToken) UnpackERC20InvalidSenderError(raw []byte) (*MeadowTokenERC20InvalidSender, error) {
	out := new(MeadowTokenERC20InvalidSender)
	if err := meadowToken.abi.UnpackIntoInterface(out, "ERC20InvalidSender", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// MeadowTokenERC20InvalidSpender represents a ERC20InvalidSpender error raised by the MeadowToken contract.
type MeadowTokenERC20InvalidSpender struct {
	Spender common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ERC20InvalidSpender(address spender)
func MeadowTokenERC20InvalidSpenderErrorID() common.Hash {
	return common.HexToHash("0x94280d62c347d8d9f4d59a76ea321452406db88df38e0c9da304f58b57b373a2")
}

// UnpackERC20InvalidSpenderError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ERC20InvalidSpender(address spender)
func (meadowToken *MeadowToken) UnpackERC20InvalidSpenderError(raw []byte) (*MeadowTokenERC20InvalidSpender, error) {
	out := new(MeadowTokenERC20InvalidSpender)
	if err := meadowToken.abi.UnpackIntoInterface(out, "ERC20InvalidSpender", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// MeadowTokenNotMinter represents a NotMinter error raised by the MeadowToken contract.
type MeadowTokenNotMinter struct {
	Caller common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NotMinter(address caller)
func MeadowTokenNotMinterErrorID() common.Hash {
	return common.HexToHash("0x361c31f27e729a8322ec0a67a437cd1a685fbc0124c358ce2bac49ea8a779111")
}

// UnpackNotMinterError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NotMinter(address caller)
func (meadowToken *MeadowToken) UnpackNotMinterError(raw []byte) (*MeadowTokenNotMinter, error) {
	out := new(MeadowTokenNotMinter)
	if err := meadowToken.abi.UnpackIntoInterface(out, "NotMinter", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// MeadowTokenZeroMinter represents a ZeroMinter error raised by the MeadowToken contract.
type MeadowTokenZeroMinter struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ZeroMinter()
func MeadowTokenZeroMinterErrorID() common.Hash {
	return common.HexToHash("0x83e4ed2a5538f75a8c9c218bd9bbf398070f38b660b5151c97e48229d497182a")
}

// UnpackZeroMinterError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ZeroMinter()
func (meadowToken *MeadowToken) UnpackZeroMinterError(raw []byte) (*MeadowTokenZeroMinter, error) {
	out := new(MeadowTokenZeroMinter)
	if err := meadowToken.abi.UnpackIntoInterface(out, "ZeroMinter", raw); err != nil {
		return nil, err
	}
	return out, nil
}
