// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title StableToken (TEST ONLY)
/// @notice A stand-in for a 6-decimal stable coin on development chains. ANYONE CAN MINT IT:
/// never deploy it where its balances are meant to be worth anything. On a real chain the
/// marketplace is given an existing 6-decimal stable coin instead.
contract StableToken is ERC20 {
    constructor() ERC20("Meadow Test Dollar (TEST ONLY)", "tUSD") {}

    /// @notice Six decimals, like the stable coins the revenue parameters are written for.
    function decimals() public pure override returns (uint8) {
        return 6;
    }

    /// @notice The faucet: mints `amount` to `to` for anybody who asks. Test chains only.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }
}
