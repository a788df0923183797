// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC6551Registry} from "./IERC6551.sol";

/// @title ERC6551Registry
/// @notice The ERC-6551 registry, written from the EIP: permissionless, ownerless and
/// stateless. Each account is an ERC-1167 minimal proxy to `implementation` whose runtime code
/// carries the token it is bound to:
///
///     363d3d373d3d3d363d73 <implementation, 20 bytes> 5af43d82803e903d91602b57fd5bf3   (45 bytes)
///     <salt, 32> <chainId, 32> <tokenContract, 32 left-padded> <tokenId, 32>             (128 bytes)
///
/// deployed with CREATE2 from this registry, with `salt` as the CREATE2 salt, by the init code
/// 3d60ad80600a3d3981f3 (copy the 173 bytes that follow and return them). So an account's address
/// depends on nothing but those five values and the registry's address, and can be known before
/// it exists.
contract ERC6551Registry is IERC6551Registry {
    /// @inheritdoc IERC6551Registry
    function createAccount(address implementation, bytes32 salt, uint256 chainId, address tokenContract, uint256 tokenId)
        external
        returns (address)
    {
        bytes memory code = _initCode(implementation, salt, chainId, tokenContract, tokenId);
        address predicted = _address(salt, code);
        if (predicted.code.length != 0) return predicted;

        address created;
        assembly ("memory-safe") {
            created := create2(0, add(code, 0x20), mload(code), salt)
        }
        if (created == address(0)) revert AccountCreationFailed();
        emit ERC6551AccountCreated(created, implementation, salt, chainId, tokenContract, tokenId);
        return created;
    }

    /// @inheritdoc IERC6551Registry
    function account(address implementation, bytes32 salt, uint256 chainId, address tokenContract, uint256 tokenId)
        external
        view
        returns (address)
    {
        return _address(salt, _initCode(implementation, salt, chainId, tokenContract, tokenId));
    }

    /// @dev The 183-byte init code of an account: the ERC-1167 creation prefix (for 0xad = 173
    /// bytes of runtime code), the proxy, and the token data.
    function _initCode(address implementation, bytes32 salt, uint256 chainId, address tokenContract, uint256 tokenId)
        private
        pure
        returns (bytes memory)
    {
        return abi.encodePacked(
            hex"3d60ad80600a3d3981f3363d3d373d3d3d363d73",
            implementation,
            hex"5af43d82803e903d91602b57fd5bf3",
            abi.encode(salt, chainId, tokenContract, tokenId)
        );
    }

    /// @dev The CREATE2 address (EIP-1014) of `initCode` deployed by this registry.
    function _address(bytes32 salt, bytes memory initCode) private view returns (address) {
        return address(uint160(uint256(keccak256(abi.encodePacked(bytes1(0xff), address(this), salt, keccak256(initCode))))));
    }
}
