// Code generated via abigen V2 - DO NOT EDIT.
// This file is a generated binding and any manual changes will be lost.

package erc6551registry

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

// ERC6551RegistryMetaData contains all meta data concerning the ERC6551Registry contract.
var ERC6551RegistryMetaData = bind.MetaData{
	ABI: "[{\"inputs\":[],\"name\":\"AccountCreationFailed\",\"type\":\"error\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":false,\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"implementation\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"bytes32\",\"name\":\"salt\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"chainId\",\"type\":\"uint256\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"tokenContract\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"uint256\",\"name\":\"tokenId\",\"type\":\"uint256\"}],\"name\":\"ERC6551AccountCreated\",\"type\":\"event\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"implementation\",\"type\":\"address\"},{\"internalType\":\"bytes32\",\"name\":\"salt\",\"type\":\"bytes32\"},{\"internalType\":\"uint256\",\"name\":\"chainId\",\"type\":\"uint256\"},{\"internalType\":\"address\",\"name\":\"tokenContract\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"tokenId\",\"type\":\"uint256\"}],\"name\":\"account\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"implementation\",\"type\":\"address\"},{\"internalType\":\"bytes32\",\"name\":\"salt\",\"type\":\"bytes32\"},{\"internalType\":\"uint256\",\"name\":\"chainId\",\"type\":\"uint256\"},{\"internalType\":\"address\",\"name\":\"tokenContract\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"tokenId\",\"type\":\"uint256\"}],\"name\":\"createAccount\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"}]",
	ID:  "ERC6551Registry",
	Bin: "0x6080604052348015600e575f5ffd5b506103088061001c5f395ff3fe608060405234801561000f575f5ffd5b5060043610610034575f3560e01c8063246a0021146100385780638a54c52f14610067575b5f5ffd5b61004b610046366004610248565b61007a565b6040516001600160a01b03909116815260200160405180910390f35b61004b610075366004610248565b61009d565b5f6100918561008c8888888888610168565b6101d1565b90505b95945050505050565b5f5f6100ac8787878787610168565b90505f6100b987836101d1565b90506001600160a01b0381163b156100d45791506100949050565b5f878351602085015ff590506001600160a01b038116610107576040516320188a5960e01b815260040160405180910390fd5b604080516001600160a01b038381168252602082018b9052918101899052869180891691908c16907f79f19b3655ee38b1ce526556b7731a20c8f218fbda4a3990b6cc4172fdf887229060600160405180910390a498975050505050505050565b60408051602081018690529081018490526001600160a01b0383166060828101919091526080820183905290869060a00160408051601f19818403018152908290526101b79291602001610292565b604051602081830303815290604052905095945050505050565b8051602091820120604080516001600160f81b0319818501523060601b6bffffffffffffffffffffffff191660218201526035810194909452605580850192909252805180850390920182526075909301909252815191012090565b80356001600160a01b0381168114610243575f5ffd5b919050565b5f5f5f5f5f60a0868803121561025c575f5ffd5b6102658661022d565b945060208601359350604086013592506102816060870161022d565b949793965091946080013592915050565b733d60ad80600a3d3981f3363d3d373d3d3d363d7360601b8152606083901b6bffffffffffffffffffffffff191660148201526e5af43d82803e903d91602b57fd5bf360881b602882015281515f908060208501603785015e5f9201603701918252509291505056fea164736f6c6343000825000a",
}

// ERC6551Registry is an auto generated Go binding around an Ethereum contract.
type ERC6551Registry struct {
	abi abi.ABI
}

// GetABI returns the ABI associated with this contract binding.
func (c *ERC6551Registry) GetABI() abi.ABI {
	return c.abi
}

// NewERC6551Registry creates a new instance of ERC6551Registry.
func NewERC6551Registry() *ERC6551Registry {
	parsed, err := ERC6551RegistryMetaData.ParseABI()
	if err != nil {
		panic(errors.New("invalid ABI: " + err.Error()))
	}
	return &ERC6551Registry{abi: *parsed}
}

// Instance creates a wrapper for a deployed contract instance at the given address.
// Use this to create the instance object passed to abigen v2 library functions Call, Transact, etc.
func (c *ERC6551Registry) Instance(backend bind.ContractBackend, addr common.Address) *bind.BoundContract {
	return bind.NewBoundContract(addr, c.abi, backend, backend, backend)
}

