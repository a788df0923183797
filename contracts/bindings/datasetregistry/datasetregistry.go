// Code generated via abigen V2 - DO NOT EDIT.
// This file is a generated binding and any manual changes will be lost.

package datasetregistry

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

// DatasetRegistryMetaData contains all meta data concerning the DatasetRegistry contract.
var DatasetRegistryMetaData = bind.MetaData{
	ABI: "[{\"inputs\":[{\"internalType\":\"address[]\",\"name\":\"operators_\",\"type\":\"address[]\"},{\"internalType\":\"uint256\",\"name\":\"threshold_\",\"type\":\"uint256\"}],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"datasetId\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"root\",\"type\":\"bytes32\"}],\"name\":\"DatasetExists\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"operator\",\"type\":\"address\"}],\"name\":\"DuplicateOperator\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"count\",\"type\":\"uint256\"}],\"name\":\"InvalidOperatorCount\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"InvalidShortString\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"threshold\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"operators\",\"type\":\"uint256\"}],\"name\":\"InvalidThreshold\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"valid\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"threshold\",\"type\":\"uint256\"}],\"name\":\"NotEnoughSignatures\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"string\",\"name\":\"str\",\"type\":\"string\"}],\"name\":\"StringTooLong\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"index\",\"type\":\"uint256\"}],\"name\":\"ZeroOperator\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"datasetId\",\"type\":\"bytes32\"}],\"name\":\"ZeroRoot\",\"type\":\"error\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"datasetId\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"bytes32\",\"name\":\"root\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"rows\",\"type\":\"uint256\"}],\"name\":\"DatasetPosted\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[],\"name\":\"EIP712DomainChanged\",\"type\":\"event\"},{\"inputs\":[],\"name\":\"DATASET_TYPEHASH\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"MAX_OPERATORS\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"domainSeparator\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"eip712Domain\",\"outputs\":[{\"internalType\":\"bytes1\",\"name\":\"fields\",\"type\":\"bytes1\"},{\"internalType\":\"string\",\"name\":\"name\",\"type\":\"string\"},{\"internalType\":\"string\",\"name\":\"version\",\"type\":\"string\"},{\"internalType\":\"uint256\",\"name\":\"chainId\",\"type\":\"uint256\"},{\"internalType\":\"address\",\"name\":\"verifyingContract\",\"type\":\"address\"},{\"internalType\":\"bytes32\",\"name\":\"salt\",\"type\":\"bytes32\"},{\"internalType\":\"uint256[]\",\"name\":\"extensions\",\"type\":\"uint256[]\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"datasetId\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"root\",\"type\":\"bytes32\"},{\"internalType\":\"uint256\",\"name\":\"rows\",\"type\":\"uint256\"}],\"name\":\"hashDataset\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"}],\"name\":\"isOperator\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"operators\",\"outputs\":[{\"internalType\":\"address[]\",\"name\":\"\",\"type\":\"address[]\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"datasetId\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"root\",\"type\":\"bytes32\"},{\"internalType\":\"uint256\",\"name\":\"rows\",\"type\":\"uint256\"},{\"internalType\":\"bytes[]\",\"name\":\"signatures\",\"type\":\"bytes[]\"}],\"name\":\"postDataset\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"name\":\"rootOf\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"name\":\"rowsOf\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"threshold\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"}]",
	ID:  "DatasetRegistry",
	Bin: "0x610180604052348015610010575f5ffd5b5060405161103d38038061103d83398101604081905261002f9161031c565b6040518060400160405280600e81526020016d4d6561646f77446174617365747360901b815250604051806040016040528060018152602001603160f81b81525083838383610083826102b060201b60201c565b61012052610090816102b0565b61014052815160208084019190912060e052815190820120610100524660a05261011c60e05161010051604080517f8b73c3c69bb8fe3d512ecc4cf759cc79239f7b179b0ffacaa9a75d522b39400f60208201529081019290925260608201524660808201523060a08201525f9060c00160405160208183030381529060405280519060200120905090565b60805250503060c0528151801580610135575061010081115b1561015b57604051633981a56360e11b8152600481018290526024015b60405180910390fd5b600282108061016957508082115b1561019157604051637b7a98f160e01b81526004810183905260248101829052604401610152565b5f5b8181101561029f575f8482815181106101ae576101ae6103f0565b602002602001015190505f6001600160a01b0316816001600160a01b0316036101ed576040516325e2817960e21b815260048101839052602401610152565b6001600160a01b0381165f908152600360205260409020541561022e5760405163482e704d60e11b81526001600160a01b0382166004820152602401610152565b610239826001610404565b6001600160a01b039091165f818152600360205260408120929092556002805460018181018355919093527f405787fa12a823e0f2b7631cc41b3ba8828b3321ca811111fa75cd3aa3bb5ace90920180546001600160a01b031916909117905501610193565b505061016052506104849350505050565b5f5f829050601f815111156102da578260405163305a27a960e01b81526004016101529190610429565b80516102e58261045e565b179392505050565b634e487b7160e01b5f52604160045260245ffd5b80516001600160a01b0381168114610317575f5ffd5b919050565b5f5f6040838503121561032d575f5ffd5b82516001600160401b03811115610342575f5ffd5b8301601f81018513610352575f5ffd5b80516001600160401b0381111561036b5761036b6102ed565b604051600582901b90603f8201601f191681016001600160401b0381118282101715610399576103996102ed565b6040529182526020818401810192908101888411156103b6575f5ffd5b6020850194505b838510156103dc576103ce85610301565b8152602094850194016103bd565b506020969096015195979596505050505050565b634e487b7160e01b5f52603260045260245ffd5b8082018082111561042357634e487b7160e01b5f52601160045260245ffd5b92915050565b602081525f82518060208401528060208501604085015e5f604082850101526040601f19601f83011684010191505092915050565b8051602080830151919081101561047e575f198160200360031b1b821691505b50919050565b60805160a05160c05160e05161010051610120516101405161016051610b516104ec5f395f818160cb0152818161058101526105bd01525f61048701525f61045c01525f6106ca01525f6106a201525f6105fd01525f61062701525f6106510152610b515ff3fe608060405234801561000f575f5ffd5b50600436106100a6575f3560e01c806384b0196e1161006e57806384b0196e146101595780639ba0c62814610174578063a4f2fc4814610189578063a88934ee146101b0578063e673df8a146101cf578063f698da25146101e4575f5ffd5b80632b78c9f7146100aa57806342cde4e8146100c657806348aac4df146100ed5780636d6f398e146101005780636d70f7ae1461011f575b5f5ffd5b6100b361010081565b6040519081526020015b60405180910390f35b6100b37f000000000000000000000000000000000000000000000000000000000000000081565b6100b36100fb36600461088d565b6101ec565b6100b361010e3660046108b6565b60046020525f908152604090205481565b61014961012d3660046108cd565b6001600160a01b03165f90815260036020526040902054151590565b60405190151581526020016100bd565b610161610256565b6040516100bd9796959493929190610928565b6101876101823660046109be565b610298565b005b6100b37f1ed5ef0820b5e4955cf35bde506979818fac36fe421acdc6b33736beeee5fa0781565b6100b36101be3660046108b6565b60056020525f908152604090205481565b6101d76103b5565b6040516100bd9190610a48565b6100b3610415565b604080517f1ed5ef0820b5e4955cf35bde506979818fac36fe421acdc6b33736beeee5fa07602082015290810184905260608101839052608081018290525f9061024e9060a00160405160208183030381529060405280519060200120610423565b949350505050565b5f6060805f5f5f6060610267610455565b61026f610480565b604080515f80825260208201909252600f60f81b9b939a50919850469750309650945092509050565b836102be57604051633949995d60e01b8152600481018690526024015b60405180910390fd5b5f8581526004602052604090205480156102f55760405163f412702b60e01b815260048101879052602481018290526044016102b5565b604080517f1ed5ef0820b5e4955cf35bde506979818fac36fe421acdc6b33736beeee5fa07602082015290810187905260608101869052608081018590526103579060a0016040516020818303038152906040528051906020012084846104ab565b5f8681526004602090815260408083208890556005825291829020869055815187815290810186905287917f4ab0c6096aaeb74178e6cd40324f4a939197a7fb4592c30415f295cb5080f78b910160405180910390a2505050505050565b6060600280548060200260200160405190810160405280929190818152602001828054801561040b57602002820191905f5260205f20905b81546001600160a01b031681526001909101906020018083116103ed575b5050505050905090565b5f61041e6105f1565b905090565b5f61044f61042f6105f1565b8360405161190160f01b8152600281019290925260228201526042902090565b92915050565b606061041e7f000000000000000000000000000000000000000000000000000000000000000061071a565b606061041e7f000000000000000000000000000000000000000000000000000000000000000061071a565b5f6104b584610423565b90505f80805b8481101561057e575f5f6104f2868989868181106104db576104db610a93565b90506020028101906104ed9190610aa7565b610757565b5090925090505f81600381111561050b5761050b610af1565b14610517575050610576565b6001600160a01b0382165f908152600360205260408120549081900361053f57505050610576565b5f61054b600183610b19565b6001901b9050868116156105625750505050610576565b9586179561056f86610b2c565b9550505050505b6001016104bb565b507f00000000000000000000000000000000000000000000000000000000000000008110156105e957604051633ce0c9e960e11b8152600481018290527f000000000000000000000000000000000000000000000000000000000000000060248201526044016102b5565b505050505050565b5f306001600160a01b037f00000000000000000000000000000000000000000000000000000000000000001614801561064957507f000000000000000000000000000000000000000000000000000000000000000046145b1561067357507f000000000000000000000000000000000000000000000000000000000000000090565b61041e604080517f8b73c3c69bb8fe3d512ecc4cf759cc79239f7b179b0ffacaa9a75d522b39400f60208201527f0000000000000000000000000000000000000000000000000000000000000000918101919091527f000000000000000000000000000000000000000000000000000000000000000060608201524660808201523060a08201525f9060c00160405160208183030381529060405280519060200120905090565b60605f6107268361079e565b6040805160208082528183019092529192505f91906020820181803683375050509182525060208101929092525090565b5f8080604184900361078b578435602086013560408701355f1a61077d898285856107c5565b955095509550505050610795565b505f915060029050825b93509350939050565b5f60ff8216601f81111561044f57604051632cd44ac360e21b815260040160405180910390fd5b5f80807f7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a08411156107fe57505f91506003905082610883565b604080515f808252602082018084528a905260ff891692820192909252606081018790526080810186905260019060a0016020604051602081039080840390855afa15801561084f573d5f5f3e3d5ffd5b5050604051601f1901519150506001600160a01b03811661087a57505f925060019150829050610883565b92505f91508190505b9450945094915050565b5f5f5f6060848603121561089f575f5ffd5b505081359360208301359350604090920135919050565b5f602082840312156108c6575f5ffd5b5035919050565b5f602082840312156108dd575f5ffd5b81356001600160a01b03811681146108f3575f5ffd5b9392505050565b5f81518084528060208401602086015e5f602082860101526020601f19601f83011685010191505092915050565b60ff60f81b8816815260e060208201525f61094660e08301896108fa565b828103604084015261095881896108fa565b606084018890526001600160a01b038716608085015260a0840186905283810360c0850152845180825260208087019350909101905f5b818110156109ad57835183526020938401939092019160010161098f565b50909b9a5050505050505050505050565b5f5f5f5f5f608086880312156109d2575f5ffd5b853594506020860135935060408601359250606086013567ffffffffffffffff8111156109fd575f5ffd5b8601601f81018813610a0d575f5ffd5b803567ffffffffffffffff811115610a23575f5ffd5b8860208260051b8401011115610a37575f5ffd5b959894975092955050506020019190565b602080825282518282018190525f918401906040840190835b81811015610a885783516001600160a01b0316835260209384019390920191600101610a61565b509095945050505050565b634e487b7160e01b5f52603260045260245ffd5b5f5f8335601e19843603018112610abc575f5ffd5b83018035915067ffffffffffffffff821115610ad6575f5ffd5b602001915036819003821315610aea575f5ffd5b9250929050565b634e487b7160e01b5f52602160045260245ffd5b634e487b7160e01b5f52601160045260245ffd5b8181038181111561044f5761044f610b05565b5f60018201610b3d57610b3d610b05565b506001019056fea164736f6c6343000825000a",
}

