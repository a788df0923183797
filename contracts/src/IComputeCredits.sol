// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IComputeCredits
/// @notice What the Marketplace asks of a compute-credit vault: spend `amount` of `from`'s
/// credits by transferring that much of the stable token to the marketplace (the caller).
/// @dev The marketplace does not trust a contract that claims to be a vault: it counts only the
/// stable tokens that actually arrived during the call.
interface IComputeCredits {
    /// @notice Debits `amount` of `from`'s credits and transfers `amount` of the stable token to
    /// the marketplace. Only the vault's marketplace may call it.
    function spendCredits(address from, uint256 amount) external;
}
