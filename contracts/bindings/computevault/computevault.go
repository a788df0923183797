// Code generated via abigen V2 - DO NOT EDIT.
// This file is a generated binding and any manual changes will be lost.

package computevault

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

// ComputeVaultMetaData contains all meta data concerning the ComputeVault contract.
var ComputeVaultMetaData = bind.MetaData{
	ABI: "[{\"inputs\":[{\"internalType\":\"contractIERC20\",\"name\":\"asset_\",\"type\":\"address\"},{\"internalType\":\"contractIYieldStrategy\",\"name\":\"strategy_\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"marketplace_\",\"type\":\"address\"},{\"internalType\":\"enumComputeVault.CreditsMode\",\"name\":\"mode_\",\"type\":\"uint8\"},{\"internalType\":\"address\",\"name\":\"creditHolder_\",\"type\":\"address\"},{\"internalType\":\"uint64\",\"name\":\"lockSeconds_\",\"type\":\"uint64\"},{\"internalType\":\"string\",\"name\":\"name_\",\"type\":\"string\"},{\"internalType\":\"string\",\"name\":\"symbol_\",\"type\":\"string\"}],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"asset\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"marketplaceStable\",\"type\":\"address\"}],\"name\":\"AssetMismatch\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"caller\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"receiver\",\"type\":\"address\"}],\"name\":\"DepositForOther\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"spender\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"allowance\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"needed\",\"type\":\"uint256\"}],\"name\":\"ERC20InsufficientAllowance\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"sender\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"balance\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"needed\",\"type\":\"uint256\"}],\"name\":\"ERC20InsufficientBalance\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"approver\",\"type\":\"address\"}],\"name\":\"ERC20InvalidApprover\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"receiver\",\"type\":\"address\"}],\"name\":\"ERC20InvalidReceiver\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"sender\",\"type\":\"address\"}],\"name\":\"ERC20InvalidSender\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"spender\",\"type\":\"address\"}],\"name\":\"ERC20InvalidSpender\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"receiver\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"assets\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"max\",\"type\":\"uint256\"}],\"name\":\"ERC4626ExceededMaxDeposit\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"receiver\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"shares\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"max\",\"type\":\"uint256\"}],\"name\":\"ERC4626ExceededMaxMint\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"owner\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"shares\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"max\",\"type\":\"uint256\"}],\"name\":\"ERC4626ExceededMaxRedeem\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"owner\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"assets\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"max\",\"type\":\"uint256\"}],\"name\":\"ERC4626ExceededMaxWithdraw\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"credits\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"InsufficientCredits\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"enumComputeVault.CreditsMode\",\"name\":\"mode\",\"type\":\"uint8\"},{\"internalType\":\"address\",\"name\":\"creditHolder\",\"type\":\"address\"}],\"name\":\"InvalidCreditHolder\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"lockSeconds\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"max\",\"type\":\"uint256\"}],\"name\":\"LockTooLong\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"caller\",\"type\":\"address\"}],\"name\":\"NotMarketplace\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"yield\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"shares\",\"type\":\"uint256\"}],\"name\":\"NothingToHarvest\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint8\",\"name\":\"bits\",\"type\":\"uint8\"},{\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"}],\"name\":\"SafeCastOverflowedUintDowncast\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"}],\"name\":\"SafeERC20FailedOperation\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"unlockAt\",\"type\":\"uint256\"}],\"name\":\"SharesLocked\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"strategy\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"strategyAsset\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"strategyVault\",\"type\":\"address\"}],\"name\":\"StrategyMismatch\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ZeroAddress\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ZeroAmount\",\"type\":\"error\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"owner\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"spender\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"}],\"name\":\"Approval\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"CreditsSpent\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"sender\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"owner\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"assets\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"shares\",\"type\":\"uint256\"}],\"name\":\"Deposit\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"caller\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"yield\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"totalHarvested\",\"type\":\"uint256\"}],\"name\":\"Harvested\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"from\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"}],\"name\":\"Transfer\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"sender\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"receiver\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"owner\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"assets\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"shares\",\"type\":\"uint256\"}],\"name\":\"Withdraw\",\"type\":\"event\"},{\"inputs\":[],\"name\":\"MAX_LOCK_SECONDS\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"owner\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"spender\",\"type\":\"address\"}],\"name\":\"allowance\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"spender\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"}],\"name\":\"approve\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"asset\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"}],\"name\":\"balanceOf\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"shares\",\"type\":\"uint256\"}],\"name\":\"convertToAssets\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"assets\",\"type\":\"uint256\"}],\"name\":\"convertToShares\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"creditHolder\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"creditsMode\",\"outputs\":[{\"internalType\":\"enumComputeVault.CreditsMode\",\"name\":\"\",\"type\":\"uint8\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"}],\"name\":\"creditsOf\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"creditsPerShare\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"decimals\",\"outputs\":[{\"internalType\":\"uint8\",\"name\":\"\",\"type\":\"uint8\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"assets\",\"type\":\"uint256\"},{\"internalType\":\"address\",\"name\":\"receiver\",\"type\":\"address\"}],\"name\":\"deposit\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"harvest\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"yield\",\"type\":\"uint256\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"lockSeconds\",\"outputs\":[{\"internalType\":\"uint64\",\"name\":\"\",\"type\":\"uint64\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"marketplace\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"name\":\"maxDeposit\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"name\":\"maxMint\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"owner\",\"type\":\"address\"}],\"name\":\"maxRedeem\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"owner\",\"type\":\"address\"}],\"name\":\"maxWithdraw\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"shares\",\"type\":\"uint256\"},{\"internalType\":\"address\",\"name\":\"receiver\",\"type\":\"address\"}],\"name\":\"mint\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"name\",\"outputs\":[{\"internalType\":\"string\",\"name\":\"\",\"type\":\"string\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"pendingYield\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"assets\",\"type\":\"uint256\"}],\"name\":\"previewDeposit\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"shares\",\"type\":\"uint256\"}],\"name\":\"previewMint\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"shares\",\"type\":\"uint256\"}],\"name\":\"previewRedeem\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"assets\",\"type\":\"uint256\"}],\"name\":\"previewWithdraw\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"principal\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"shares\",\"type\":\"uint256\"},{\"internalType\":\"address\",\"name\":\"receiver\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"owner\",\"type\":\"address\"}],\"name\":\"redeem\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"from\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"spendCredits\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"strategy\",\"outputs\":[{\"internalType\":\"contractIYieldStrategy\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"symbol\",\"outputs\":[{\"internalType\":\"string\",\"name\":\"\",\"type\":\"string\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"totalAssets\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"totalCredits\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"totalHarvested\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"totalSpent\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"totalSupply\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"}],\"name\":\"transfer\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"from\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"}],\"name\":\"transferFrom\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"}],\"name\":\"unlockAt\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"assets\",\"type\":\"uint256\"},{\"internalType\":\"address\",\"name\":\"receiver\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"owner\",\"type\":\"address\"}],\"name\":\"withdraw\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"}]",
	ID:  "ComputeVault",
	Bin: "0x610160604052348015610010575f5ffd5b506040516125fc3803806125fc83398101604081905261002f9161049c565b878282600361003e8382610600565b50600461004b8282610600565b5050505f5f61005f8361038f60201b60201c565b915091508161006f576012610071565b805b60ff1660a05250506001600160a01b039081166080528816158061009c57506001600160a01b038716155b806100ae57506001600160a01b038616155b156100cc5760405163d92e233d60e01b815260040160405180910390fd5b630784ce00836001600160401b031611156101145760405163cdd02da560e01b81526001600160401b0384166004820152630784ce0060248201526044015b60405180910390fd5b6001600160a01b03841615155f866001811115610133576101336106be565b1414610156578484604051631ae9f98960e31b815260040161010b9291906106d2565b5f876001600160a01b03166338d52e0f6040518163ffffffff1660e01b8152600401602060405180830381865afa158015610193573d5f5f3e3d5ffd5b505050506040513d601f19601f820116820180604052508101906101b7919061070a565b90505f886001600160a01b031663fbfa77cf6040518163ffffffff1660e01b8152600401602060405180830381865afa1580156101f6573d5f5f3e3d5ffd5b505050506040513d601f19601f8201168201806040525081019061021a919061070a565b9050896001600160a01b0316826001600160a01b031614158061024657506001600160a01b0381163014155b1561027f5760405163d300023760e01b81526001600160a01b03808b16600483015280841660248301528216604482015260640161010b565b5f886001600160a01b03166322be3de16040518163ffffffff1660e01b8152600401602060405180830381865afa1580156102bc573d5f5f3e3d5ffd5b505050506040513d601f19601f820116820180604052508101906102e0919061070a565b90508a6001600160a01b0316816001600160a01b03161461032757604051634e83a9b960e01b81526001600160a01b03808d1660048301528216602482015260440161010b565b6001600160a01b03808b1660c052891660e05287600181111561034c5761034c6106be565b610100816001811115610361576103616106be565b90525050506001600160a01b039094166101205250506001600160401b0316610140525061072c9350505050565b63313ce56760e01b5f818152908190602082600481875afa5f51601f3d1190911661010082101695908602945092505050565b6001600160a01b03811681146103d6575f5ffd5b50565b80516103e4816103c2565b919050565b80516001600160401b03811681146103e4575f5ffd5b634e487b7160e01b5f52604160045260245ffd5b5f82601f830112610422575f5ffd5b81516001600160401b0381111561043b5761043b6103ff565b604051601f8201601f19908116603f011681016001600160401b0381118282101715610469576104696103ff565b604052818152838201602001851015610480575f5ffd5b8160208501602083015e5f918101602001919091529392505050565b5f5f5f5f5f5f5f5f610100898b0312156104b4575f5ffd5b88516104bf816103c2565b60208a01519098506104d0816103c2565b60408a01519097506104e1816103c2565b60608a0151909650600281106104f5575f5ffd5b945061050360808a016103d9565b935061051160a08a016103e9565b60c08a01519093506001600160401b0381111561052c575f5ffd5b6105388b828c01610413565b60e08b015190935090506001600160401b03811115610555575f5ffd5b6105618b828c01610413565b9150509295985092959890939650565b600181811c9082168061058557607f821691505b6020821081036105a357634e487b7160e01b5f52602260045260245ffd5b50919050565b601f8211156105fb57828211156105fb57805f5260205f20601f840160051c60208510156105d457505f5b90810190601f840160051c035f5b818110156105f7575f838201556001016105e2565b5050505b505050565b81516001600160401b03811115610619576106196103ff565b61062d816106278454610571565b846105a9565b6020601f82116001811461065f575f83156106485750848201515b5f19600385901b1c1916600184901b1784556106b7565b5f84815260208120601f198516915b8281101561068e578785015182556020948501946001909201910161066e565b50848210156106ab57868401515f19600387901b60f8161c191681555b505060018360011b0184555b5050505050565b634e487b7160e01b5f52602160045260245ffd5b60408101600284106106f257634e487b7160e01b5f52602160045260245ffd5b9281526001600160a01b039190911660209091015290565b5f6020828403121561071a575f5ffd5b8151610725816103c2565b9392505050565b60805160a05160c05160e051610100516101205161014051611e0f6107ed5f395f818161052d015281816110db0152818161115301526113ff01525f818161050601526109b301525f818161038d015281816106f8015281816107b401528181610938015261145b01525f8181610495015261074b01525f818161045b01528181610b3201528181610c7e0152818161177f015281816117d001526119ac01525f61090101525f818161032b015281816108cd015261175c0152611e0f5ff3fe608060405234801561000f575f5ffd5b506004361061024a575f3560e01c806389b7e58611610140578063ba5d3078116100bf578063ce96cb7711610084578063ce96cb771461057b578063d905777e1461058e578063dbb04873146105a1578063dd62ed3e146105a9578063ef8b30f714610568578063fb346eab146105e1575f5ffd5b8063ba5d3078146104f8578063bf625ace14610501578063bfa6fddb14610528578063c63d75b614610363578063c6e6f59214610568575f5ffd5b8063abc8c7af11610105578063abc8c7af14610490578063b3d7f6b9146104b7578063b460af94146104ca578063b5bd3eb9146104dd578063ba087652146104e5575f5ffd5b806389b7e5861461040257806394bf804d1461043b57806395d89b411461044e578063a8c62e7614610456578063a9059cbb1461047d575f5ffd5b8063313ce567116101cc578063496bee8411610191578063496bee84146103885780634cdad5061461027a5780636e553f65146103bc57806370a08231146103cf578063800332d3146103f7575f5ffd5b8063313ce5671461030f57806338d52e0f14610329578063402d267d1461036357806340afbdbd146103775780634641257d14610380575f5ffd5b806318160ddd1161021257806318160ddd146102c357806323b872dd146102cb57806323dc1142146102de578063245a45b5146102e75780632614d4a4146102fa575f5ffd5b806301e1d1141461024e57806306fdde031461026557806307a2d13a1461027a578063095ea7b31461028d5780630a28a477146102b0575b5f5ffd5b6005545b6040519081526020015b60405180910390f35b61026d6105ea565b60405161025c9190611a47565b610252610288366004611a7c565b61067a565b6102a061029b366004611aae565b61068b565b604051901515815260200161025c565b6102526102be366004611a7c565b6106a2565b600254610252565b6102a06102d9366004611ad6565b6106ae565b61025260065481565b6102526102f5366004611b10565b6106d3565b61030d610308366004611aae565b610740565b005b6103176108fa565b60405160ff909116815260200161025c565b7f00000000000000000000000000000000000000000000000000000000000000005b6040516001600160a01b03909116815260200161025c565b610252610371366004611b10565b505f1990565b61025260085481565b61025261092a565b6103af7f000000000000000000000000000000000000000000000000000000000000000081565b60405161025c9190611b3d565b6102526103ca366004611b63565b610b94565b6102526103dd366004611b10565b6001600160a01b03165f9081526020819052604090205490565b610252630784ce0081565b610252610410366004611b10565b6001600160a01b03165f908152600a6020526040902054600160801b900467ffffffffffffffff1690565b610252610449366004611b63565b610bb7565b61026d610bd2565b61034b7f000000000000000000000000000000000000000000000000000000000000000081565b6102a061048b366004611aae565b610be1565b61034b7f000000000000000000000000000000000000000000000000000000000000000081565b6102526104c5366004611a7c565b610bee565b6102526104d8366004611b8d565b610bfa565b610252610c0f565b6102526104f3366004611b8d565b610c20565b61025260055481565b61034b7f000000000000000000000000000000000000000000000000000000000000000081565b61054f7f000000000000000000000000000000000000000000000000000000000000000081565b60405167ffffffffffffffff909116815260200161025c565b610252610576366004611a7c565b610c35565b610252610589366004611b10565b610c40565b61025261059c366004611b10565b610c63565b610252610c7a565b6102526105b7366004611bc6565b6001600160a01b039182165f90815260016020908152604080832093909416825291909152205490565b61025260075481565b6060600380546105f990611bee565b80601f016020809104026020016040519081016040528092919081815260200182805461062590611bee565b80156106705780601f1061064757610100808354040283529160200191610670565b820191905f5260205f20905b81548152906001019060200180831161065357829003601f168201915b5050505050905090565b5f610685825f610d20565b92915050565b5f33610698818585610d59565b5060019392505050565b5f610685826001610d6b565b5f336106bb858285610d95565b6106c6858585610df8565b60019150505b9392505050565b6001600160a01b0381165f908152600a60205260408120546001600160801b031660017f0000000000000000000000000000000000000000000000000000000000000000600181111561072857610728611b29565b036106855761073683610e55565b6106cc9082611c3a565b336001600160a01b037f0000000000000000000000000000000000000000000000000000000000000000161461079057604051631da596b560e31b81523360048201526024015b60405180910390fd5b805f036107b057604051631f2a200560e01b815260040160405180910390fd5b60017f000000000000000000000000000000000000000000000000000000000000000060018111156107e4576107e4611b29565b036107f2576107f282610e95565b6001600160a01b0382165f908152600a6020526040902080546001600160801b03168281101561083b5783818460405163166938df60e01b815260040161078793929190611c4d565b6108458382611c6e565b82546fffffffffffffffffffffffffffffffff19166001600160801b0391909116178255600780548491905f9061087d908490611c3a565b90915550506040518381526001600160a01b038516907fe86a822750c517391c8a6fbcc4aa4449d826751726a91720b700e837cd229ee69060200160405180910390a26108f46001600160a01b037f0000000000000000000000000000000000000000000000000000000000000000163385610f49565b50505050565b5f610925817f0000000000000000000000000000000000000000000000000000000000000000611c81565b905090565b5f610933610c7a565b90505f7f0000000000000000000000000000000000000000000000000000000000000000600181111561096857610968611b29565b03610a2257805f036109a0575f61097e60025490565b604051632a6d7fc960e21b815260048101929092526024820152604401610787565b6109a981610f7e565b6001600160a01b037f0000000000000000000000000000000000000000000000000000000000000000165f908152600a6020526040812080549091906109f99084906001600160801b0316611c9a565b92506101000a8154816001600160801b0302191690836001600160801b03160217905550610ac5565b5f610a2c60025490565b9050811580610a39575080155b15610a6157604051632a6d7fc960e21b81526004810183905260248101829052604401610787565b5f60095483610a709190611c3a565b90505f610a8682670de0b6b3a764000085610fb5565b90508060085f828254610a999190611c3a565b90915550610ab490508184670de0b6b3a76400006001611065565b610abe9083611c6e565b6009555050505b5f81600654610ad49190611c3a565b6006819055604080518481526020810183905291925033917f81ca9b2c230070eaa84787556b1aaf18bf1e2f07ea5d3dae4819db77a1a5b224910160405180910390a2604051627b8a6760e11b8152600481018390523060248201527f00000000000000000000000000000000000000000000000000000000000000006001600160a01b03169062f714ce906044015f604051808303815f87803b158015610b7a575f5ffd5b505af1158015610b8c573d5f5f3e3d5ffd5b505050505090565b5f5f195f610ba185610c35565b9050610baf338587846110b0565b949350505050565b5f5f195f610bc485610bee565b9050610baf338583886110b0565b6060600480546105f990611bee565b5f33610698818585610df8565b5f610685826001610d20565b5f610c04826111c8565b610baf848484611231565b5f6007546006546109259190611c6e565b5f610c2a826111c8565b610baf84848461127e565b5f610685825f610d6b565b5f610c4a826112cb565b610c5c57610c57826112f8565b610685565b5f92915050565b5f610c6d826112cb565b610c5c57610c5782611305565b5f5f7f00000000000000000000000000000000000000000000000000000000000000006001600160a01b03166301e1d1146040518163ffffffff1660e01b8152600401602060405180830381865afa158015610cd8573d5f5f3e3d5ffd5b505050506040513d601f19601f82011682018060405250810190610cfc9190611cb9565b600554909150808211610d0f575f610d19565b610d198183611c6e565b9250505090565b5f6106cc610d2d60055490565b610d38906001611c3a565b610d435f600a611db3565b600254610d509190611c3a565b85919085611065565b610d668383836001611322565b505050565b5f6106cc610d7a82600a611db3565b600254610d879190611c3a565b600554610d50906001611c3a565b6001600160a01b038381165f908152600160209081526040808320938616835292905220545f198110156108f45781811015610dea57828183604051637dc7a0d960e11b815260040161078793929190611c4d565b6108f484848484035f611322565b6001600160a01b038316610e2157604051634b637e8f60e11b81525f6004820152602401610787565b6001600160a01b038216610e4a5760405163ec442f0560e01b81525f6004820152602401610787565b610d668383836113f4565b6001600160a01b0381165f9081526020818152604080832054600b9092528220546008546106859291610e8791611c6e565b670de0b6b3a7640000610fb5565b6008546001600160a01b0382165f908152600b6020526040902054819003610ebb575050565b5f610ec583610e55565b6001600160a01b0384165f908152600b6020526040902083905590508015610d6657610ef081610f7e565b6001600160a01b0384165f908152600a602052604081208054909190610f209084906001600160801b0316611c9a565b92506101000a8154816001600160801b0302191690836001600160801b03160217905550505050565b610f5683838360016114eb565b610d6657604051635274afe760e01b81526001600160a01b0384166004820152602401610787565b5f6001600160801b03821115610fb1576040516306dfcc6560e41b81526080600482015260248101839052604401610787565b5090565b5f5f5f610fc2868661154d565b91509150815f03610fe657838181610fdc57610fdc611dc1565b04925050506106cc565b818411610ffd57610ffd6003851502601118611569565b5f848688095f868103871696879004966002600389028118808a02820302808a02820302808a02820302808a02820302808a02820302808a02909103029181900381900460010185841190960395909502919093039390930492909217029150509392505050565b5f6110926110728361157a565b801561108d57505f848061108857611088611dc1565b868809115b151590565b61109d868686610fb5565b6110a79190611c3a565b95945050505050565b815f036110d057604051631f2a200560e01b815260040160405180910390fd5b67ffffffffffffffff7f000000000000000000000000000000000000000000000000000000000000000016156111bc57826001600160a01b0316846001600160a01b0316146111455760405163182a86d160e31b81526001600160a01b03808616600483015284166024820152604401610787565b61117967ffffffffffffffff7f00000000000000000000000000000000000000000000000000000000000000001642611c3a565b6001600160a01b0384165f908152600a60205260409020805467ffffffffffffffff92909216600160801b0267ffffffffffffffff60801b199092169190911790555b6108f4848484846115a6565b6001600160a01b0381165f908152600a6020526040902054600160801b900467ffffffffffffffff164281111561122d57604051636f8a4afb60e01b81526001600160a01b038316600482015267ffffffffffffffff82166024820152604401610787565b5050565b5f5f61123c83610c40565b90508085111561126557828582604051633fa733bb60e21b815260040161078793929190611c4d565b5f61126f866106a2565b90506110a73386868985611608565b5f5f61128983610c63565b9050808511156112b257828582604051632e52afbb60e21b815260040161078793929190611c4d565b5f6112bc8661067a565b90506110a7338686848a611608565b6001600160a01b03165f908152600a6020526040902054600160801b900467ffffffffffffffff16421090565b5f61068561028883610c63565b6001600160a01b0381165f90815260208190526040812054610685565b6001600160a01b03841661134b5760405163e602df0560e01b81525f6004820152602401610787565b6001600160a01b03831661137457604051634a1406b160e11b81525f6004820152602401610787565b6001600160a01b038085165f90815260016020908152604080832093871683529290522082905580156108f457826001600160a01b0316846001600160a01b03167f8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b925846040516113e691815260200190565b60405180910390a350505050565b67ffffffffffffffff7f0000000000000000000000000000000000000000000000000000000000000000161580159061143557506001600160a01b03831615155b801561144957506001600160a01b03821615155b1561145757611457836111c8565b60017f0000000000000000000000000000000000000000000000000000000000000000600181111561148b5761148b611b29565b036114e0576001600160a01b038316156114a8576114a883610e95565b6001600160a01b038216158015906114d25750826001600160a01b0316826001600160a01b031614155b156114e0576114e082610e95565b610d6683838361163c565b60405163a9059cbb60e01b5f8181526001600160a01b038616600452602485905291602083604481808b5af1925060015f51148316611541578383151615611535573d5f823e3d81fd5b5f873b113d1516831692505b60405250949350505050565b5f805f1983850993909202808410938190039390930393915050565b634e487b715f52806020526024601cfd5b5f600282600381111561158f5761158f611b29565b6115999190611dd5565b60ff166001149050919050565b6115b0848361174f565b6115ba8382611834565b826001600160a01b0316846001600160a01b03167fdcbc1c05240f31ff3ad067ef1ee35ce4997762752e3a095284754544f4c709d784846040516113e6929190918252602082015260400190565b815f0361162857604051631f2a200560e01b815260040160405180910390fd5b6116358585858585611868565b5050505050565b6001600160a01b038316611666578060025f82825461165b9190611c3a565b909155506116c39050565b6001600160a01b0383165f90815260208190526040902054818110156116a55783818360405163391434e360e21b815260040161078793929190611c4d565b6001600160a01b0384165f9081526020819052604090209082900390555b6001600160a01b0382166116df576002805482900390556116fd565b6001600160a01b0382165f9081526020819052604090208054820190555b816001600160a01b0316836001600160a01b03167fddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef8360405161174291815260200190565b60405180910390a3505050565b6117a46001600160a01b037f000000000000000000000000000000000000000000000000000000000000000016837f000000000000000000000000000000000000000000000000000000000000000084611907565b8060055f8282546117b59190611c3a565b909155505060405163b6b55f2560e01b8152600481018290527f00000000000000000000000000000000000000000000000000000000000000006001600160a01b03169063b6b55f25906024015b5f604051808303815f87803b15801561181a575f5ffd5b505af115801561182c573d5f5f3e3d5ffd5b505050505050565b6001600160a01b03821661185d5760405163ec442f0560e01b81525f6004820152602401610787565b61122d5f83836113f4565b826001600160a01b0316856001600160a01b03161461188c5761188c838683610d95565b611896838261193d565b6118a08483611971565b826001600160a01b0316846001600160a01b0316866001600160a01b03167ffbde797d201c681b91056529119e0b02407c7bb96a4a2c75c01fc9667232c8db85856040516118f8929190918252602082015260400190565b60405180910390a45050505050565b6119158484848460016119da565b6108f457604051635274afe760e01b81526001600160a01b0385166004820152602401610787565b6001600160a01b03821661196657604051634b637e8f60e11b81525f6004820152602401610787565b61122d825f836113f4565b8060055f8282546119829190611c6e565b9091555050604051627b8a6760e11b8152600481018290526001600160a01b0383811660248301527f0000000000000000000000000000000000000000000000000000000000000000169062f714ce90604401611803565b6040516323b872dd60e01b5f8181526001600160a01b038781166004528616602452604485905291602083606481808c5af1925060015f51148316611a36578383151615611a2a573d5f823e3d81fd5b5f883b113d1516831692505b604052505f60605295945050505050565b602081525f82518060208401528060208501604085015e5f604082850101526040601f19601f83011684010191505092915050565b5f60208284031215611a8c575f5ffd5b5035919050565b80356001600160a01b0381168114611aa9575f5ffd5b919050565b5f5f60408385031215611abf575f5ffd5b611ac883611a93565b946020939093013593505050565b5f5f5f60608486031215611ae8575f5ffd5b611af184611a93565b9250611aff60208501611a93565b929592945050506040919091013590565b5f60208284031215611b20575f5ffd5b6106cc82611a93565b634e487b7160e01b5f52602160045260245ffd5b6020810160028310611b5d57634e487b7160e01b5f52602160045260245ffd5b91905290565b5f5f60408385031215611b74575f5ffd5b82359150611b8460208401611a93565b90509250929050565b5f5f5f60608486031215611b9f575f5ffd5b83359250611baf60208501611a93565b9150611bbd60408501611a93565b90509250925092565b5f5f60408385031215611bd7575f5ffd5b611be083611a93565b9150611b8460208401611a93565b600181811c90821680611c0257607f821691505b602082108103611c2057634e487b7160e01b5f52602260045260245ffd5b50919050565b634e487b7160e01b5f52601160045260245ffd5b8082018082111561068557610685611c26565b6001600160a01b039390931683526020830191909152604082015260600190565b8181038181111561068557610685611c26565b60ff818116838216019081111561068557610685611c26565b6001600160801b03818116838216019081111561068557610685611c26565b5f60208284031215611cc9575f5ffd5b5051919050565b6001815b6001841115611d0b57808504811115611cef57611cef611c26565b6001841615611cfd57908102905b60019390931c928002611cd4565b935093915050565b5f82611d2157506001610685565b81611d2d57505f610685565b8160018114611d435760028114611d4d57611d69565b6001915050610685565b60ff841115611d5e57611d5e611c26565b50506001821b610685565b5060208310610133831016604e8410600b8410161715611d8c575081810a610685565b611d985f198484611cd0565b805f1904821115611dab57611dab611c26565b029392505050565b5f6106cc60ff841683611d13565b634e487b7160e01b5f52601260045260245ffd5b5f60ff831680611df357634e487b7160e01b5f52601260045260245ffd5b8060ff8416069150509291505056fea164736f6c6343000825000a",
}

