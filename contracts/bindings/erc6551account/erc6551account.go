// Code generated via abigen V2 - DO NOT EDIT.
// This file is a generated binding and any manual changes will be lost.

package erc6551account

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

// ERC6551AccountMetaData contains all meta data concerning the ERC6551Account contract.
var ERC6551AccountMetaData = bind.MetaData{
	ABI: "[{\"inputs\":[{\"internalType\":\"address\",\"name\":\"caller\",\"type\":\"address\"}],\"name\":\"NotAuthorized\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"tokenContract\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"tokenId\",\"type\":\"uint256\"}],\"name\":\"OwnershipCycle\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint8\",\"name\":\"operation\",\"type\":\"uint8\"}],\"name\":\"UnsupportedOperation\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"OPERATION_CALL\",\"outputs\":[{\"internalType\":\"uint8\",\"name\":\"\",\"type\":\"uint8\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"},{\"internalType\":\"bytes\",\"name\":\"data\",\"type\":\"bytes\"},{\"internalType\":\"uint8\",\"name\":\"operation\",\"type\":\"uint8\"}],\"name\":\"execute\",\"outputs\":[{\"internalType\":\"bytes\",\"name\":\"result\",\"type\":\"bytes\"}],\"stateMutability\":\"payable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"hash\",\"type\":\"bytes32\"},{\"internalType\":\"bytes\",\"name\":\"signature\",\"type\":\"bytes\"}],\"name\":\"isValidSignature\",\"outputs\":[{\"internalType\":\"bytes4\",\"name\":\"\",\"type\":\"bytes4\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"signer\",\"type\":\"address\"},{\"internalType\":\"bytes\",\"name\":\"\",\"type\":\"bytes\"}],\"name\":\"isValidSigner\",\"outputs\":[{\"internalType\":\"bytes4\",\"name\":\"\",\"type\":\"bytes4\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"},{\"internalType\":\"uint256[]\",\"name\":\"\",\"type\":\"uint256[]\"},{\"internalType\":\"uint256[]\",\"name\":\"\",\"type\":\"uint256[]\"},{\"internalType\":\"bytes\",\"name\":\"\",\"type\":\"bytes\"}],\"name\":\"onERC1155BatchReceived\",\"outputs\":[{\"internalType\":\"bytes4\",\"name\":\"\",\"type\":\"bytes4\"}],\"stateMutability\":\"pure\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"},{\"internalType\":\"bytes\",\"name\":\"\",\"type\":\"bytes\"}],\"name\":\"onERC1155Received\",\"outputs\":[{\"internalType\":\"bytes4\",\"name\":\"\",\"type\":\"bytes4\"}],\"stateMutability\":\"pure\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"tokenId\",\"type\":\"uint256\"},{\"internalType\":\"bytes\",\"name\":\"\",\"type\":\"bytes\"}],\"name\":\"onERC721Received\",\"outputs\":[{\"internalType\":\"bytes4\",\"name\":\"\",\"type\":\"bytes4\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"owner\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"state\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes4\",\"name\":\"interfaceId\",\"type\":\"bytes4\"}],\"name\":\"supportsInterface\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"pure\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"token\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"chainId\",\"type\":\"uint256\"},{\"internalType\":\"address\",\"name\":\"tokenContract\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"tokenId\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"stateMutability\":\"payable\",\"type\":\"receive\"}]",
	ID:  "ERC6551Account",
	Bin: "0x6080604052348015600e575f5ffd5b50610ead8061001c5f395ff3fe60806040526004361061009d575f3560e01c80638da5cb5b116100625780638da5cb5b14610172578063bc197c811461019e578063c19d93fb146101cc578063f23a6e61146101e8578063f368a75614610214578063fc0c546a14610239575f5ffd5b806301ffc9a7146100a8578063150b7a02146100dc5780631626ba7e146101145780635194544714610133578063523e326014610153575f5ffd5b366100a457005b5f5ffd5b3480156100b3575f5ffd5b506100c76100c23660046109af565b610270565b60405190151581526020015b60405180910390f35b3480156100e7575f5ffd5b506100fb6100f6366004610a32565b610312565b6040516001600160e01b031990911681526020016100d3565b34801561011f575f5ffd5b506100fb61012e366004610ab4565b61035c565b610146610141366004610b71565b610391565b6040516100d39190610be5565b34801561015e575f5ffd5b506100fb61016d366004610c1a565b610475565b34801561017d575f5ffd5b506101866104ad565b6040516001600160a01b0390911681526020016100d3565b3480156101a9575f5ffd5b506100fb6101b8366004610cac565b63bc197c8160e01b98975050505050505050565b3480156101d7575f5ffd5b505f546040519081526020016100d3565b3480156101f3575f5ffd5b506100fb610202366004610d6f565b63f23a6e6160e01b9695505050505050565b34801561021f575f5ffd5b506102275f81565b60405160ff90911681526020016100d3565b348015610244575f5ffd5b5061024d61053e565b604080519384526001600160a01b039092166020840152908201526060016100d3565b5f6001600160e01b031982166301ffc9a760e01b14806102a057506001600160e01b03198216636faff5f160e01b145b806102bb57506001600160e01b03198216635194544760e01b145b806102d657506001600160e01b03198216630b135d3f60e11b145b806102f157506001600160e01b03198216630a85bd0160e11b145b8061030c57506001600160e01b03198216630271189760e51b145b92915050565b5f61031e303386610579565b1561034a576040516321f6bf8160e21b8152336004820152602481018590526044015b60405180910390fd5b50630a85bd0160e11b95945050505050565b5f61036f6103686104ad565b84846107c9565b610381576001600160e01b031961038a565b630b135d3f60e11b5b9392505050565b606061039b6104ad565b6001600160a01b0316336001600160a01b0316146103ce57604051634a0bfec160e01b8152336004820152602401610341565b60ff8216156103f557604051631be413d360e11b815260ff83166004820152602401610341565b5f805460010181556040516001600160a01b03881690879061041a9088908890610de6565b5f6040518083038185875af1925050503d805f8114610454576040519150601f19603f3d011682016040523d82523d5f602084013e610459565b606091505b50925090508061046b57815160208301fd5b5095945050505050565b5f61047e6104ad565b6001600160a01b0316846001600160a01b03161461049c575f6104a5565b630291f19360e51b5b949350505050565b5f5f5f5f6104b961053e565b9250925092504683146104cf575f935050505090565b6040516331a9108f60e11b8152600481018290526001600160a01b03831690636352211e90602401602060405180830381865afa158015610512573d5f5f3e3d5ffd5b505050506040513d601f19601f820116820180604052508101906105369190610df5565b935050505090565b5f8080303b60ad1461055557505f92839250829150565b5f6040516060604d82303c8051602082015160409092015190969195509350915050565b5f83815b600881116107bd57816001600160a01b03163b5f036105a0575f9250505061038a565b60408051600481526024810182526020810180516001600160e01b0316637e062a3560e11b17905290515f9182916001600160a01b038616916105e291610e10565b5f60405180830381855afa9150503d805f811461061a576040519150601f19603f3d011682016040523d82523d5f602084013e61061f565b606091505b5091509150811580610632575060608151105b15610643575f94505050505061038a565b5f5f5f8380602001905181019061065a9190610e26565b9250925092504683141580610672575060a082901c15155b15610686575f97505050505050505061038a565b896001600160a01b0316826001600160a01b03161480156106a657508881145b156106bb57600197505050505050505061038a565b816001600160a01b0316816040516024016106d891815260200190565b60408051601f198184030181529181526020820180516001600160e01b03166331a9108f60e11b1790525161070d9190610e10565b5f60405180830381855afa9150503d805f8114610745576040519150601f19603f3d011682016040523d82523d5f602084013e61074a565b606091505b50909550935084158061075e575060208451105b15610772575f97505050505050505061038a565b5f848060200190518101906107879190610e51565b905060a081901c156107a3575f9850505050505050505061038a565b809750505050505050806107b690610e68565b905061057d565b50600195945050505050565b5f836001600160a01b03163b5f03610827575f5f6107e78585610839565b5090925090505f81600381111561080057610800610e8c565b14801561081e5750856001600160a01b0316826001600160a01b0316145b9250505061038a565b610832848484610882565b905061038a565b5f5f5f8351604103610870576020840151604085015160608601515f1a610862888285856108e7565b95509550955050505061087b565b505081515f91506002905b9250925092565b805160408051630b135d3f60e11b8082526004820186905260248201929092525f92906020820185604483015e5f82606483010152601f820160051c60051b915060205f60648401838a5afa9050825f5114601f3d1116811693505050509392505050565b5f80807f7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a084111561092057505f915060039050826109a5565b604080515f808252602082018084528a905260ff891692820192909252606081018790526080810186905260019060a0016020604051602081039080840390855afa158015610971573d5f5f3e3d5ffd5b5050604051601f1901519150506001600160a01b03811661099c57505f9250600191508290506109a5565b92505f91508190505b9450945094915050565b5f602082840312156109bf575f5ffd5b81356001600160e01b03198116811461038a575f5ffd5b6001600160a01b03811681146109ea575f5ffd5b50565b5f5f83601f8401126109fd575f5ffd5b50813567ffffffffffffffff811115610a14575f5ffd5b602083019150836020828501011115610a2b575f5ffd5b9250929050565b5f5f5f5f5f60808688031215610a46575f5ffd5b8535610a51816109d6565b94506020860135610a61816109d6565b935060408601359250606086013567ffffffffffffffff811115610a83575f5ffd5b610a8f888289016109ed565b969995985093965092949392505050565b634e487b7160e01b5f52604160045260245ffd5b5f5f60408385031215610ac5575f5ffd5b82359150602083013567ffffffffffffffff811115610ae2575f5ffd5b8301601f81018513610af2575f5ffd5b803567ffffffffffffffff811115610b0c57610b0c610aa0565b604051601f8201601f19908116603f0116810167ffffffffffffffff81118282101715610b3b57610b3b610aa0565b604052818152828201602001871015610b52575f5ffd5b816020840160208301375f602083830101528093505050509250929050565b5f5f5f5f5f60808688031215610b85575f5ffd5b8535610b90816109d6565b945060208601359350604086013567ffffffffffffffff811115610bb2575f5ffd5b610bbe888289016109ed565b909450925050606086013560ff81168114610bd7575f5ffd5b809150509295509295909350565b602081525f82518060208401528060208501604085015e5f604082850101526040601f19601f83011684010191505092915050565b5f5f5f60408486031215610c2c575f5ffd5b8335610c37816109d6565b9250602084013567ffffffffffffffff811115610c52575f5ffd5b610c5e868287016109ed565b9497909650939450505050565b5f5f83601f840112610c7b575f5ffd5b50813567ffffffffffffffff811115610c92575f5ffd5b6020830191508360208260051b8501011115610a2b575f5ffd5b5f5f5f5f5f5f5f5f60a0898b031215610cc3575f5ffd5b8835610cce816109d6565b97506020890135610cde816109d6565b9650604089013567ffffffffffffffff811115610cf9575f5ffd5b610d058b828c01610c6b565b909750955050606089013567ffffffffffffffff811115610d24575f5ffd5b610d308b828c01610c6b565b909550935050608089013567ffffffffffffffff811115610d4f575f5ffd5b610d5b8b828c016109ed565b999c989b5096995094979396929594505050565b5f5f5f5f5f5f60a08789031215610d84575f5ffd5b8635610d8f816109d6565b95506020870135610d9f816109d6565b94506040870135935060608701359250608087013567ffffffffffffffff811115610dc8575f5ffd5b610dd489828a016109ed565b979a9699509497509295939492505050565b818382375f9101908152919050565b5f60208284031215610e05575f5ffd5b815161038a816109d6565b5f82518060208501845e5f920191825250919050565b5f5f5f60608486031215610e38575f5ffd5b5050815160208301516040909301519094929350919050565b5f60208284031215610e61575f5ffd5b5051919050565b5f60018201610e8557634e487b7160e01b5f52601160045260245ffd5b5060010190565b634e487b7160e01b5f52602160045260245ffdfea164736f6c6343000825000a",
}

