// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// The interfaces of ERC-6551 (non-fungible token bound accounts), as the EIP
// specifies them: https://eips.ethereum.org/EIPS/eip-6551.

/// @title IERC6551Registry
/// @notice Computes and deploys token bound accounts: one ERC-1167-style proxy per
/// (implementation, salt, chain id, token contract, token id), at a CREATE2 address.
interface IERC6551Registry {
    /// @notice A token bound account was deployed.
    event ERC6551AccountCreated(
        address account,
        address indexed implementation,
        bytes32 salt,
        uint256 chainId,
        address indexed tokenContract,
        uint256 indexed tokenId
    );

    /// @notice The CREATE2 that deploys an account failed.
    error AccountCreationFailed();

    /// @notice Deploys the account of a token, or returns its address, without deploying
    /// anything, when it already exists.
    function createAccount(address implementation, bytes32 salt, uint256 chainId, address tokenContract, uint256 tokenId)
        external
        returns (address account);

    /// @notice The address of a token's account, deployed or not.
    function account(address implementation, bytes32 salt, uint256 chainId, address tokenContract, uint256 tokenId)
        external
        view
        returns (address account);
}

/// @title IERC6551Account
/// @dev ERC-165 identifier 0x6faff5f1.
interface IERC6551Account {
    /// @notice Accounts take ether.
    receive() external payable;

    /// @notice The token the account is bound to.
    function token() external view returns (uint256 chainId, address tokenContract, uint256 tokenId);

    /// @notice A value that changes every time the account's state may have changed.
    function state() external view returns (uint256);

    /// @notice 0x523e3260 (this function's selector) if `signer` may act for the account, else 0.
    function isValidSigner(address signer, bytes calldata context) external view returns (bytes4 magicValue);
}

/// @title IERC6551Executable
/// @dev ERC-165 identifier 0x51945447. Operations: 0 CALL, 1 DELEGATECALL, 2 CREATE, 3 CREATE2;
/// an account may refuse some of them.
interface IERC6551Executable {
    /// @notice Runs an operation as the account if the caller is a valid signer; reverts with the
    /// callee's own revert data when it fails.
    function execute(address to, uint256 value, bytes calldata data, uint8 operation)
        external
        payable
        returns (bytes memory);
}