// DatasetRegistry is an auto generated Go binding around an Ethereum contract.
type DatasetRegistry struct {
	abi abi.ABI
}

// GetABI returns the ABI associated with this contract binding.
func (c *DatasetRegistry) GetABI() abi.ABI {
	return c.abi
}

// NewDatasetRegistry creates a new instance of DatasetRegistry.
func NewDatasetRegistry() *DatasetRegistry {
	parsed, err := DatasetRegistryMetaData.ParseABI()
	if err != nil {
		panic(errors.New("invalid ABI: " + err.Error()))
	}
	return &DatasetRegistry{abi: *parsed}
}

// Instance creates a wrapper for a deployed contract instance at the given address.
// Use this to create the instance object passed to abigen v2 library functions Call, Transact, etc.
func (c *DatasetRegistry) Instance(backend bind.ContractBackend, addr common.Address) *bind.BoundContract {
	return bind.NewBoundContract(addr, c.abi, backend, backend, backend)
}

// PackConstructor is the Go binding used to pack the parameters required for
// contract deployment.
//
// Solidity: constructor(address[] operators_, uint256 threshold_) returns()
func (datasetRegistry *DatasetRegistry) PackConstructor(operators_ []common.Address, threshold_ *big.Int) []byte {
	enc, err := datasetRegistry.abi.Pack("", operators_, threshold_)
	if err != nil {
		panic(err)
	}
	return enc
}