// ComputeVault is an auto generated Go binding around an Ethereum contract.
type ComputeVault struct {
	abi abi.ABI
}

// GetABI returns the ABI associated with this contract binding.
func (c *ComputeVault) GetABI() abi.ABI {
	return c.abi
}

// NewComputeVault creates a new instance of ComputeVault.
func NewComputeVault() *ComputeVault {
	parsed, err := ComputeVaultMetaData.ParseABI()
	if err != nil {
		panic(errors.New("invalid ABI: " + err.Error()))
	}
	return &ComputeVault{abi: *parsed}
}

// Instance creates a wrapper for a deployed contract instance at the given address.
// Use this to create the instance object passed to abigen v2 library functions Call, Transact, etc.
func (c *ComputeVault) Instance(backend bind.ContractBackend, addr common.Address) *bind.BoundContract {
	return bind.NewBoundContract(addr, c.abi, backend, backend, backend)
}

// PackConstructor is the Go binding used to pack the parameters required for
// contract deployment.
//
// Solidity: constructor(address asset_, address strategy_, address marketplace_, uint8 mode_, address creditHolder_, uint64 lockSeconds_, string name_, string symbol_) returns()
func (computeVault *ComputeVault) PackConstructor(asset_ common.Address, strategy_ common.Address, marketplace_ common.Address, mode_ uint8, creditHolder_ common.Address, lockSeconds_ uint64, name_ string, symbol_ string) []byte {
	enc, err := computeVault.abi.Pack("", asset_, strategy_, marketplace_, mode_, creditHolder_, lockSeconds_, name_, symbol_)
	if err != nil {
		panic(err)
	}
	return enc
}

