// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Capped} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Capped.sol";

/// @title MeadowToken
/// @notice The MEADOW reward token: 18 decimals, a hard cap of one billion, and exactly one
/// minter fixed at construction. RewardsDistributor creates this contract in its own
/// constructor and names itself, so no person ever holds the right to mint.
contract MeadowToken is ERC20Capped {
    /// @notice The most MEADOW that can ever exist (1e9 tokens of 18 decimals).
    uint256 public constant CAP = 1_000_000_000e18;

    /// @notice The only address allowed to mint.
    address public immutable minter;

    /// @notice Someone other than the minter tried to mint.
    error NotMinter(address caller);
    /// @notice The minter given at construction is the zero address.
    error ZeroMinter();

    constructor(address minter_) ERC20("Meadow", "MEADOW") ERC20Capped(CAP) {
        if (minter_ == address(0)) revert ZeroMinter();
        minter = minter_;
    }

    /// @notice Mints `amount` to `to`; only the minter may call it, and never past the cap.
    function mint(address to, uint256 amount) external {
        if (msg.sender != minter) revert NotMinter(msg.sender);
        _mint(to, amount);
    }
}