// PackAccount is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x246a0021.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function account(address implementation, bytes32 salt, uint256 chainId, address tokenContract, uint256 tokenId) view returns(address)
func (eRC6551Registry *ERC6551Registry) PackAccount(implementation common.Address, salt [32]byte, chainId *big.Int, tokenContract common.Address, tokenId *big.Int) []byte {
	enc, err := eRC6551Registry.abi.Pack("account", implementation, salt, chainId, tokenContract, tokenId)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackAccount is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x246a0021.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function account(address implementation, bytes32 salt, uint256 chainId, address tokenContract, uint256 tokenId) view returns(address)
func (eRC6551Registry *ERC6551Registry) TryPackAccount(implementation common.Address, salt [32]byte, chainId *big.Int, tokenContract common.Address, tokenId *big.Int) ([]byte, error) {
	return eRC6551Registry.abi.Pack("account", implementation, salt, chainId, tokenContract, tokenId)
}

// UnpackAccount is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x246a0021.
//
// Solidity: function account(address implementation, bytes32 salt, uint256 chainId, address tokenContract, uint256 tokenId) view returns(address)
func (eRC6551Registry *ERC6551Registry) UnpackAccount(data []byte) (common.Address, error) {
	out, err := eRC6551Registry.abi.Unpack("account", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// PackCreateAccount is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x8a54c52f.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function createAccount(address implementation, bytes32 salt, uint256 chainId, address tokenContract, uint256 tokenId) returns(address)
func (eRC6551Registry *ERC6551Registry) PackCreateAccount(implementation common.Address, salt [32]byte, chainId *big.Int, tokenContract common.Address, tokenId *big.Int) []byte {
	enc, err := eRC6551Registry.abi.Pack("createAccount", implementation, salt, chainId, tokenContract, tokenId)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackCreateAccount is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x8a54c52f.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function createAccount(address implementation, bytes32 salt, uint256 chainId, address tokenContract, uint256 tokenId) returns(address)
func (eRC6551Registry *ERC6551Registry) TryPackCreateAccount(implementation common.Address, salt [32]byte, chainId *big.Int, tokenContract common.Address, tokenId *big.Int) ([]byte, error) {
	return eRC6551Registry.abi.Pack("createAccount", implementation, salt, chainId, tokenContract, tokenId)
}

// UnpackCreateAccount is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x8a54c52f.
//
// Solidity: function createAccount(address implementation, bytes32 salt, uint256 chainId, address tokenContract, uint256 tokenId) returns(address)
func (eRC6551Registry *ERC6551Registry) UnpackCreateAccount(data []byte) (common.Address, error) {
	out, err := eRC6551Registry.abi.Unpack("createAccount", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// ERC6551RegistryERC6551AccountCreated represents a ERC6551AccountCreated event raised by the ERC6551Registry contract.
type ERC6551RegistryERC6551AccountCreated struct {
	Account        common.Address
	Implementation common.Address
	Salt           [32]byte
	ChainId        *big.Int
	TokenContract  common.Address
	TokenId        *big.Int
	Raw            *types.Log // Blockchain specific contextual infos
}

const ERC6551RegistryERC6551AccountCreatedEventName = "ERC6551AccountCreated"

// ContractEventName returns the user-defined event name.
func (ERC6551RegistryERC6551AccountCreated) ContractEventName() string {
	return ERC6551RegistryERC6551AccountCreatedEventName
}

// UnpackERC6551AccountCreatedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event ERC6551AccountCreated(address account, address indexed implementation, bytes32 salt, uint256 chainId, address indexed tokenContract, uint256 indexed tokenId)
func (eRC6551Registry *ERC6551Registry) UnpackERC6551AccountCreatedEvent(log *types.Log) (*ERC6551RegistryERC6551AccountCreated, error) {
	event := "ERC6551AccountCreated"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != eRC6551Registry.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(ERC6551RegistryERC6551AccountCreated)
	if len(log.Data) > 0 {
		if err := eRC6551Registry.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range eRC6551Registry.abi.Events[event].Inputs {
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
func (eRC6551Registry *ERC6551Registry) UnpackError(raw []byte) (any, error) {
	if bytes.Equal(raw[:4], eRC6551Registry.abi.Errors["AccountCreationFailed"].ID.Bytes()[:4]) {
		return eRC6551Registry.UnpackAccountCreationFailedError(raw[4:])
	}
	return nil, errors.New("Unknown error")
}

// ERC6551RegistryAccountCreationFailed represents a AccountCreationFailed error raised by the ERC6551Registry contract.
type ERC6551RegistryAccountCreationFailed struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error AccountCreationFailed()
func ERC6551RegistryAccountCreationFailedErrorID() common.Hash {
	return common.HexToHash("0x20188a5978a00d375d944cf826bc748616197d53015eb7a94da704f449117694")
}

// UnpackAccountCreationFailedError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error AccountCreationFailed()
func (eRC6551Registry *ERC6551Registry) UnpackAccountCreationFailedError(raw []byte) (*ERC6551RegistryAccountCreationFailed, error) {
	out := new(ERC6551RegistryAccountCreationFailed)
	if err := eRC6551Registry.abi.UnpackIntoInterface(out, "AccountCreationFailed", raw); err != nil {
		return nil, err
	}
	return out, nil
}
