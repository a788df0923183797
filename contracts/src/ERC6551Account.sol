// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {IERC721Receiver} from "@openzeppelin/contracts/token/ERC721/IERC721Receiver.sol";
import {IERC1155Receiver} from "@openzeppelin/contracts/token/ERC1155/IERC1155Receiver.sol";
import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";

import {IERC6551Account, IERC6551Executable} from "./IERC6551.sol";
import {wouldCreateOwnershipCycle} from "./OwnershipCycle.sol";

/// @title ERC6551Account
/// @notice The implementation behind every Meadow token bound account (ERC-6551): the account
/// of an ERC-721 token, controlled by whoever holds that token now. Transfer the token and
/// control of the account, with everything it holds, goes with it; the former holder keeps no
/// power over it. The account holds ether, ERC-20, ERC-721 and ERC-1155 tokens, and its holder
/// makes it call any contract (approve and pay the Marketplace, spend vault credits), so an
/// account is a buyer identity of its own.
/// @dev Deployed once; accounts are the registry's ERC-1167 proxies to it, whose code carries
/// the token (salt, chain id, token contract, token id) after the 45 bytes of the proxy. Only
/// CALL is executed: DELEGATECALL could rewrite the account's storage, CREATE/CREATE2 are not
/// needed by any Meadow flow. Holds no configuration, no owner and no upgrade path.
contract ERC6551Account is IERC165, IERC1271, IERC6551Account, IERC6551Executable, IERC721Receiver, IERC1155Receiver {
    /// @notice The one operation `execute` runs: a CALL.
    uint8 public constant OPERATION_CALL = 0;

    /// @dev The size of an account's code: the ERC-1167 proxy (45 bytes) and the token data (128).
    uint256 private constant ACCOUNT_CODE_SIZE = 173;

    uint256 private _state;

    /// @notice `caller` is not the current holder of the account's token.
    error NotAuthorized(address caller);
    /// @notice `execute` was asked for an operation other than CALL (0).
    error UnsupportedOperation(uint8 operation);
    /// @notice Taking this token would make it held, directly or through accounts, by its own
    /// account, and lock it (and everything its account holds) forever.
    error OwnershipCycle(address tokenContract, uint256 tokenId);

    /// @inheritdoc IERC6551Account
    receive() external payable {}

    /// @inheritdoc IERC6551Executable
    /// @dev The holder only, CALL only; the callee's revert comes back as it was.
    function execute(address to, uint256 value, bytes calldata data, uint8 operation)
        external
        payable
        returns (bytes memory result)
    {
        if (msg.sender != owner()) revert NotAuthorized(msg.sender);
        if (operation != OPERATION_CALL) revert UnsupportedOperation(operation);
        unchecked {
            ++_state;
        }
        bool ok;
        (ok, result) = to.call{value: value}(data);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(result, 0x20), mload(result))
            }
        }
    }

    /// @inheritdoc IERC6551Account
    /// @dev Zeros when called on the implementation itself (code that is not a registry proxy),
    /// so it is bound to nothing and nobody controls it.
    function token() public view returns (uint256 chainId, address tokenContract, uint256 tokenId) {
        if (address(this).code.length != ACCOUNT_CODE_SIZE) return (0, address(0), 0);
        uint256 tc;
        assembly ("memory-safe") {
            // The token data sits after the proxy (45 bytes) and the salt (32).
            let p := mload(0x40)
            extcodecopy(address(), p, 0x4d, 0x60)
            chainId := mload(p)
            tc := mload(add(p, 0x20))
            tokenId := mload(add(p, 0x40))
        }
        tokenContract = address(uint160(tc));
    }

    /// @notice The current holder of the account's token: the one address that controls the
    /// account. Zero for a token on another chain.
    function owner() public view returns (address) {
        (uint256 chainId, address tokenContract, uint256 tokenId) = token();
        if (chainId != block.chainid) return address(0);
        return IERC721(tokenContract).ownerOf(tokenId);
    }

    /// @inheritdoc IERC6551Account
    /// @dev Counts the account's executions, so it changes on every call the holder makes it
    /// do (the EIP's guard against selling an account emptied just before the sale).
    function state() external view returns (uint256) {
        return _state;
    }

    /// @inheritdoc IERC6551Account
    function isValidSigner(address signer, bytes calldata) external view returns (bytes4) {
        return signer == owner() ? IERC6551Account.isValidSigner.selector : bytes4(0);
    }

    /// @inheritdoc IERC1271
    /// @dev Valid when the holder signed `hash`: an ECDSA signature of an EOA holder, or the
    /// holder's own ERC-1271 answer when it is a contract (another account, a multisig).
    function isValidSignature(bytes32 hash, bytes memory signature) external view returns (bytes4) {
        return SignatureChecker.isValidSignatureNow(owner(), hash, signature)
            ? IERC1271.isValidSignature.selector
            : bytes4(0xffffffff);
    }

    /// @inheritdoc IERC721Receiver
    /// @dev Refuses a token that would end up held by its own account (ownership cycle).
    function onERC721Received(address, address, uint256 tokenId, bytes calldata) external view returns (bytes4) {
        if (wouldCreateOwnershipCycle(address(this), msg.sender, tokenId)) revert OwnershipCycle(msg.sender, tokenId);
        return IERC721Receiver.onERC721Received.selector;
    }

    /// @inheritdoc IERC1155Receiver
    function onERC1155Received(address, address, uint256, uint256, bytes calldata) external pure returns (bytes4) {
        return IERC1155Receiver.onERC1155Received.selector;
    }

    /// @inheritdoc IERC1155Receiver
    function onERC1155BatchReceived(address, address, uint256[] calldata, uint256[] calldata, bytes calldata)
        external
        pure
        returns (bytes4)
    {
        return IERC1155Receiver.onERC1155BatchReceived.selector;
    }

    /// @inheritdoc IERC165
    function supportsInterface(bytes4 interfaceId) external pure returns (bool) {
        return interfaceId == type(IERC165).interfaceId || interfaceId == type(IERC6551Account).interfaceId
            || interfaceId == type(IERC6551Executable).interfaceId || interfaceId == type(IERC1271).interfaceId
            || interfaceId == type(IERC721Receiver).interfaceId || interfaceId == type(IERC1155Receiver).interfaceId;
    }
}