// PackMAXLOCKSECONDS is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x800332d3.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function MAX_LOCK_SECONDS() view returns(uint256)
func (computeVault *ComputeVault) PackMAXLOCKSECONDS() []byte {
	enc, err := computeVault.abi.Pack("MAX_LOCK_SECONDS")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackMAXLOCKSECONDS is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x800332d3.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function MAX_LOCK_SECONDS() view returns(uint256)
func (computeVault *ComputeVault) TryPackMAXLOCKSECONDS() ([]byte, error) {
	return computeVault.abi.Pack("MAX_LOCK_SECONDS")
}

// UnpackMAXLOCKSECONDS is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x800332d3.
//
// Solidity: function MAX_LOCK_SECONDS() view returns(uint256)
func (computeVault *ComputeVault) UnpackMAXLOCKSECONDS(data []byte) (*big.Int, error) {
	out, err := computeVault.abi.Unpack("MAX_LOCK_SECONDS", data)
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
func (computeVault *ComputeVault) PackAllowance(owner common.Address, spender common.Address) []byte {
	enc, err := computeVault.abi.Pack("allowance", owner, spender)
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
func (computeVault *ComputeVault) TryPackAllowance(owner common.Address, spender common.Address) ([]byte, error) {
	return computeVault.abi.Pack("allowance", owner, spender)
}

// UnpackAllowance is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xdd62ed3e.
//
// Solidity: function allowance(address owner, address spender) view returns(uint256)
func (computeVault *ComputeVault) UnpackAllowance(data []byte) (*big.Int, error) {
	out, err := computeVault.abi.Unpack("allowance", data)
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
func (computeVault *ComputeVault) PackApprove(spender common.Address, value *big.Int) []byte {
	enc, err := computeVault.abi.Pack("approve", spender, value)
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
func (computeVault *ComputeVault) TryPackApprove(spender common.Address, value *big.Int) ([]byte, error) {
	return computeVault.abi.Pack("approve", spender, value)
}

// UnpackApprove is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x095ea7b3.
//
// Solidity: function approve(address spender, uint256 value) returns(bool)
func (computeVault *ComputeVault) UnpackApprove(data []byte) (bool, error) {
	out, err := computeVault.abi.Unpack("approve", data)
	if err != nil {
		return *new(bool), err
	}
	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)
	return out0, nil
}

// PackAsset is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x38d52e0f.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function asset() view returns(address)
func (computeVault *ComputeVault) PackAsset() []byte {
	enc, err := computeVault.abi.Pack("asset")
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
func (computeVault *ComputeVault) TryPackAsset() ([]byte, error) {
	return computeVault.abi.Pack("asset")
}

// UnpackAsset is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x38d52e0f.
//
// Solidity: function asset() view returns(address)
func (computeVault *ComputeVault) UnpackAsset(data []byte) (common.Address, error) {
	out, err := computeVault.abi.Unpack("asset", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// PackBalanceOf is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x70a08231.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function balanceOf(address account) view returns(uint256)
func (computeVault *ComputeVault) PackBalanceOf(account common.Address) []byte {
	enc, err := computeVault.abi.Pack("balanceOf", account)
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
func (computeVault *ComputeVault) TryPackBalanceOf(account common.Address) ([]byte, error) {
	return computeVault.abi.Pack("balanceOf", account)
}

// UnpackBalanceOf is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x70a08231.
//
// Solidity: function balanceOf(address account) view returns(uint256)
func (computeVault *ComputeVault) UnpackBalanceOf(data []byte) (*big.Int, error) {
	out, err := computeVault.abi.Unpack("balanceOf", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackConvertToAssets is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x07a2d13a.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function convertToAssets(uint256 shares) view returns(uint256)
func (computeVault *ComputeVault) PackConvertToAssets(shares *big.Int) []byte {
	enc, err := computeVault.abi.Pack("convertToAssets", shares)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackConvertToAssets is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x07a2d13a.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function convertToAssets(uint256 shares) view returns(uint256)
func (computeVault *ComputeVault) TryPackConvertToAssets(shares *big.Int) ([]byte, error) {
	return computeVault.abi.Pack("convertToAssets", shares)
}

// UnpackConvertToAssets is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x07a2d13a.
//
// Solidity: function convertToAssets(uint256 shares) view returns(uint256)
func (computeVault *ComputeVault) UnpackConvertToAssets(data []byte) (*big.Int, error) {
	out, err := computeVault.abi.Unpack("convertToAssets", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackConvertToShares is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xc6e6f592.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function convertToShares(uint256 assets) view returns(uint256)
func (computeVault *ComputeVault) PackConvertToShares(assets *big.Int) []byte {
	enc, err := computeVault.abi.Pack("convertToShares", assets)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackConvertToShares is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xc6e6f592.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function convertToShares(uint256 assets) view returns(uint256)
func (computeVault *ComputeVault) TryPackConvertToShares(assets *big.Int) ([]byte, error) {
	return computeVault.abi.Pack("convertToShares", assets)
}

// UnpackConvertToShares is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xc6e6f592.
//
// Solidity: function convertToShares(uint256 assets) view returns(uint256)
func (computeVault *ComputeVault) UnpackConvertToShares(data []byte) (*big.Int, error) {
	out, err := computeVault.abi.Unpack("convertToShares", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackCreditHolder is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xbf625ace.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function creditHolder() view returns(address)
func (computeVault *ComputeVault) PackCreditHolder() []byte {
	enc, err := computeVault.abi.Pack("creditHolder")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackCreditHolder is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xbf625ace.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function creditHolder() view returns(address)
func (computeVault *ComputeVault) TryPackCreditHolder() ([]byte, error) {
	return computeVault.abi.Pack("creditHolder")
}

// UnpackCreditHolder is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xbf625ace.
//
// Solidity: function creditHolder() view returns(address)
func (computeVault *ComputeVault) UnpackCreditHolder(data []byte) (common.Address, error) {
	out, err := computeVault.abi.Unpack("creditHolder", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// PackCreditsMode is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x496bee84.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function creditsMode() view returns(uint8)
func (computeVault *ComputeVault) PackCreditsMode() []byte {
	enc, err := computeVault.abi.Pack("creditsMode")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackCreditsMode is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x496bee84.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function creditsMode() view returns(uint8)
func (computeVault *ComputeVault) TryPackCreditsMode() ([]byte, error) {
	return computeVault.abi.Pack("creditsMode")
}

// UnpackCreditsMode is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x496bee84.
//
// Solidity: function creditsMode() view returns(uint8)
func (computeVault *ComputeVault) UnpackCreditsMode(data []byte) (uint8, error) {
	out, err := computeVault.abi.Unpack("creditsMode", data)
	if err != nil {
		return *new(uint8), err
	}
	out0 := *abi.ConvertType(out[0], new(uint8)).(*uint8)
	return out0, nil
}

// PackCreditsOf is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x245a45b5.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function creditsOf(address account) view returns(uint256)
func (computeVault *ComputeVault) PackCreditsOf(account common.Address) []byte {
	enc, err := computeVault.abi.Pack("creditsOf", account)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackCreditsOf is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x245a45b5.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function creditsOf(address account) view returns(uint256)
func (computeVault *ComputeVault) TryPackCreditsOf(account common.Address) ([]byte, error) {
	return computeVault.abi.Pack("creditsOf", account)
}

// UnpackCreditsOf is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x245a45b5.
//
// Solidity: function creditsOf(address account) view returns(uint256)
func (computeVault *ComputeVault) UnpackCreditsOf(data []byte) (*big.Int, error) {
	out, err := computeVault.abi.Unpack("creditsOf", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackCreditsPerShare is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x40afbdbd.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function creditsPerShare() view returns(uint256)
func (computeVault *ComputeVault) PackCreditsPerShare() []byte {
	enc, err := computeVault.abi.Pack("creditsPerShare")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackCreditsPerShare is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x40afbdbd.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function creditsPerShare() view returns(uint256)
func (computeVault *ComputeVault) TryPackCreditsPerShare() ([]byte, error) {
	return computeVault.abi.Pack("creditsPerShare")
}

// UnpackCreditsPerShare is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x40afbdbd.
//
// Solidity: function creditsPerShare() view returns(uint256)
func (computeVault *ComputeVault) UnpackCreditsPerShare(data []byte) (*big.Int, error) {
	out, err := computeVault.abi.Unpack("creditsPerShare", data)
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
func (computeVault *ComputeVault) PackDecimals() []byte {
	enc, err := computeVault.abi.Pack("decimals")
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
func (computeVault *ComputeVault) TryPackDecimals() ([]byte, error) {
	return computeVault.abi.Pack("decimals")
}

// UnpackDecimals is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x313ce567.
//
// Solidity: function decimals() view returns(uint8)
func (computeVault *ComputeVault) UnpackDecimals(data []byte) (uint8, error) {
	out, err := computeVault.abi.Unpack("decimals", data)
	if err != nil {
		return *new(uint8), err
	}
	out0 := *abi.ConvertType(out[0], new(uint8)).(*uint8)
	return out0, nil
}

// PackDeposit is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x6e553f65.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function deposit(uint256 assets, address receiver) returns(uint256)
func (computeVault *ComputeVault) PackDeposit(assets *big.Int, receiver common.Address) []byte {
	enc, err := computeVault.abi.Pack("deposit", assets, receiver)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackDeposit is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x6e553f65.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function deposit(uint256 assets, address receiver) returns(uint256)
func (computeVault *ComputeVault) TryPackDeposit(assets *big.Int, receiver common.Address) ([]byte, error) {
	return computeVault.abi.Pack("deposit", assets, receiver)
}

// UnpackDeposit is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x6e553f65.
//
// Solidity: function deposit(uint256 assets, address receiver) returns(uint256)
func (computeVault *ComputeVault) UnpackDeposit(data []byte) (*big.Int, error) {
	out, err := computeVault.abi.Unpack("deposit", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackHarvest is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x4641257d.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function harvest() returns(uint256 yield)
func (computeVault *ComputeVault) PackHarvest() []byte {
	enc, err := computeVault.abi.Pack("harvest")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackHarvest is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x4641257d.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function harvest() returns(uint256 yield)
func (computeVault *ComputeVault) TryPackHarvest() ([]byte, error) {
	return computeVault.abi.Pack("harvest")
}

// UnpackHarvest is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x4641257d.
//
// Solidity: function harvest() returns(uint256 yield)
func (computeVault *ComputeVault) UnpackHarvest(data []byte) (*big.Int, error) {
	out, err := computeVault.abi.Unpack("harvest", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackLockSeconds is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xbfa6fddb.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function lockSeconds() view returns(uint64)
func (computeVault *ComputeVault) PackLockSeconds() []byte {
	enc, err := computeVault.abi.Pack("lockSeconds")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackLockSeconds is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xbfa6fddb.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function lockSeconds() view returns(uint64)
func (computeVault *ComputeVault) TryPackLockSeconds() ([]byte, error) {
	return computeVault.abi.Pack("lockSeconds")
}

// UnpackLockSeconds is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xbfa6fddb.
//
// Solidity: function lockSeconds() view returns(uint64)
func (computeVault *ComputeVault) UnpackLockSeconds(data []byte) (uint64, error) {
	out, err := computeVault.abi.Unpack("lockSeconds", data)
	if err != nil {
		return *new(uint64), err
	}
	out0 := *abi.ConvertType(out[0], new(uint64)).(*uint64)
	return out0, nil
}

// PackMarketplace is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xabc8c7af.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function marketplace() view returns(address)
func (computeVault *ComputeVault) PackMarketplace() []byte {
	enc, err := computeVault.abi.Pack("marketplace")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackMarketplace is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xabc8c7af.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function marketplace() view returns(address)
func (computeVault *ComputeVault) TryPackMarketplace() ([]byte, error) {
	return computeVault.abi.Pack("marketplace")
}

// UnpackMarketplace is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xabc8c7af.
//
// Solidity: function marketplace() view returns(address)
func (computeVault *ComputeVault) UnpackMarketplace(data []byte) (common.Address, error) {
	out, err := computeVault.abi.Unpack("marketplace", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// PackMaxDeposit is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x402d267d.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function maxDeposit(address ) view returns(uint256)
func (computeVault *ComputeVault) PackMaxDeposit(arg0 common.Address) []byte {
	enc, err := computeVault.abi.Pack("maxDeposit", arg0)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackMaxDeposit is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x402d267d.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function maxDeposit(address ) view returns(uint256)
func (computeVault *ComputeVault) TryPackMaxDeposit(arg0 common.Address) ([]byte, error) {
	return computeVault.abi.Pack("maxDeposit", arg0)
}

// UnpackMaxDeposit is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x402d267d.
//
// Solidity: function maxDeposit(address ) view returns(uint256)
func (computeVault *ComputeVault) UnpackMaxDeposit(data []byte) (*big.Int, error) {
	out, err := computeVault.abi.Unpack("maxDeposit", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackMaxMint is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xc63d75b6.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function maxMint(address ) view returns(uint256)
func (computeVault *ComputeVault) PackMaxMint(arg0 common.Address) []byte {
	enc, err := computeVault.abi.Pack("maxMint", arg0)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackMaxMint is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xc63d75b6.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function maxMint(address ) view returns(uint256)
func (computeVault *ComputeVault) TryPackMaxMint(arg0 common.Address) ([]byte, error) {
	return computeVault.abi.Pack("maxMint", arg0)
}

// UnpackMaxMint is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xc63d75b6.
//
// Solidity: function maxMint(address ) view returns(uint256)
func (computeVault *ComputeVault) UnpackMaxMint(data []byte) (*big.Int, error) {
	out, err := computeVault.abi.Unpack("maxMint", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackMaxRedeem is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xd905777e.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function maxRedeem(address owner) view returns(uint256)
func (computeVault *ComputeVault) PackMaxRedeem(owner common.Address) []byte {
	enc, err := computeVault.abi.Pack("maxRedeem", owner)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackMaxRedeem is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xd905777e.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function maxRedeem(address owner) view returns(uint256)
func (computeVault *ComputeVault) TryPackMaxRedeem(owner common.Address) ([]byte, error) {
	return computeVault.abi.Pack("maxRedeem", owner)
}

// UnpackMaxRedeem is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xd905777e.
//
// Solidity: function maxRedeem(address owner) view returns(uint256)
func (computeVault *ComputeVault) UnpackMaxRedeem(data []byte) (*big.Int, error) {
	out, err := computeVault.abi.Unpack("maxRedeem", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackMaxWithdraw is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xce96cb77.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function maxWithdraw(address owner) view returns(uint256)
func (computeVault *ComputeVault) PackMaxWithdraw(owner common.Address) []byte {
	enc, err := computeVault.abi.Pack("maxWithdraw", owner)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackMaxWithdraw is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xce96cb77.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function maxWithdraw(address owner) view returns(uint256)
func (computeVault *ComputeVault) TryPackMaxWithdraw(owner common.Address) ([]byte, error) {
	return computeVault.abi.Pack("maxWithdraw", owner)
}

// UnpackMaxWithdraw is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xce96cb77.
//
// Solidity: function maxWithdraw(address owner) view returns(uint256)
func (computeVault *ComputeVault) UnpackMaxWithdraw(data []byte) (*big.Int, error) {
	out, err := computeVault.abi.Unpack("maxWithdraw", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackMint is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x94bf804d.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function mint(uint256 shares, address receiver) returns(uint256)
func (computeVault *ComputeVault) PackMint(shares *big.Int, receiver common.Address) []byte {
	enc, err := computeVault.abi.Pack("mint", shares, receiver)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackMint is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x94bf804d.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function mint(uint256 shares, address receiver) returns(uint256)
func (computeVault *ComputeVault) TryPackMint(shares *big.Int, receiver common.Address) ([]byte, error) {
	return computeVault.abi.Pack("mint", shares, receiver)
}

// UnpackMint is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x94bf804d.
//
// Solidity: function mint(uint256 shares, address receiver) returns(uint256)
func (computeVault *ComputeVault) UnpackMint(data []byte) (*big.Int, error) {
	out, err := computeVault.abi.Unpack("mint", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackName is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x06fdde03.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function name() view returns(string)
func (computeVault *ComputeVault) PackName() []byte {
	enc, err := computeVault.abi.Pack("name")
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
func (computeVault *ComputeVault) TryPackName() ([]byte, error) {
	return computeVault.abi.Pack("name")
}

// UnpackName is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x06fdde03.
//
// Solidity: function name() view returns(string)
func (computeVault *ComputeVault) UnpackName(data []byte) (string, error) {
	out, err := computeVault.abi.Unpack("name", data)
	if err != nil {
		return *new(string), err
	}
	out0 := *abi.ConvertType(out[0], new(string)).(*string)
	return out0, nil
}

// PackPendingYield is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xdbb04873.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function pendingYield() view returns(uint256)
func (computeVault *ComputeVault) PackPendingYield() []byte {
	enc, err := computeVault.abi.Pack("pendingYield")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackPendingYield is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xdbb04873.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function pendingYield() view returns(uint256)
func (computeVault *ComputeVault) TryPackPendingYield() ([]byte, error) {
	return computeVault.abi.Pack("pendingYield")
}

// UnpackPendingYield is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xdbb04873.
//
// Solidity: function pendingYield() view returns(uint256)
func (computeVault *ComputeVault) UnpackPendingYield(data []byte) (*big.Int, error) {
	out, err := computeVault.abi.Unpack("pendingYield", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackPreviewDeposit is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xef8b30f7.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function previewDeposit(uint256 assets) view returns(uint256)
func (computeVault *ComputeVault) PackPreviewDeposit(assets *big.Int) []byte {
	enc, err := computeVault.abi.Pack("previewDeposit", assets)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackPreviewDeposit is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xef8b30f7.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function previewDeposit(uint256 assets) view returns(uint256)
func (computeVault *ComputeVault) TryPackPreviewDeposit(assets *big.Int) ([]byte, error) {
	return computeVault.abi.Pack("previewDeposit", assets)
}

// UnpackPreviewDeposit is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xef8b30f7.
//
// Solidity: function previewDeposit(uint256 assets) view returns(uint256)
func (computeVault *ComputeVault) UnpackPreviewDeposit(data []byte) (*big.Int, error) {
	out, err := computeVault.abi.Unpack("previewDeposit", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackPreviewMint is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xb3d7f6b9.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function previewMint(uint256 shares) view returns(uint256)
func (computeVault *ComputeVault) PackPreviewMint(shares *big.Int) []byte {
	enc, err := computeVault.abi.Pack("previewMint", shares)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackPreviewMint is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xb3d7f6b9.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function previewMint(uint256 shares) view returns(uint256)
func (computeVault *ComputeVault) TryPackPreviewMint(shares *big.Int) ([]byte, error) {
	return computeVault.abi.Pack("previewMint", shares)
}

// UnpackPreviewMint is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xb3d7f6b9.
//
// Solidity: function previewMint(uint256 shares) view returns(uint256)
func (computeVault *ComputeVault) UnpackPreviewMint(data []byte) (*big.Int, error) {
	out, err := computeVault.abi.Unpack("previewMint", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackPreviewRedeem is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x4cdad506.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function previewRedeem(uint256 shares) view returns(uint256)
func (computeVault *ComputeVault) PackPreviewRedeem(shares *big.Int) []byte {
	enc, err := computeVault.abi.Pack("previewRedeem", shares)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackPreviewRedeem is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x4cdad506.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function previewRedeem(uint256 shares) view returns(uint256)
func (computeVault *ComputeVault) TryPackPreviewRedeem(shares *big.Int) ([]byte, error) {
	return computeVault.abi.Pack("previewRedeem", shares)
}

// UnpackPreviewRedeem is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x4cdad506.
//
// Solidity: function previewRedeem(uint256 shares) view returns(uint256)
func (computeVault *ComputeVault) UnpackPreviewRedeem(data []byte) (*big.Int, error) {
	out, err := computeVault.abi.Unpack("previewRedeem", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackPreviewWithdraw is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x0a28a477.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function previewWithdraw(uint256 assets) view returns(uint256)
func (computeVault *ComputeVault) PackPreviewWithdraw(assets *big.Int) []byte {
	enc, err := computeVault.abi.Pack("previewWithdraw", assets)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackPreviewWithdraw is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x0a28a477.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function previewWithdraw(uint256 assets) view returns(uint256)
func (computeVault *ComputeVault) TryPackPreviewWithdraw(assets *big.Int) ([]byte, error) {
	return computeVault.abi.Pack("previewWithdraw", assets)
}

// UnpackPreviewWithdraw is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x0a28a477.
//
// Solidity: function previewWithdraw(uint256 assets) view returns(uint256)
func (computeVault *ComputeVault) UnpackPreviewWithdraw(data []byte) (*big.Int, error) {
	out, err := computeVault.abi.Unpack("previewWithdraw", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackPrincipal is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xba5d3078.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function principal() view returns(uint256)
func (computeVault *ComputeVault) PackPrincipal() []byte {
	enc, err := computeVault.abi.Pack("principal")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackPrincipal is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xba5d3078.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function principal() view returns(uint256)
func (computeVault *ComputeVault) TryPackPrincipal() ([]byte, error) {
	return computeVault.abi.Pack("principal")
}

// UnpackPrincipal is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xba5d3078.
//
// Solidity: function principal() view returns(uint256)
func (computeVault *ComputeVault) UnpackPrincipal(data []byte) (*big.Int, error) {
	out, err := computeVault.abi.Unpack("principal", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackRedeem is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xba087652.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function redeem(uint256 shares, address receiver, address owner) returns(uint256)
func (computeVault *ComputeVault) PackRedeem(shares *big.Int, receiver common.Address, owner common.Address) []byte {
	enc, err := computeVault.abi.Pack("redeem", shares, receiver, owner)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackRedeem is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xba087652.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function redeem(uint256 shares, address receiver, address owner) returns(uint256)
func (computeVault *ComputeVault) TryPackRedeem(shares *big.Int, receiver common.Address, owner common.Address) ([]byte, error) {
	return computeVault.abi.Pack("redeem", shares, receiver, owner)
}

// UnpackRedeem is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xba087652.
//
// Solidity: function redeem(uint256 shares, address receiver, address owner) returns(uint256)
func (computeVault *ComputeVault) UnpackRedeem(data []byte) (*big.Int, error) {
	out, err := computeVault.abi.Unpack("redeem", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackSpendCredits is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x2614d4a4.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function spendCredits(address from, uint256 amount) returns()
func (computeVault *ComputeVault) PackSpendCredits(from common.Address, amount *big.Int) []byte {
	enc, err := computeVault.abi.Pack("spendCredits", from, amount)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSpendCredits is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x2614d4a4.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function spendCredits(address from, uint256 amount) returns()
func (computeVault *ComputeVault) TryPackSpendCredits(from common.Address, amount *big.Int) ([]byte, error) {
	return computeVault.abi.Pack("spendCredits", from, amount)
}

// PackStrategy is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa8c62e76.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function strategy() view returns(address)
func (computeVault *ComputeVault) PackStrategy() []byte {
	enc, err := computeVault.abi.Pack("strategy")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackStrategy is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa8c62e76.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function strategy() view returns(address)
func (computeVault *ComputeVault) TryPackStrategy() ([]byte, error) {
	return computeVault.abi.Pack("strategy")
}

// UnpackStrategy is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xa8c62e76.
//
// Solidity: function strategy() view returns(address)
func (computeVault *ComputeVault) UnpackStrategy(data []byte) (common.Address, error) {
	out, err := computeVault.abi.Unpack("strategy", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// PackSymbol is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x95d89b41.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function symbol() view returns(string)
func (computeVault *ComputeVault) PackSymbol() []byte {
	enc, err := computeVault.abi.Pack("symbol")
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
func (computeVault *ComputeVault) TryPackSymbol() ([]byte, error) {
	return computeVault.abi.Pack("symbol")
}

// UnpackSymbol is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x95d89b41.
//
// Solidity: function symbol() view returns(string)
func (computeVault *ComputeVault) UnpackSymbol(data []byte) (string, error) {
	out, err := computeVault.abi.Unpack("symbol", data)
	if err != nil {
		return *new(string), err
	}
	out0 := *abi.ConvertType(out[0], new(string)).(*string)
	return out0, nil
}

// PackTotalAssets is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x01e1d114.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function totalAssets() view returns(uint256)
func (computeVault *ComputeVault) PackTotalAssets() []byte {
	enc, err := computeVault.abi.Pack("totalAssets")
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
func (computeVault *ComputeVault) TryPackTotalAssets() ([]byte, error) {
	return computeVault.abi.Pack("totalAssets")
}

// UnpackTotalAssets is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x01e1d114.
//
// Solidity: function totalAssets() view returns(uint256)
func (computeVault *ComputeVault) UnpackTotalAssets(data []byte) (*big.Int, error) {
	out, err := computeVault.abi.Unpack("totalAssets", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackTotalCredits is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xb5bd3eb9.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function totalCredits() view returns(uint256)
func (computeVault *ComputeVault) PackTotalCredits() []byte {
	enc, err := computeVault.abi.Pack("totalCredits")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackTotalCredits is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xb5bd3eb9.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function totalCredits() view returns(uint256)
func (computeVault *ComputeVault) TryPackTotalCredits() ([]byte, error) {
	return computeVault.abi.Pack("totalCredits")
}

// UnpackTotalCredits is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xb5bd3eb9.
//
// Solidity: function totalCredits() view returns(uint256)
func (computeVault *ComputeVault) UnpackTotalCredits(data []byte) (*big.Int, error) {
	out, err := computeVault.abi.Unpack("totalCredits", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackTotalHarvested is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x23dc1142.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function totalHarvested() view returns(uint256)
func (computeVault *ComputeVault) PackTotalHarvested() []byte {
	enc, err := computeVault.abi.Pack("totalHarvested")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackTotalHarvested is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x23dc1142.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function totalHarvested() view returns(uint256)
func (computeVault *ComputeVault) TryPackTotalHarvested() ([]byte, error) {
	return computeVault.abi.Pack("totalHarvested")
}

// UnpackTotalHarvested is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x23dc1142.
//
// Solidity: function totalHarvested() view returns(uint256)
func (computeVault *ComputeVault) UnpackTotalHarvested(data []byte) (*big.Int, error) {
	out, err := computeVault.abi.Unpack("totalHarvested", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackTotalSpent is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xfb346eab.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function totalSpent() view returns(uint256)
func (computeVault *ComputeVault) PackTotalSpent() []byte {
	enc, err := computeVault.abi.Pack("totalSpent")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackTotalSpent is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xfb346eab.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function totalSpent() view returns(uint256)
func (computeVault *ComputeVault) TryPackTotalSpent() ([]byte, error) {
	return computeVault.abi.Pack("totalSpent")
}

// UnpackTotalSpent is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xfb346eab.
//
// Solidity: function totalSpent() view returns(uint256)
func (computeVault *ComputeVault) UnpackTotalSpent(data []byte) (*big.Int, error) {
	out, err := computeVault.abi.Unpack("totalSpent", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackTotalSupply is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x18160ddd.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function totalSupply() view returns(uint256)
func (computeVault *ComputeVault) PackTotalSupply() []byte {
	enc, err := computeVault.abi.Pack("totalSupply")
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
func (computeVault *ComputeVault) TryPackTotalSupply() ([]byte, error) {
	return computeVault.abi.Pack("totalSupply")
}

// UnpackTotalSupply is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x18160ddd.
//
// Solidity: function totalSupply() view returns(uint256)
func (computeVault *ComputeVault) UnpackTotalSupply(data []byte) (*big.Int, error) {
	out, err := computeVault.abi.Unpack("totalSupply", data)
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
func (computeVault *ComputeVault) PackTransfer(to common.Address, value *big.Int) []byte {
	enc, err := computeVault.abi.Pack("transfer", to, value)
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
func (computeVault *ComputeVault) TryPackTransfer(to common.Address, value *big.Int) ([]byte, error) {
	return computeVault.abi.Pack("transfer", to, value)
}

// UnpackTransfer is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xa9059cbb.
//
// Solidity: function transfer(address to, uint256 value) returns(bool)
func (computeVault *ComputeVault) UnpackTransfer(data []byte) (bool, error) {
	out, err := computeVault.abi.Unpack("transfer", data)
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
func (computeVault *ComputeVault) PackTransferFrom(from common.Address, to common.Address, value *big.Int) []byte {
	enc, err := computeVault.abi.Pack("transferFrom", from, to, value)
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
func (computeVault *ComputeVault) TryPackTransferFrom(from common.Address, to common.Address, value *big.Int) ([]byte, error) {
	return computeVault.abi.Pack("transferFrom", from, to, value)
}

// UnpackTransferFrom is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x23b872dd.
//
// Solidity: function transferFrom(address from, address to, uint256 value) returns(bool)
func (computeVault *ComputeVault) UnpackTransferFrom(data []byte) (bool, error) {
	out, err := computeVault.abi.Unpack("transferFrom", data)
	if err != nil {
		return *new(bool), err
	}
	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)
	return out0, nil
}

// PackUnlockAt is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x89b7e586.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function unlockAt(address account) view returns(uint256)
func (computeVault *ComputeVault) PackUnlockAt(account common.Address) []byte {
	enc, err := computeVault.abi.Pack("unlockAt", account)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackUnlockAt is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x89b7e586.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function unlockAt(address account) view returns(uint256)
func (computeVault *ComputeVault) TryPackUnlockAt(account common.Address) ([]byte, error) {
	return computeVault.abi.Pack("unlockAt", account)
}

// UnpackUnlockAt is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x89b7e586.
//
// Solidity: function unlockAt(address account) view returns(uint256)
func (computeVault *ComputeVault) UnpackUnlockAt(data []byte) (*big.Int, error) {
	out, err := computeVault.abi.Unpack("unlockAt", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackWithdraw is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xb460af94.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function withdraw(uint256 assets, address receiver, address owner) returns(uint256)
func (computeVault *ComputeVault) PackWithdraw(assets *big.Int, receiver common.Address, owner common.Address) []byte {
	enc, err := computeVault.abi.Pack("withdraw", assets, receiver, owner)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackWithdraw is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xb460af94.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function withdraw(uint256 assets, address receiver, address owner) returns(uint256)
func (computeVault *ComputeVault) TryPackWithdraw(assets *big.Int, receiver common.Address, owner common.Address) ([]byte, error) {
	return computeVault.abi.Pack("withdraw", assets, receiver, owner)
}

// UnpackWithdraw is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xb460af94.
//
// Solidity: function withdraw(uint256 assets, address receiver, address owner) returns(uint256)
func (computeVault *ComputeVault) UnpackWithdraw(data []byte) (*big.Int, error) {
	out, err := computeVault.abi.Unpack("withdraw", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// ComputeVaultApproval represents a Approval event raised by the ComputeVault contract.
type ComputeVaultApproval struct {
	Owner   common.Address
	Spender common.Address
	Value   *big.Int
	Raw     *types.Log // Blockchain specific contextual infos
}

const ComputeVaultApprovalEventName = "Approval"

// ContractEventName returns the user-defined event name.
func (ComputeVaultApproval) ContractEventName() string {
	return ComputeVaultApprovalEventName
}

// UnpackApprovalEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Approval(address indexed owner, address indexed spender, uint256 value)
func (computeVault *ComputeVault) UnpackApprovalEvent(log *types.Log) (*ComputeVaultApproval, error) {
	event := "Approval"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != computeVault.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(ComputeVaultApproval)
	if len(log.Data) > 0 {
		if err := computeVault.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range computeVault.abi.Events[event].Inputs {
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

// ComputeVaultCreditsSpent represents a CreditsSpent event raised by the ComputeVault contract.
type ComputeVaultCreditsSpent struct {
	Account common.Address
	Amount  *big.Int
	Raw     *types.Log // Blockchain specific contextual infos
}

const ComputeVaultCreditsSpentEventName = "CreditsSpent"

// ContractEventName returns the user-defined event name.
func (ComputeVaultCreditsSpent) ContractEventName() string {
	return ComputeVaultCreditsSpentEventName
}

// UnpackCreditsSpentEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event CreditsSpent(address indexed account, uint256 amount)
func (computeVault *ComputeVault) UnpackCreditsSpentEvent(log *types.Log) (*ComputeVaultCreditsSpent, error) {
	event := "CreditsSpent"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != computeVault.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(ComputeVaultCreditsSpent)
	if len(log.Data) > 0 {
		if err := computeVault.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range computeVault.abi.Events[event].Inputs {
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

// ComputeVaultDeposit represents a Deposit event raised by the ComputeVault contract.
type ComputeVaultDeposit struct {
	Sender common.Address
	Owner  common.Address
	Assets *big.Int
	Shares *big.Int
	Raw    *types.Log // Blockchain specific contextual infos
}

const ComputeVaultDepositEventName = "Deposit"

// ContractEventName returns the user-defined event name.
func (ComputeVaultDeposit) ContractEventName() string {
	return ComputeVaultDepositEventName
}

// UnpackDepositEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Deposit(address indexed sender, address indexed owner, uint256 assets, uint256 shares)
func (computeVault *ComputeVault) UnpackDepositEvent(log *types.Log) (*ComputeVaultDeposit, error) {
	event := "Deposit"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != computeVault.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(ComputeVaultDeposit)
	if len(log.Data) > 0 {
		if err := computeVault.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range computeVault.abi.Events[event].Inputs {
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

// ComputeVaultHarvested represents a Harvested event raised by the ComputeVault contract.
type ComputeVaultHarvested struct {
	Caller         common.Address
	Yield          *big.Int
	TotalHarvested *big.Int
	Raw            *types.Log // Blockchain specific contextual infos
}

const ComputeVaultHarvestedEventName = "Harvested"

// ContractEventName returns the user-defined event name.
func (ComputeVaultHarvested) ContractEventName() string {
	return ComputeVaultHarvestedEventName
}

// UnpackHarvestedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Harvested(address indexed caller, uint256 yield, uint256 totalHarvested)
func (computeVault *ComputeVault) UnpackHarvestedEvent(log *types.Log) (*ComputeVaultHarvested, error) {
	event := "Harvested"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != computeVault.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(ComputeVaultHarvested)
	if len(log.Data) > 0 {
		if err := computeVault.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range computeVault.abi.Events[event].Inputs {
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

// ComputeVaultTransfer represents a Transfer event raised by the ComputeVault contract.
type ComputeVaultTransfer struct {
	From  common.Address
	To    common.Address
	Value *big.Int
	Raw   *types.Log // Blockchain specific contextual infos
}

const ComputeVaultTransferEventName = "Transfer"

// ContractEventName returns the user-defined event name.
func (ComputeVaultTransfer) ContractEventName() string {
	return ComputeVaultTransferEventName
}

// UnpackTransferEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Transfer(address indexed from, address indexed to, uint256 value)
func (computeVault *ComputeVault) UnpackTransferEvent(log *types.Log) (*ComputeVaultTransfer, error) {
	event := "Transfer"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != computeVault.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(ComputeVaultTransfer)
	if len(log.Data) > 0 {
		if err := computeVault.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range computeVault.abi.Events[event].Inputs {
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

// ComputeVaultWithdraw represents a Withdraw event raised by the ComputeVault contract.
type ComputeVaultWithdraw struct {
	Sender   common.Address
	Receiver common.Address
	Owner    common.Address
	Assets   *big.Int
	Shares   *big.Int
	Raw      *types.Log // Blockchain specific contextual infos
}

const ComputeVaultWithdrawEventName = "Withdraw"

// ContractEventName returns the user-defined event name.
func (ComputeVaultWithdraw) ContractEventName() string {
	return ComputeVaultWithdrawEventName
}

// UnpackWithdrawEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Withdraw(address indexed sender, address indexed receiver, address indexed owner, uint256 assets, uint256 shares)
func (computeVault *ComputeVault) UnpackWithdrawEvent(log *types.Log) (*ComputeVaultWithdraw, error) {
	event := "Withdraw"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != computeVault.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(ComputeVaultWithdraw)
	if len(log.Data) > 0 {
		if err := computeVault.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range computeVault.abi.Events[event].Inputs {
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
func (computeVault *ComputeVault) UnpackError(raw []byte) (any, error) {
	if bytes.Equal(raw[:4], computeVault.abi.Errors["AssetMismatch"].ID.Bytes()[:4]) {
		return computeVault.UnpackAssetMismatchError(raw[4:])
	}
	if bytes.Equal(raw[:4], computeVault.abi.Errors["DepositForOther"].ID.Bytes()[:4]) {
		return computeVault.UnpackDepositForOtherError(raw[4:])
	}
	if bytes.Equal(raw[:4], computeVault.abi.Errors["ERC20InsufficientAllowance"].ID.Bytes()[:4]) {
		return computeVault.UnpackERC20InsufficientAllowanceError(raw[4:])
	}
	if bytes.Equal(raw[:4], computeVault.abi.Errors["ERC20InsufficientBalance"].ID.Bytes()[:4]) {
		return computeVault.UnpackERC20InsufficientBalanceError(raw[4:])
	}
	if bytes.Equal(raw[:4], computeVault.abi.Errors["ERC20InvalidApprover"].ID.Bytes()[:4]) {
		return computeVault.UnpackERC20InvalidApproverError(raw[4:])
	}
	if bytes.Equal(raw[:4], computeVault.abi.Errors["ERC20InvalidReceiver"].ID.Bytes()[:4]) {
		return computeVault.UnpackERC20InvalidReceiverError(raw[4:])
	}
	if bytes.Equal(raw[:4], computeVault.abi.Errors["ERC20InvalidSender"].ID.Bytes()[:4]) {
		return computeVault.UnpackERC20InvalidSenderError(raw[4:])
	}
	if bytes.Equal(raw[:4], computeVault.abi.Errors["ERC20InvalidSpender"].ID.Bytes()[:4]) {
		return computeVault.UnpackERC20InvalidSpenderError(raw[4:])
	}
	if bytes.Equal(raw[:4], computeVault.abi.Errors["ERC4626ExceededMaxDeposit"].ID.Bytes()[:4]) {
		return computeVault.UnpackERC4626ExceededMaxDepositError(raw[4:])
	}
	if bytes.Equal(raw[:4], computeVault.abi.Errors["ERC4626ExceededMaxMint"].ID.Bytes()[:4]) {
		return computeVault.UnpackERC4626ExceededMaxMintError(raw[4:])
	}
	if bytes.Equal(raw[:4], computeVault.abi.Errors["ERC4626ExceededMaxRedeem"].ID.Bytes()[:4]) {
		return computeVault.UnpackERC4626ExceededMaxRedeemError(raw[4:])
	}
	if bytes.Equal(raw[:4], computeVault.abi.Errors["ERC4626ExceededMaxWithdraw"].ID.Bytes()[:4]) {
		return computeVault.UnpackERC4626ExceededMaxWithdrawError(raw[4:])
	}
	if bytes.Equal(raw[:4], computeVault.abi.Errors["InsufficientCredits"].ID.Bytes()[:4]) {
		return computeVault.UnpackInsufficientCreditsError(raw[4:])
	}
	if bytes.Equal(raw[:4], computeVault.abi.Errors["InvalidCreditHolder"].ID.Bytes()[:4]) {
		return computeVault.UnpackInvalidCreditHolderError(raw[4:])
	}
	if bytes.Equal(raw[:4], computeVault.abi.Errors["LockTooLong"].ID.Bytes()[:4]) {
		return computeVault.UnpackLockTooLongError(raw[4:])
	}
	if bytes.Equal(raw[:4], computeVault.abi.Errors["NotMarketplace"].ID.Bytes()[:4]) {
		return computeVault.UnpackNotMarketplaceError(raw[4:])
	}
	if bytes.Equal(raw[:4], computeVault.abi.Errors["NothingToHarvest"].ID.Bytes()[:4]) {
		return computeVault.UnpackNothingToHarvestError(raw[4:])
	}
	if bytes.Equal(raw[:4], computeVault.abi.Errors["SafeCastOverflowedUintDowncast"].ID.Bytes()[:4]) {
		return computeVault.UnpackSafeCastOverflowedUintDowncastError(raw[4:])
	}
	if bytes.Equal(raw[:4], computeVault.abi.Errors["SafeERC20FailedOperation"].ID.Bytes()[:4]) {
		return computeVault.UnpackSafeERC20FailedOperationError(raw[4:])
	}
	if bytes.Equal(raw[:4], computeVault.abi.Errors["SharesLocked"].ID.Bytes()[:4]) {
		return computeVault.UnpackSharesLockedError(raw[4:])
	}
	if bytes.Equal(raw[:4], computeVault.abi.Errors["StrategyMismatch"].ID.Bytes()[:4]) {
		return computeVault.UnpackStrategyMismatchError(raw[4:])
	}
	if bytes.Equal(raw[:4], computeVault.abi.Errors["ZeroAddress"].ID.Bytes()[:4]) {
		return computeVault.UnpackZeroAddressError(raw[4:])
	}
	if bytes.Equal(raw[:4], computeVault.abi.Errors["ZeroAmount"].ID.Bytes()[:4]) {
		return computeVault.UnpackZeroAmountError(raw[4:])
	}
	return nil, errors.New("Unknown error")
}

// ComputeVaultAssetMismatch represents a AssetMismatch error raised by the ComputeVault contract.
type ComputeVaultAssetMismatch struct {
	Asset             common.Address
	MarketplaceStable common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error AssetMismatch(address asset, address marketplaceStable)
func ComputeVaultAssetMismatchErrorID() common.Hash {
	return common.HexToHash("0x4e83a9b9b56317c86a1fe49825fbcaae2f7d2e01e50a25ee7fc1a426953fda50")
}

// UnpackAssetMismatchError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error AssetMismatch(address asset, address marketplaceStable)
func (computeVault *ComputeVault) UnpackAssetMismatchError(raw []byte) (*ComputeVaultAssetMismatch, error) {
	out := new(ComputeVaultAssetMismatch)
	if err := computeVault.abi.UnpackIntoInterface(out, "AssetMismatch", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// ComputeVaultDepositForOther represents a DepositForOther error raised by the ComputeVault contract.
type ComputeVaultDepositForOther struct {
	Caller   common.Address
	Receiver common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error DepositForOther(address caller, address receiver)
func ComputeVaultDepositForOtherErrorID() common.Hash {
	return common.HexToHash("0xc1543688a9851f4e570d89a6f1c0bc3e657f82b6a0302025ae1bb5f62b22c6f9")
}

// UnpackDepositForOtherError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error DepositForOther(address caller, address receiver)
func (computeVault *ComputeVault) UnpackDepositForOtherError(raw []byte) (*ComputeVaultDepositForOther, error) {
	out := new(ComputeVaultDepositForOther)
	if err := computeVault.abi.UnpackIntoInterface(out, "DepositForOther", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// ComputeVaultERC20InsufficientAllowance represents a ERC20InsufficientAllowance error raised by the ComputeVault contract.
type ComputeVaultERC20InsufficientAllowance struct {
	Spender   common.Address
	Allowance *big.Int
	Needed    *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ERC20InsufficientAllowance(address spender, uint256 allowance, uint256 needed)
func ComputeVaultERC20InsufficientAllowanceErrorID() common.Hash {
	return common.HexToHash("0xfb8f41b23e99d2101d86da76cdfa87dd51c82ed07d3cb62cbc473e469dbc75c3")
}

// UnpackERC20InsufficientAllowanceError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ERC20InsufficientAllowance(address spender, uint256 allowance, uint256 needed)
func (computeVault *ComputeVault) UnpackERC20InsufficientAllowanceError(raw []byte) (*ComputeVaultERC20InsufficientAllowance, error) {
	out := new(ComputeVaultERC20InsufficientAllowance)
	if err := computeVault.abi.UnpackIntoInterface(out, "ERC20InsufficientAllowance", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// ComputeVaultERC20InsufficientBalance represents a ERC20InsufficientBalance error raised by the ComputeVault contract.
type ComputeVaultERC20InsufficientBalance struct {
	Sender  common.Address
	Balance *big.Int
	Needed  *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ERC20InsufficientBalance(address sender, uint256 balance, uint256 needed)
func ComputeVaultERC20InsufficientBalanceErrorID() common.Hash {
	return common.HexToHash("0xe450d38cd8d9f7d95077d567d60ed49c7254716e6ad08fc9872816c97e0ffec6")
}

// UnpackERC20InsufficientBalanceError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ERC20InsufficientBalance(address sender, uint256 balance, uint256 needed)
func (computeVault *ComputeVault) UnpackERC20InsufficientBalanceError(raw []byte) (*ComputeVaultERC20InsufficientBalance, error) {
	out := new(ComputeVaultERC20InsufficientBalance)
	if err := computeVault.abi.UnpackIntoInterface(out, "ERC20InsufficientBalance", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// ComputeVaultERC20InvalidApprover represents a ERC20InvalidApprover error raised by the ComputeVault contract.
type ComputeVaultERC20InvalidApprover struct {
	Approver common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ERC20InvalidApprover(address approver)
func ComputeVaultERC20InvalidApproverErrorID() common.Hash {
	return common.HexToHash("0xe602df05cc75712490294c6c104ab7c17f4030363910a7a2626411c6d3118847")
}

// UnpackERC20InvalidApproverError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ERC20InvalidApprover(address approver)
func (computeVault *ComputeVault) UnpackERC20InvalidApproverError(raw []byte) (*ComputeVaultERC20InvalidApprover, error) {
	out := new(ComputeVaultERC20InvalidApprover)
	if err := computeVault.abi.UnpackIntoInterface(out, "ERC20InvalidApprover", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// ComputeVaultERC20InvalidReceiver represents a ERC20InvalidReceiver error raised by the ComputeVault contract.
type ComputeVaultERC20InvalidReceiver struct {
	Receiver common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ERC20InvalidReceiver(address receiver)
func ComputeVaultERC20InvalidReceiverErrorID() common.Hash {
	return common.HexToHash("0xec442f055133b72f3b2f9f0bb351c406b178527de2040a7d1feb4e058771f613")
}

// UnpackERC20InvalidReceiverError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ERC20InvalidReceiver(address receiver)
func (computeVault *ComputeVault) UnpackERC20InvalidReceiverError(raw []byte) (*ComputeVaultERC20InvalidReceiver, error) {
	out := new(ComputeVaultERC20InvalidReceiver)
	if err := computeVault.abi.UnpackIntoInterface(out, "ERC20InvalidReceiver", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// ComputeVaultERC20InvalidSender represents a ERC20InvalidSender error raised by the ComputeVault contract.
type ComputeVaultERC20InvalidSender struct {
	Sender common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ERC20InvalidSender(address sender)
func ComputeVaultERC20InvalidSenderErrorID() common.Hash {
	return common.HexToHash("0x96c6fd1edd0cd6ef7ff0ecc0facdf53148dc0048b57fe58af65755250a7a96bd")
}

// UnpackERC20InvalidSenderError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ERC20InvalidSender(address sender)
func (computeVault *ComputeVault) UnpackERC20InvalidSenderError(raw []byte) (*ComputeVaultERC20InvalidSender, error) {
	out := new(ComputeVaultERC20InvalidSender)
	if err := computeVault.abi.UnpackIntoInterface(out, "ERC20InvalidSender", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// ComputeVaultERC20InvalidSpender represents a ERC20InvalidSpender error raised by the ComputeVault contract.
type ComputeVaultERC20InvalidSpender struct {
	Spender common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ERC20InvalidSpender(address spender)
func ComputeVaultERC20InvalidSpenderErrorID() common.Hash {
	return common.HexToHash("0x94280d62c347d8d9f4d59a76ea321452406db88df38e0c9da304f58b57b373a2")
}

// UnpackERC20InvalidSpenderError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ERC20InvalidSpender(address spender)
func (computeVault *ComputeVault) UnpackERC20InvalidSpenderError(raw []byte) (*ComputeVaultERC20InvalidSpender, error) {
	out := new(ComputeVaultERC20InvalidSpender)
	if err := computeVault.abi.UnpackIntoInterface(out, "ERC20InvalidSpender", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// ComputeVaultERC4626ExceededMaxDeposit represents a ERC4626ExceededMaxDeposit error raised by the ComputeVault contract.
type ComputeVaultERC4626ExceededMaxDeposit struct {
	Receiver common.Address
	Assets   *big.Int
	Max      *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ERC4626ExceededMaxDeposit(address receiver, uint256 assets, uint256 max)
func ComputeVaultERC4626ExceededMaxDepositErrorID() common.Hash {
	return common.HexToHash("0x79012fb2819fcdc1de669c08773dbcd6bdc757862642f75fb1c584dadf259dfe")
}

// UnpackERC4626ExceededMaxDepositError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ERC4626ExceededMaxDeposit(address receiver, uint256 assets, uint256 max)
func (computeVault *ComputeVault) UnpackERC4626ExceededMaxDepositError(raw []byte) (*ComputeVaultERC4626ExceededMaxDeposit, error) {
	out := new(ComputeVaultERC4626ExceededMaxDeposit)
	if err := computeVault.abi.UnpackIntoInterface(out, "ERC4626ExceededMaxDeposit", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// ComputeVaultERC4626ExceededMaxMint represents a ERC4626ExceededMaxMint error raised by the ComputeVault contract.
type ComputeVaultERC4626ExceededMaxMint struct {
	Receiver common.Address
	Shares   *big.Int
	Max      *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ERC4626ExceededMaxMint(address receiver, uint256 shares, uint256 max)
func ComputeVaultERC4626ExceededMaxMintErrorID() common.Hash {
	return common.HexToHash("0x284ff667dc615a39438518c22e8955b9470327d9de8a4d7e21c926b260d65176")
}

// UnpackERC4626ExceededMaxMintError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ERC4626ExceededMaxMint(address receiver, uint256 shares, uint256 max)
func (computeVault *ComputeVault) UnpackERC4626ExceededMaxMintError(raw []byte) (*ComputeVaultERC4626ExceededMaxMint, error) {
	out := new(ComputeVaultERC4626ExceededMaxMint)
	if err := computeVault.abi.UnpackIntoInterface(out, "ERC4626ExceededMaxMint", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// ComputeVaultERC4626ExceededMaxRedeem represents a ERC4626ExceededMaxRedeem error raised by the ComputeVault contract.
type ComputeVaultERC4626ExceededMaxRedeem struct {
	Owner  common.Address
	Shares *big.Int
	Max    *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ERC4626ExceededMaxRedeem(address owner, uint256 shares, uint256 max)
func ComputeVaultERC4626ExceededMaxRedeemErrorID() common.Hash {
	return common.HexToHash("0xb94abeec0557d36b5f0bc8f115deec7b184dcbff94ac66d55e37c8f301e75269")
}

// UnpackERC4626ExceededMaxRedeemError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ERC4626ExceededMaxRedeem(address owner, uint256 shares, uint256 max)
func (computeVault *ComputeVault) UnpackERC4626ExceededMaxRedeemError(raw []byte) (*ComputeVaultERC4626ExceededMaxRedeem, error) {
	out := new(ComputeVaultERC4626ExceededMaxRedeem)
	if err := computeVault.abi.UnpackIntoInterface(out, "ERC4626ExceededMaxRedeem", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// ComputeVaultERC4626ExceededMaxWithdraw represents a ERC4626ExceededMaxWithdraw error raised by the ComputeVault contract.
type ComputeVaultERC4626ExceededMaxWithdraw struct {
	Owner  common.Address
	Assets *big.Int
	Max    *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ERC4626ExceededMaxWithdraw(address owner, uint256 assets, uint256 max)
func ComputeVaultERC4626ExceededMaxWithdrawErrorID() common.Hash {
	return common.HexToHash("0xfe9cceec2bd1f9b68641914cc354eacaeb1cc2169f5ba0639930f241e87142f0")
}

// UnpackERC4626ExceededMaxWithdrawError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ERC4626ExceededMaxWithdraw(address owner, uint256 assets, uint256 max)
func (computeVault *ComputeVault) UnpackERC4626ExceededMaxWithdrawError(raw []byte) (*ComputeVaultERC4626ExceededMaxWithdraw, error) {
	out := new(ComputeVaultERC4626ExceededMaxWithdraw)
	if err := computeVault.abi.UnpackIntoInterface(out, "ERC4626ExceededMaxWithdraw", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// ComputeVaultInsufficientCredits represents a InsufficientCredits error raised by the ComputeVault contract.
type ComputeVaultInsufficientCredits struct {
	Account common.Address
	Credits *big.Int
	Amount  *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error InsufficientCredits(address account, uint256 credits, uint256 amount)
func ComputeVaultInsufficientCreditsErrorID() common.Hash {
	return common.HexToHash("0x166938dfdda09db39a11db131a9746bb04790fce6264fda1f823a6cc7450d456")
}

// UnpackInsufficientCreditsError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error InsufficientCredits(address account, uint256 credits, uint256 amount)
func (computeVault *ComputeVault) UnpackInsufficientCreditsError(raw []byte) (*ComputeVaultInsufficientCredits, error) {
	out := new(ComputeVaultInsufficientCredits)
	if err := computeVault.abi.UnpackIntoInterface(out, "InsufficientCredits", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// ComputeVaultInvalidCreditHolder represents a InvalidCreditHolder error raised by the ComputeVault contract.
type ComputeVaultInvalidCreditHolder struct {
	Mode         uint8
	CreditHolder common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error InvalidCreditHolder(uint8 mode, address creditHolder)
func ComputeVaultInvalidCreditHolderErrorID() common.Hash {
	return common.HexToHash("0xd74fcc48cd0c3fb1d1824a0d8463c986698f3283b64ac13a03dab991a79adc0b")
}

// UnpackInvalidCreditHolderError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error InvalidCreditHolder(uint8 mode, address creditHolder)
func (computeVault *ComputeVault) UnpackInvalidCreditHolderError(raw []byte) (*ComputeVaultInvalidCreditHolder, error) {
	out := new(ComputeVaultInvalidCreditHolder)
	if err := computeVault.abi.UnpackIntoInterface(out, "InvalidCreditHolder", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// ComputeVaultLockTooLong represents a LockTooLong error raised by the ComputeVault contract.
type ComputeVaultLockTooLong struct {
	LockSeconds *big.Int
	Max         *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error LockTooLong(uint256 lockSeconds, uint256 max)
func ComputeVaultLockTooLongErrorID() common.Hash {
	return common.HexToHash("0xcdd02da5ec0d9869a88291a9362ffea0844af3c0793adbf4181c42905e68a28d")
}

// UnpackLockTooLongError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error LockTooLong(uint256 lockSeconds, uint256 max)
func (computeVault *ComputeVault) UnpackLockTooLongError(raw []byte) (*ComputeVaultLockTooLong, error) {
	out := new(ComputeVaultLockTooLong)
	if err := computeVault.abi.UnpackIntoInterface(out, "LockTooLong", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// ComputeVaultNotMarketplace represents a NotMarketplace error raised by the ComputeVault contract.
type ComputeVaultNotMarketplace struct {
	Caller common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NotMarketplace(address caller)
func ComputeVaultNotMarketplaceErrorID() common.Hash {
	return common.HexToHash("0xed2cb5a8b76f27b53a534e30236a7239245c5a2d1951b6843e3e39b1dba4e660")
}

// UnpackNotMarketplaceError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NotMarketplace(address caller)
func (computeVault *ComputeVault) UnpackNotMarketplaceError(raw []byte) (*ComputeVaultNotMarketplace, error) {
	out := new(ComputeVaultNotMarketplace)
	if err := computeVault.abi.UnpackIntoInterface(out, "NotMarketplace", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// ComputeVaultNothingToHarvest represents a NothingToHarvest error raised by the ComputeVault contract.
type ComputeVaultNothingToHarvest struct {
	Yield  *big.Int
	Shares *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NothingToHarvest(uint256 yield, uint256 shares)
func ComputeVaultNothingToHarvestErrorID() common.Hash {
	return common.HexToHash("0xa9b5ff24c55e7db302375dae0379f556f4e2819dedc5f60fb29457d24f735120")
}

// UnpackNothingToHarvestError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NothingToHarvest(uint256 yield, uint256 shares)
func (computeVault *ComputeVault) UnpackNothingToHarvestError(raw []byte) (*ComputeVaultNothingToHarvest, error) {
	out := new(ComputeVaultNothingToHarvest)
	if err := computeVault.abi.UnpackIntoInterface(out, "NothingToHarvest", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// ComputeVaultSafeCastOverflowedUintDowncast represents a SafeCastOverflowedUintDowncast error raised by the ComputeVault contract.
type ComputeVaultSafeCastOverflowedUintDowncast struct {
	Bits  uint8
	Value *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error SafeCastOverflowedUintDowncast(uint8 bits, uint256 value)
func ComputeVaultSafeCastOverflowedUintDowncastErrorID() common.Hash {
	return common.HexToHash("0x6dfcc6503a32754ce7a89698e18201fc5294fd4aad43edefee786f88423b1a12")
}

// UnpackSafeCastOverflowedUintDowncastError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error SafeCastOverflowedUintDowncast(uint8 bits, uint256 value)
func (computeVault *ComputeVault) UnpackSafeCastOverflowedUintDowncastError(raw []byte) (*ComputeVaultSafeCastOverflowedUintDowncast, error) {
	out := new(ComputeVaultSafeCastOverflowedUintDowncast)
	if err := computeVault.abi.UnpackIntoInterface(out, "SafeCastOverflowedUintDowncast", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// ComputeVaultSafeERC20FailedOperation represents a SafeERC20FailedOperation error raised by the ComputeVault contract.
type ComputeVaultSafeERC20FailedOperation struct {
	Token common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error SafeERC20FailedOperation(address token)
func ComputeVaultSafeERC20FailedOperationErrorID() common.Hash {
	return common.HexToHash("0x5274afe73c98b4749fc91ffae6b7b574e7842cb2144a159e9377a5f20b32edf9")
}

// UnpackSafeERC20FailedOperationError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error SafeERC20FailedOperation(address token)
func (computeVault *ComputeVault) UnpackSafeERC20FailedOperationError(raw []byte) (*ComputeVaultSafeERC20FailedOperation, error) {
	out := new(ComputeVaultSafeERC20FailedOperation)
	if err := computeVault.abi.UnpackIntoInterface(out, "SafeERC20FailedOperation", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// ComputeVaultSharesLocked represents a SharesLocked error raised by the ComputeVault contract.
type ComputeVaultSharesLocked struct {
	Account  common.Address
	UnlockAt *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error SharesLocked(address account, uint256 unlockAt)
func ComputeVaultSharesLockedErrorID() common.Hash {
	return common.HexToHash("0x6f8a4afbbff4ad283b8702d079c8cd1805ced9423340c45b2e0109abf0f83702")
}

// UnpackSharesLockedError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error SharesLocked(address account, uint256 unlockAt)
func (computeVault *ComputeVault) UnpackSharesLockedError(raw []byte) (*ComputeVaultSharesLocked, error) {
	out := new(ComputeVaultSharesLocked)
	if err := computeVault.abi.UnpackIntoInterface(out, "SharesLocked", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// ComputeVaultStrategyMismatch represents a StrategyMismatch error raised by the ComputeVault contract.
type ComputeVaultStrategyMismatch struct {
	Strategy      common.Address
	StrategyAsset common.Address
	StrategyVault common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error StrategyMismatch(address strategy, address strategyAsset, address strategyVault)
func ComputeVaultStrategyMismatchErrorID() common.Hash {
	return common.HexToHash("0xd3000237e76eb05333b0afaee166e09c661e734ca60cb3166fdcac6bc50f57f1")
}

// UnpackStrategyMismatchError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error StrategyMismatch(address strategy, address strategyAsset, address strategyVault)
func (computeVault *ComputeVault) UnpackStrategyMismatchError(raw []byte) (*ComputeVaultStrategyMismatch, error) {
	out := new(ComputeVaultStrategyMismatch)
	if err := computeVault.abi.UnpackIntoInterface(out, "StrategyMismatch", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// ComputeVaultZeroAddress represents a ZeroAddress error raised by the ComputeVault contract.
type ComputeVaultZeroAddress struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ZeroAddress()
func ComputeVaultZeroAddressErrorID() common.Hash {
	return common.HexToHash("0xd92e233df2717d4a40030e20904abd27b68fcbeede117eaaccbbdac9618c8c73")
}

// UnpackZeroAddressError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ZeroAddress()
func (computeVault *ComputeVault) UnpackZeroAddressError(raw []byte) (*ComputeVaultZeroAddress, error) {
	out := new(ComputeVaultZeroAddress)
	if err := computeVault.abi.UnpackIntoInterface(out, "ZeroAddress", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// ComputeVaultZeroAmount represents a ZeroAmount error raised by the ComputeVault contract.
type ComputeVaultZeroAmount struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ZeroAmount()
func ComputeVaultZeroAmountErrorID() common.Hash {
	return common.HexToHash("0x1f2a2005cb66a8e145327e8814e243a0996aec9bfe1e15a495778b1236dbd485")
}

// UnpackZeroAmountError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ZeroAmount()
func (computeVault *ComputeVault) UnpackZeroAmountError(raw []byte) (*ComputeVaultZeroAmount, error) {
	out := new(ComputeVaultZeroAmount)
	if err := computeVault.abi.UnpackIntoInterface(out, "ZeroAmount", raw); err != nil {
		return nil, err
	}
	return out, nil
}