// PackDATASETTYPEHASH is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa4f2fc48.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function DATASET_TYPEHASH() view returns(bytes32)
func (datasetRegistry *DatasetRegistry) PackDATASETTYPEHASH() []byte {
	enc, err := datasetRegistry.abi.Pack("DATASET_TYPEHASH")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackDATASETTYPEHASH is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa4f2fc48.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function DATASET_TYPEHASH() view returns(bytes32)
func (datasetRegistry *DatasetRegistry) TryPackDATASETTYPEHASH() ([]byte, error) {
	return datasetRegistry.abi.Pack("DATASET_TYPEHASH")
}

// UnpackDATASETTYPEHASH is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xa4f2fc48.
//
// Solidity: function DATASET_TYPEHASH() view returns(bytes32)
func (datasetRegistry *DatasetRegistry) UnpackDATASETTYPEHASH(data []byte) ([32]byte, error) {
	out, err := datasetRegistry.abi.Unpack("DATASET_TYPEHASH", data)
	if err != nil {
		return *new([32]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)
	return out0, nil
}

// PackMAXOPERATORS is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x2b78c9f7.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function MAX_OPERATORS() view returns(uint256)
func (datasetRegistry *DatasetRegistry) PackMAXOPERATORS() []byte {
	enc, err := datasetRegistry.abi.Pack("MAX_OPERATORS")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackMAXOPERATORS is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x2b78c9f7.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function MAX_OPERATORS() view returns(uint256)
func (datasetRegistry *DatasetRegistry) TryPackMAXOPERATORS() ([]byte, error) {
	return datasetRegistry.abi.Pack("MAX_OPERATORS")
}

// UnpackMAXOPERATORS is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x2b78c9f7.
//
// Solidity: function MAX_OPERATORS() view returns(uint256)
func (datasetRegistry *DatasetRegistry) UnpackMAXOPERATORS(data []byte) (*big.Int, error) {
	out, err := datasetRegistry.abi.Unpack("MAX_OPERATORS", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackDomainSeparator is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf698da25.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function domainSeparator() view returns(bytes32)
func (datasetRegistry *DatasetRegistry) PackDomainSeparator() []byte {
	enc, err := datasetRegistry.abi.Pack("domainSeparator")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackDomainSeparator is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf698da25.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function domainSeparator() view returns(bytes32)
func (datasetRegistry *DatasetRegistry) TryPackDomainSeparator() ([]byte, error) {
	return datasetRegistry.abi.Pack("domainSeparator")
}

// UnpackDomainSeparator is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xf698da25.
//
// Solidity: function domainSeparator() view returns(bytes32)
func (datasetRegistry *DatasetRegistry) UnpackDomainSeparator(data []byte) ([32]byte, error) {
	out, err := datasetRegistry.abi.Unpack("domainSeparator", data)
	if err != nil {
		return *new([32]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)
	return out0, nil
}

// PackEip712Domain is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x84b0196e.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function eip712Domain() view returns(bytes1 fields, string name, string version, uint256 chainId, address verifyingContract, bytes32 salt, uint256[] extensions)
func (datasetRegistry *DatasetRegistry) PackEip712Domain() []byte {
	enc, err := datasetRegistry.abi.Pack("eip712Domain")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackEip712Domain is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x84b0196e.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function eip712Domain() view returns(bytes1 fields, string name, string version, uint256 chainId, address verifyingContract, bytes32 salt, uint256[] extensions)
func (datasetRegistry *DatasetRegistry) TryPackEip712Domain() ([]byte, error) {
	return datasetRegistry.abi.Pack("eip712Domain")
}

// Eip712DomainOutput serves as a container for the return parameters of contract
// method Eip712Domain.
type Eip712DomainOutput struct {
	Fields            [1]byte
	Name              string
	Version           string
	ChainId           *big.Int
	VerifyingContract common.Address
	Salt              [32]byte
	Extensions        []*big.Int
}

// UnpackEip712Domain is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x84b0196e.
//
// Solidity: function eip712Domain() view returns(bytes1 fields, string name, string version, uint256 chainId, address verifyingContract, bytes32 salt, uint256[] extensions)
func (datasetRegistry *DatasetRegistry) UnpackEip712Domain(data []byte) (Eip712DomainOutput, error) {
	out, err := datasetRegistry.abi.Unpack("eip712Domain", data)
	outstruct := new(Eip712DomainOutput)
	if err != nil {
		return *outstruct, err
	}
	outstruct.Fields = *abi.ConvertType(out[0], new([1]byte)).(*[1]byte)
	outstruct.Name = *abi.ConvertType(out[1], new(string)).(*string)
	outstruct.Version = *abi.ConvertType(out[2], new(string)).(*string)
	outstruct.ChainId = abi.ConvertType(out[3], new(big.Int)).(*big.Int)
	outstruct.VerifyingContract = *abi.ConvertType(out[4], new(common.Address)).(*common.Address)
	outstruct.Salt = *abi.ConvertType(out[5], new([32]byte)).(*[32]byte)
	outstruct.Extensions = *abi.ConvertType(out[6], new([]*big.Int)).(*[]*big.Int)
	return *outstruct, nil
}

// PackHashDataset is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x48aac4df.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function hashDataset(bytes32 datasetId, bytes32 root, uint256 rows) view returns(bytes32)
func (datasetRegistry *DatasetRegistry) PackHashDataset(datasetId [32]byte, root [32]byte, rows *big.Int) []byte {
	enc, err := datasetRegistry.abi.Pack("hashDataset", datasetId, root, rows)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackHashDataset is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x48aac4df.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function hashDataset(bytes32 datasetId, bytes32 root, uint256 rows) view returns(bytes32)
func (datasetRegistry *DatasetRegistry) TryPackHashDataset(datasetId [32]byte, root [32]byte, rows *big.Int) ([]byte, error) {
	return datasetRegistry.abi.Pack("hashDataset", datasetId, root, rows)
}

// UnpackHashDataset is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x48aac4df.
//
// Solidity: function hashDataset(bytes32 datasetId, bytes32 root, uint256 rows) view returns(bytes32)
func (datasetRegistry *DatasetRegistry) UnpackHashDataset(data []byte) ([32]byte, error) {
	out, err := datasetRegistry.abi.Unpack("hashDataset", data)
	if err != nil {
		return *new([32]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)
	return out0, nil
}

// PackIsOperator is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x6d70f7ae.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function isOperator(address account) view returns(bool)
func (datasetRegistry *DatasetRegistry) PackIsOperator(account common.Address) []byte {
	enc, err := datasetRegistry.abi.Pack("isOperator", account)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackIsOperator is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x6d70f7ae.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function isOperator(address account) view returns(bool)
func (datasetRegistry *DatasetRegistry) TryPackIsOperator(account common.Address) ([]byte, error) {
	return datasetRegistry.abi.Pack("isOperator", account)
}

// UnpackIsOperator is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x6d70f7ae.
//
// Solidity: function isOperator(address account) view returns(bool)
func (datasetRegistry *DatasetRegistry) UnpackIsOperator(data []byte) (bool, error) {
	out, err := datasetRegistry.abi.Unpack("isOperator", data)
	if err != nil {
		return *new(bool), err
	}
	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)
	return out0, nil
}

// PackOperators is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xe673df8a.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function operators() view returns(address[])
func (datasetRegistry *DatasetRegistry) PackOperators() []byte {
	enc, err := datasetRegistry.abi.Pack("operators")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackOperators is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xe673df8a.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function operators() view returns(address[])
func (datasetRegistry *DatasetRegistry) TryPackOperators() ([]byte, error) {
	return datasetRegistry.abi.Pack("operators")
}

// UnpackOperators is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xe673df8a.
//
// Solidity: function operators() view returns(address[])
func (datasetRegistry *DatasetRegistry) UnpackOperators(data []byte) ([]common.Address, error) {
	out, err := datasetRegistry.abi.Unpack("operators", data)
	if err != nil {
		return *new([]common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new([]common.Address)).(*[]common.Address)
	return out0, nil
}

// PackPostDataset is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x9ba0c628.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function postDataset(bytes32 datasetId, bytes32 root, uint256 rows, bytes[] signatures) returns()
func (datasetRegistry *DatasetRegistry) PackPostDataset(datasetId [32]byte, root [32]byte, rows *big.Int, signatures [][]byte) []byte {
	enc, err := datasetRegistry.abi.Pack("postDataset", datasetId, root, rows, signatures)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackPostDataset is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x9ba0c628.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function postDataset(bytes32 datasetId, bytes32 root, uint256 rows, bytes[] signatures) returns()
func (datasetRegistry *DatasetRegistry) TryPackPostDataset(datasetId [32]byte, root [32]byte, rows *big.Int, signatures [][]byte) ([]byte, error) {
	return datasetRegistry.abi.Pack("postDataset", datasetId, root, rows, signatures)
}

// PackRootOf is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x6d6f398e.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function rootOf(bytes32 ) view returns(bytes32)
func (datasetRegistry *DatasetRegistry) PackRootOf(arg0 [32]byte) []byte {
	enc, err := datasetRegistry.abi.Pack("rootOf", arg0)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackRootOf is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x6d6f398e.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function rootOf(bytes32 ) view returns(bytes32)
func (datasetRegistry *DatasetRegistry) TryPackRootOf(arg0 [32]byte) ([]byte, error) {
	return datasetRegistry.abi.Pack("rootOf", arg0)
}

// UnpackRootOf is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x6d6f398e.
//
// Solidity: function rootOf(bytes32 ) view returns(bytes32)
func (datasetRegistry *DatasetRegistry) UnpackRootOf(data []byte) ([32]byte, error) {
	out, err := datasetRegistry.abi.Unpack("rootOf", data)
	if err != nil {
		return *new([32]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)
	return out0, nil
}

// PackRowsOf is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa88934ee.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function rowsOf(bytes32 ) view returns(uint256)
func (datasetRegistry *DatasetRegistry) PackRowsOf(arg0 [32]byte) []byte {
	enc, err := datasetRegistry.abi.Pack("rowsOf", arg0)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackRowsOf is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa88934ee.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function rowsOf(bytes32 ) view returns(uint256)
func (datasetRegistry *DatasetRegistry) TryPackRowsOf(arg0 [32]byte) ([]byte, error) {
	return datasetRegistry.abi.Pack("rowsOf", arg0)
}

// UnpackRowsOf is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xa88934ee.
//
// Solidity: function rowsOf(bytes32 ) view returns(uint256)
func (datasetRegistry *DatasetRegistry) UnpackRowsOf(data []byte) (*big.Int, error) {
	out, err := datasetRegistry.abi.Unpack("rowsOf", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackThreshold is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x42cde4e8.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function threshold() view returns(uint256)
func (datasetRegistry *DatasetRegistry) PackThreshold() []byte {
	enc, err := datasetRegistry.abi.Pack("threshold")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackThreshold is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x42cde4e8.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function threshold() view returns(uint256)
func (datasetRegistry *DatasetRegistry) TryPackThreshold() ([]byte, error) {
	return datasetRegistry.abi.Pack("threshold")
}

// UnpackThreshold is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x42cde4e8.
//
// Solidity: function threshold() view returns(uint256)
func (datasetRegistry *DatasetRegistry) UnpackThreshold(data []byte) (*big.Int, error) {
	out, err := datasetRegistry.abi.Unpack("threshold", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// DatasetRegistryDatasetPosted represents a DatasetPosted event raised by the DatasetRegistry contract.
type DatasetRegistryDatasetPosted struct {
	DatasetId [32]byte
	Root      [32]byte
	Rows      *big.Int
	Raw       *types.Log // Blockchain specific contextual infos
}

const DatasetRegistryDatasetPostedEventName = "DatasetPosted"

// ContractEventName returns the user-defined event name.
func (DatasetRegistryDatasetPosted) ContractEventName() string {
	return DatasetRegistryDatasetPostedEventName
}

// UnpackDatasetPostedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event DatasetPosted(bytes32 indexed datasetId, bytes32 root, uint256 rows)
func (datasetRegistry *DatasetRegistry) UnpackDatasetPostedEvent(log *types.Log) (*DatasetRegistryDatasetPosted, error) {
	event := "DatasetPosted"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != datasetRegistry.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(DatasetRegistryDatasetPosted)
	if len(log.Data) > 0 {
		if err := datasetRegistry.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range datasetRegistry.abi.Events[event].Inputs {
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

// DatasetRegistryEIP712DomainChanged represents a EIP712DomainChanged event raised by the DatasetRegistry contract.
type DatasetRegistryEIP712DomainChanged struct {
	Raw *types.Log // Blockchain specific contextual infos
}

const DatasetRegistryEIP712DomainChangedEventName = "EIP712DomainChanged"

// ContractEventName returns the user-defined event name.
func (DatasetRegistryEIP712DomainChanged) ContractEventName() string {
	return DatasetRegistryEIP712DomainChangedEventName
}

// UnpackEIP712DomainChangedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event EIP712DomainChanged()
func (datasetRegistry *DatasetRegistry) UnpackEIP712DomainChangedEvent(log *types.Log) (*DatasetRegistryEIP712DomainChanged, error) {
	event := "EIP712DomainChanged"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != datasetRegistry.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(DatasetRegistryEIP712DomainChanged)
	if len(log.Data) > 0 {
		if err := datasetRegistry.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range datasetRegistry.abi.Events[event].Inputs {
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
func (datasetRegistry *DatasetRegistry) UnpackError(raw []byte) (any, error) {
	if bytes.Equal(raw[:4], datasetRegistry.abi.Errors["DatasetExists"].ID.Bytes()[:4]) {
		return datasetRegistry.UnpackDatasetExistsError(raw[4:])
	}
	if bytes.Equal(raw[:4], datasetRegistry.abi.Errors["DuplicateOperator"].ID.Bytes()[:4]) {
		return datasetRegistry.UnpackDuplicateOperatorError(raw[4:])
	}
	if bytes.Equal(raw[:4], datasetRegistry.abi.Errors["InvalidOperatorCount"].ID.Bytes()[:4]) {
		return datasetRegistry.UnpackInvalidOperatorCountError(raw[4:])
	}
	if bytes.Equal(raw[:4], datasetRegistry.abi.Errors["InvalidShortString"].ID.Bytes()[:4]) {
		return datasetRegistry.UnpackInvalidShortStringError(raw[4:])
	}
	if bytes.Equal(raw[:4], datasetRegistry.abi.Errors["InvalidThreshold"].ID.Bytes()[:4]) {
		return datasetRegistry.UnpackInvalidThresholdError(raw[4:])
	}
	if bytes.Equal(raw[:4], datasetRegistry.abi.Errors["NotEnoughSignatures"].ID.Bytes()[:4]) {
		return datasetRegistry.UnpackNotEnoughSignaturesError(raw[4:])
	}
	if bytes.Equal(raw[:4], datasetRegistry.abi.Errors["StringTooLong"].ID.Bytes()[:4]) {
		return datasetRegistry.UnpackStringTooLongError(raw[4:])
	}
	if bytes.Equal(raw[:4], datasetRegistry.abi.Errors["ZeroOperator"].ID.Bytes()[:4]) {
		return datasetRegistry.UnpackZeroOperatorError(raw[4:])
	}
	if bytes.Equal(raw[:4], datasetRegistry.abi.Errors["ZeroRoot"].ID.Bytes()[:4]) {
		return datasetRegistry.UnpackZeroRootError(raw[4:])
	}
	return nil, errors.New("Unknown error")
}

// DatasetRegistryDatasetExists represents a DatasetExists error raised by the DatasetRegistry contract.
type DatasetRegistryDatasetExists struct {
	DatasetId [32]byte
	Root      [32]byte
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error DatasetExists(bytes32 datasetId, bytes32 root)
func DatasetRegistryDatasetExistsErrorID() common.Hash {
	return common.HexToHash("0xf412702b3e8c7bc23fc533a303b733e2358d5a848962596de13b7752e3388d0d")
}

// UnpackDatasetExistsError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error DatasetExists(bytes32 datasetId, bytes32 root)
func (datasetRegistry *DatasetRegistry) UnpackDatasetExistsError(raw []byte) (*DatasetRegistryDatasetExists, error) {
	out := new(DatasetRegistryDatasetExists)
	if err := datasetRegistry.abi.UnpackIntoInterface(out, "DatasetExists", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// DatasetRegistryDuplicateOperator represents a DuplicateOperator error raised by the DatasetRegistry contract.
type DatasetRegistryDuplicateOperator struct {
	Operator common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error DuplicateOperator(address operator)
func DatasetRegistryDuplicateOperatorErrorID() common.Hash {
	return common.HexToHash("0x905ce09a774a9d6afc4b2b9e91453ab8953f40ef97acebdd46c47f231c7adfbb")
}

// UnpackDuplicateOperatorError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error DuplicateOperator(address operator)
func (datasetRegistry *DatasetRegistry) UnpackDuplicateOperatorError(raw []byte) (*DatasetRegistryDuplicateOperator, error) {
	out := new(DatasetRegistryDuplicateOperator)
	if err := datasetRegistry.abi.UnpackIntoInterface(out, "DuplicateOperator", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// DatasetRegistryInvalidOperatorCount represents a InvalidOperatorCount error raised by the DatasetRegistry contract.
type DatasetRegistryInvalidOperatorCount struct {
	Count *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error InvalidOperatorCount(uint256 count)
func DatasetRegistryInvalidOperatorCountErrorID() common.Hash {
	return common.HexToHash("0x73034ac63f61cfe9856dd39d6baee967e006f79edede32d561b02afe313ea419")
}

// UnpackInvalidOperatorCountError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error InvalidOperatorCount(uint256 count)
func (datasetRegistry *DatasetRegistry) UnpackInvalidOperatorCountError(raw []byte) (*DatasetRegistryInvalidOperatorCount, error) {
	out := new(DatasetRegistryInvalidOperatorCount)
	if err := datasetRegistry.abi.UnpackIntoInterface(out, "InvalidOperatorCount", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// DatasetRegistryInvalidShortString represents a InvalidShortString error raised by the DatasetRegistry contract.
type DatasetRegistryInvalidShortString struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error InvalidShortString()
func DatasetRegistryInvalidShortStringErrorID() common.Hash {
	return common.HexToHash("0xb3512b0c6163e5f0bafab72bb631b9d58cd7a731b082f910338aa21c83d5c274")
}

// UnpackInvalidShortStringError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error InvalidShortString()
func (datasetRegistry *DatasetRegistry) UnpackInvalidShortStringError(raw []byte) (*DatasetRegistryInvalidShortString, error) {
	out := new(DatasetRegistryInvalidShortString)
	if err := datasetRegistry.abi.UnpackIntoInterface(out, "InvalidShortString", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// DatasetRegistryInvalidThreshold represents a InvalidThreshold error raised by the DatasetRegistry contract.
type DatasetRegistryInvalidThreshold struct {
	Threshold *big.Int
	Operators *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error InvalidThreshold(uint256 threshold, uint256 operators)
func DatasetRegistryInvalidThresholdErrorID() common.Hash {
	return common.HexToHash("0x7b7a98f144b22ac349117faf884147efe6b9d8f459322b9ed0cb76310884f093")
}

// UnpackInvalidThresholdError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error InvalidThreshold(uint256 threshold, uint256 operators)
func (datasetRegistry *DatasetRegistry) UnpackInvalidThresholdError(raw []byte) (*DatasetRegistryInvalidThreshold, error) {
	out := new(DatasetRegistryInvalidThreshold)
	if err := datasetRegistry.abi.UnpackIntoInterface(out, "InvalidThreshold", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// DatasetRegistryNotEnoughSignatures represents a NotEnoughSignatures error raised by the DatasetRegistry contract.
type DatasetRegistryNotEnoughSignatures struct {
	Valid     *big.Int
	Threshold *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NotEnoughSignatures(uint256 valid, uint256 threshold)
func DatasetRegistryNotEnoughSignaturesErrorID() common.Hash {
	return common.HexToHash("0x79c193d2b9a5ab2a87f6c5945f80093d2564073c49c98e4bca0ef08737475744")
}

// UnpackNotEnoughSignaturesError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NotEnoughSignatures(uint256 valid, uint256 threshold)
func (datasetRegistry *DatasetRegistry) UnpackNotEnoughSignaturesError(raw []byte) (*DatasetRegistryNotEnoughSignatures, error) {
	out := new(DatasetRegistryNotEnoughSignatures)
	if err := datasetRegistry.abi.UnpackIntoInterface(out, "NotEnoughSignatures", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// DatasetRegistryStringTooLong represents a StringTooLong error raised by the DatasetRegistry contract.
type DatasetRegistryStringTooLong struct {
	Str string
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error StringTooLong(string str)
func DatasetRegistryStringTooLongErrorID() common.Hash {
	return common.HexToHash("0x305a27a93f8e33b7392df0a0f91d6fc63847395853c45991eec52dbf24d72381")
}

// UnpackStringTooLongError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error StringTooLong(string str)
func (datasetRegistry *DatasetRegistry) UnpackStringTooLongError(raw []byte) (*DatasetRegistryStringTooLong, error) {
	out := new(DatasetRegistryStringTooLong)
	if err := datasetRegistry.abi.UnpackIntoInterface(out, "StringTooLong", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// DatasetRegistryZeroOperator represents a ZeroOperator error raised by the DatasetRegistry contract.
type DatasetRegistryZeroOperator struct {
	Index *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ZeroOperator(uint256 index)
func DatasetRegistryZeroOperatorErrorID() common.Hash {
	return common.HexToHash("0x978a05e4398253562c71b1273fd120e63161037d551daa21d8a02afe5c4d8868")
}

// UnpackZeroOperatorError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ZeroOperator(uint256 index)
func (datasetRegistry *DatasetRegistry) UnpackZeroOperatorError(raw []byte) (*DatasetRegistryZeroOperator, error) {
	out := new(DatasetRegistryZeroOperator)
	if err := datasetRegistry.abi.UnpackIntoInterface(out, "ZeroOperator", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// DatasetRegistryZeroRoot represents a ZeroRoot error raised by the DatasetRegistry contract.
type DatasetRegistryZeroRoot struct {
	DatasetId [32]byte
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ZeroRoot(bytes32 datasetId)
func DatasetRegistryZeroRootErrorID() common.Hash {
	return common.HexToHash("0x3949995d9a0d932ce66a879b256533a051ba843147609d52230e743857fd6157")
}

// UnpackZeroRootError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ZeroRoot(bytes32 datasetId)
func (datasetRegistry *DatasetRegistry) UnpackZeroRootError(raw []byte) (*DatasetRegistryZeroRoot, error) {
	out := new(DatasetRegistryZeroRoot)
	if err := datasetRegistry.abi.UnpackIntoInterface(out, "ZeroRoot", raw); err != nil {
		return nil, err
	}
	return out, nil
}