// ERC6551Account is an auto generated Go binding around an Ethereum contract.
type ERC6551Account struct {
	abi abi.ABI
}

// GetABI returns the ABI associated with this contract binding.
func (c *ERC6551Account) GetABI() abi.ABI {
	return c.abi
}

// NewERC6551Account creates a new instance of ERC6551Account.
func NewERC6551Account() *ERC6551Account {
	parsed, err := ERC6551AccountMetaData.ParseABI()
	if err != nil {
		panic(errors.New("invalid ABI: " + err.Error()))
	}
	return &ERC6551Account{abi: *parsed}
}

// Instance creates a wrapper for a deployed contract instance at the given address.
// Use this to create the instance object passed to abigen v2 library functions Call, Transact, etc.
func (c *ERC6551Account) Instance(backend bind.ContractBackend, addr common.Address) *bind.BoundContract {
	return bind.NewBoundContract(addr, c.abi, backend, backend, backend)
}

// PackOPERATIONCALL is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf368a756.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function OPERATION_CALL() view returns(uint8)
func (eRC6551Account *ERC6551Account) PackOPERATIONCALL() []byte {
	enc, err := eRC6551Account.abi.Pack("OPERATION_CALL")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackOPERATIONCALL is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf368a756.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function OPERATION_CALL() view returns(uint8)
func (eRC6551Account *ERC6551Account) TryPackOPERATIONCALL() ([]byte, error) {
	return eRC6551Account.abi.Pack("OPERATION_CALL")
}

// UnpackOPERATIONCALL is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xf368a756.
//
// Solidity: function OPERATION_CALL() view returns(uint8)
func (eRC6551Account *ERC6551Account) UnpackOPERATIONCALL(data []byte) (uint8, error) {
	out, err := eRC6551Account.abi.Unpack("OPERATION_CALL", data)
	if err != nil {
		return *new(uint8), err
	}
	out0 := *abi.ConvertType(out[0], new(uint8)).(*uint8)
	return out0, nil
}

// PackExecute is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x51945447.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function execute(address to, uint256 value, bytes data, uint8 operation) payable returns(bytes result)
func (eRC6551Account *ERC6551Account) PackExecute(to common.Address, value *big.Int, data []byte, operation uint8) []byte {
	enc, err := eRC6551Account.abi.Pack("execute", to, value, data, operation)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackExecute is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x51945447.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function execute(address to, uint256 value, bytes data, uint8 operation) payable returns(bytes result)
func (eRC6551Account *ERC6551Account) TryPackExecute(to common.Address, value *big.Int, data []byte, operation uint8) ([]byte, error) {
	return eRC6551Account.abi.Pack("execute", to, value, data, operation)
}

// UnpackExecute is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x51945447.
//
// Solidity: function execute(address to, uint256 value, bytes data, uint8 operation) payable returns(bytes result)
func (eRC6551Account *ERC6551Account) UnpackExecute(data []byte) ([]byte, error) {
	out, err := eRC6551Account.abi.Unpack("execute", data)
	if err != nil {
		return *new([]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([]byte)).(*[]byte)
	return out0, nil
}

// PackIsValidSignature is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x1626ba7e.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function isValidSignature(bytes32 hash, bytes signature) view returns(bytes4)
func (eRC6551Account *ERC6551Account) PackIsValidSignature(hash [32]byte, signature []byte) []byte {
	enc, err := eRC6551Account.abi.Pack("isValidSignature", hash, signature)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackIsValidSignature is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x1626ba7e.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function isValidSignature(bytes32 hash, bytes signature) view returns(bytes4)
func (eRC6551Account *ERC6551Account) TryPackIsValidSignature(hash [32]byte, signature []byte) ([]byte, error) {
	return eRC6551Account.abi.Pack("isValidSignature", hash, signature)
}

// UnpackIsValidSignature is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x1626ba7e.
//
// Solidity: function isValidSignature(bytes32 hash, bytes signature) view returns(bytes4)
func (eRC6551Account *ERC6551Account) UnpackIsValidSignature(data []byte) ([4]byte, error) {
	out, err := eRC6551Account.abi.Unpack("isValidSignature", data)
	if err != nil {
		return *new([4]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([4]byte)).(*[4]byte)
	return out0, nil
}

// PackIsValidSigner is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x523e3260.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function isValidSigner(address signer, bytes ) view returns(bytes4)
func (eRC6551Account *ERC6551Account) PackIsValidSigner(signer common.Address, arg1 []byte) []byte {
	enc, err := eRC6551Account.abi.Pack("isValidSigner", signer, arg1)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackIsValidSigner is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x523e3260.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function isValidSigner(address signer, bytes ) view returns(bytes4)
func (eRC6551Account *ERC6551Account) TryPackIsValidSigner(signer common.Address, arg1 []byte) ([]byte, error) {
	return eRC6551Account.abi.Pack("isValidSigner", signer, arg1)
}

// UnpackIsValidSigner is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x523e3260.
//
// Solidity: function isValidSigner(address signer, bytes ) view returns(bytes4)
func (eRC6551Account *ERC6551Account) UnpackIsValidSigner(data []byte) ([4]byte, error) {
	out, err := eRC6551Account.abi.Unpack("isValidSigner", data)
	if err != nil {
		return *new([4]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([4]byte)).(*[4]byte)
	return out0, nil
}

// PackOnERC1155BatchReceived is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xbc197c81.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function onERC1155BatchReceived(address , address , uint256[] , uint256[] , bytes ) pure returns(bytes4)
func (eRC6551Account *ERC6551Account) PackOnERC1155BatchReceived(arg0 common.Address, arg1 common.Address, arg2 []*big.Int, arg3 []*big.Int, arg4 []byte) []byte {
	enc, err := eRC6551Account.abi.Pack("onERC1155BatchReceived", arg0, arg1, arg2, arg3, arg4)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackOnERC1155BatchReceived is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xbc197c81.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function onERC1155BatchReceived(address , address , uint256[] , uint256[] , bytes ) pure returns(bytes4)
func (eRC6551Account *ERC6551Account) TryPackOnERC1155BatchReceived(arg0 common.Address, arg1 common.Address, arg2 []*big.Int, arg3 []*big.Int, arg4 []byte) ([]byte, error) {
	return eRC6551Account.abi.Pack("onERC1155BatchReceived", arg0, arg1, arg2, arg3, arg4)
}

// UnpackOnERC1155BatchReceived is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xbc197c81.
//
// Solidity: function onERC1155BatchReceived(address , address , uint256[] , uint256[] , bytes ) pure returns(bytes4)
func (eRC6551Account *ERC6551Account) UnpackOnERC1155BatchReceived(data []byte) ([4]byte, error) {
	out, err := eRC6551Account.abi.Unpack("onERC1155BatchReceived", data)
	if err != nil {
		return *new([4]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([4]byte)).(*[4]byte)
	return out0, nil
}

// PackOnERC1155Received is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf23a6e61.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function onERC1155Received(address , address , uint256 , uint256 , bytes ) pure returns(bytes4)
func (eRC6551Account *ERC6551Account) PackOnERC1155Received(arg0 common.Address, arg1 common.Address, arg2 *big.Int, arg3 *big.Int, arg4 []byte) []byte {
	enc, err := eRC6551Account.abi.Pack("onERC1155Received", arg0, arg1, arg2, arg3, arg4)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackOnERC1155Received is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf23a6e61.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function onERC1155Received(address , address , uint256 , uint256 , bytes ) pure returns(bytes4)
func (eRC6551Account *ERC6551Account) TryPackOnERC1155Received(arg0 common.Address, arg1 common.Address, arg2 *big.Int, arg3 *big.Int, arg4 []byte) ([]byte, error) {
	return eRC6551Account.abi.Pack("onERC1155Received", arg0, arg1, arg2, arg3, arg4)
}

// UnpackOnERC1155Received is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xf23a6e61.
//
// Solidity: function onERC1155Received(address , address , uint256 , uint256 , bytes ) pure returns(bytes4)
func (eRC6551Account *ERC6551Account) UnpackOnERC1155Received(data []byte) ([4]byte, error) {
	out, err := eRC6551Account.abi.Unpack("onERC1155Received", data)
	if err != nil {
		return *new([4]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([4]byte)).(*[4]byte)
	return out0, nil
}

// PackOnERC721Received is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x150b7a02.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function onERC721Received(address , address , uint256 tokenId, bytes ) view returns(bytes4)
func (eRC6551Account *ERC6551Account) PackOnERC721Received(arg0 common.Address, arg1 common.Address, tokenId *big.Int, arg3 []byte) []byte {
	enc, err := eRC6551Account.abi.Pack("onERC721Received", arg0, arg1, tokenId, arg3)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackOnERC721Received is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x150b7a02.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function onERC721Received(address , address , uint256 tokenId, bytes ) view returns(bytes4)
func (eRC6551Account *ERC6551Account) TryPackOnERC721Received(arg0 common.Address, arg1 common.Address, tokenId *big.Int, arg3 []byte) ([]byte, error) {
	return eRC6551Account.abi.Pack("onERC721Received", arg0, arg1, tokenId, arg3)
}

// UnpackOnERC721Received is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x150b7a02.
//
// Solidity: function onERC721Received(address , address , uint256 tokenId, bytes ) view returns(bytes4)
func (eRC6551Account *ERC6551Account) UnpackOnERC721Received(data []byte) ([4]byte, error) {
	out, err := eRC6551Account.abi.Unpack("onERC721Received", data)
	if err != nil {
		return *new([4]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([4]byte)).(*[4]byte)
	return out0, nil
}

// PackOwner is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x8da5cb5b.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function owner() view returns(address)
func (eRC6551Account *ERC6551Account) PackOwner() []byte {
	enc, err := eRC6551Account.abi.Pack("owner")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackOwner is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x8da5cb5b.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function owner() view returns(address)
func (eRC6551Account *ERC6551Account) TryPackOwner() ([]byte, error) {
	return eRC6551Account.abi.Pack("owner")
}

// UnpackOwner is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x8da5cb5b.
//
// Solidity: function owner() view returns(address)
func (eRC6551Account *ERC6551Account) UnpackOwner(data []byte) (common.Address, error) {
	out, err := eRC6551Account.abi.Unpack("owner", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// PackState is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xc19d93fb.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function state() view returns(uint256)
func (eRC6551Account *ERC6551Account) PackState() []byte {
	enc, err := eRC6551Account.abi.Pack("state")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackState is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xc19d93fb.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function state() view returns(uint256)
func (eRC6551Account *ERC6551Account) TryPackState() ([]byte, error) {
	return eRC6551Account.abi.Pack("state")
}

// UnpackState is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xc19d93fb.
//
// Solidity: function state() view returns(uint256)
func (eRC6551Account *ERC6551Account) UnpackState(data []byte) (*big.Int, error) {
	out, err := eRC6551Account.abi.Unpack("state", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackSupportsInterface is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x01ffc9a7.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function supportsInterface(bytes4 interfaceId) pure returns(bool)
func (eRC6551Account *ERC6551Account) PackSupportsInterface(interfaceId [4]byte) []byte {
	enc, err := eRC6551Account.abi.Pack("supportsInterface", interfaceId)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSupportsInterface is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x01ffc9a7.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function supportsInterface(bytes4 interfaceId) pure returns(bool)
func (eRC6551Account *ERC6551Account) TryPackSupportsInterface(interfaceId [4]byte) ([]byte, error) {
	return eRC6551Account.abi.Pack("supportsInterface", interfaceId)
}

// UnpackSupportsInterface is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x01ffc9a7.
//
// Solidity: function supportsInterface(bytes4 interfaceId) pure returns(bool)
func (eRC6551Account *ERC6551Account) UnpackSupportsInterface(data []byte) (bool, error) {
	out, err := eRC6551Account.abi.Unpack("supportsInterface", data)
	if err != nil {
		return *new(bool), err
	}
	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)
	return out0, nil
}

// PackToken is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xfc0c546a.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function token() view returns(uint256 chainId, address tokenContract, uint256 tokenId)
func (eRC6551Account *ERC6551Account) PackToken() []byte {
	enc, err := eRC6551Account.abi.Pack("token")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackToken is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xfc0c546a.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function token() view returns(uint256 chainId, address tokenContract, uint256 tokenId)
func (eRC6551Account *ERC6551Account) TryPackToken() ([]byte, error) {
	return eRC6551Account.abi.Pack("token")
}

// TokenOutput serves as a container for the return parameters of contract
// method Token.
type TokenOutput struct {
	ChainId       *big.Int
	TokenContract common.Address
	TokenId       *big.Int
}

// UnpackToken is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xfc0c546a.
//
// Solidity: function token() view returns(uint256 chainId, address tokenContract, uint256 tokenId)
func (eRC6551Account *ERC6551Account) UnpackToken(data []byte) (TokenOutput, error) {
	out, err := eRC6551Account.abi.Unpack("token", data)
	outstruct := new(TokenOutput)
	if err != nil {
		return *outstruct, err
	}
	outstruct.ChainId = abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	outstruct.TokenContract = *abi.ConvertType(out[1], new(common.Address)).(*common.Address)
	outstruct.TokenId = abi.ConvertType(out[2], new(big.Int)).(*big.Int)
	return *outstruct, nil
}

// UnpackError attempts to decode the provided error data using user-defined
// error definitions.
func (eRC6551Account *ERC6551Account) UnpackError(raw []byte) (any, error) {
	if bytes.Equal(raw[:4], eRC6551Account.abi.Errors["NotAuthorized"].ID.Bytes()[:4]) {
		return eRC6551Account.UnpackNotAuthorizedError(raw[4:])
	}
	if bytes.Equal(raw[:4], eRC6551Account.abi.Errors["OwnershipCycle"].ID.Bytes()[:4]) {
		return eRC6551Account.UnpackOwnershipCycleError(raw[4:])
	}
	if bytes.Equal(raw[:4], eRC6551Account.abi.Errors["UnsupportedOperation"].ID.Bytes()[:4]) {
		return eRC6551Account.UnpackUnsupportedOperationError(raw[4:])
	}
	return nil, errors.New("Unknown error")
}

// ERC6551AccountNotAuthorized represents a NotAuthorized error raised by the ERC6551Account contract.
type ERC6551AccountNotAuthorized struct {
	Caller common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NotAuthorized(address caller)
func ERC6551AccountNotAuthorizedErrorID() common.Hash {
	return common.HexToHash("0x4a0bfec1fa3ea832f47a765e92fe13fe78ddadee056368ea6e89037b3cf70498")
}

// UnpackNotAuthorizedError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NotAuthorized(address caller)
func (eRC6551Account *ERC6551Account) UnpackNotAuthorizedError(raw []byte) (*ERC6551AccountNotAuthorized, error) {
	out := new(ERC6551AccountNotAuthorized)
	if err := eRC6551Account.abi.UnpackIntoInterface(out, "NotAuthorized", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// ERC6551AccountOwnershipCycle represents a OwnershipCycle error raised by the ERC6551Account contract.
type ERC6551AccountOwnershipCycle struct {
	TokenContract common.Address
	TokenId       *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error OwnershipCycle(address tokenContract, uint256 tokenId)
func ERC6551AccountOwnershipCycleErrorID() common.Hash {
	return common.HexToHash("0x87dafe0419a15ebac13402b9eed634e11287264eb171a2b6e2cabf08bc9c70d2")
}

// UnpackOwnershipCycleError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error OwnershipCycle(address tokenContract, uint256 tokenId)
func (eRC6551Account *ERC6551Account) UnpackOwnershipCycleError(raw []byte) (*ERC6551AccountOwnershipCycle, error) {
	out := new(ERC6551AccountOwnershipCycle)
	if err := eRC6551Account.abi.UnpackIntoInterface(out, "OwnershipCycle", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// ERC6551AccountUnsupportedOperation represents a UnsupportedOperation error raised by the ERC6551Account contract.
type ERC6551AccountUnsupportedOperation struct {
	Operation uint8
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error UnsupportedOperation(uint8 operation)
func ERC6551AccountUnsupportedOperationErrorID() common.Hash {
	return common.HexToHash("0x37c827a654a15266f51a37c68240f53a2d86dc18bfbe75c91c3b878c3b4a235a")
}

// UnpackUnsupportedOperationError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error UnsupportedOperation(uint8 operation)
func (eRC6551Account *ERC6551Account) UnpackUnsupportedOperationError(raw []byte) (*ERC6551AccountUnsupportedOperation, error) {
	out := new(ERC6551AccountUnsupportedOperation)
	if err := eRC6551Account.abi.UnpackIntoInterface(out, "UnsupportedOperation", raw); err != nil {
		return nil, err
	}
	return out, nil
}
