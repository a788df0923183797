// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IYieldStrategy
/// @notice A yield source behind a ComputeVault. The vault puts every deposit's principal here
/// and takes it back on withdrawal; whatever the strategy holds above the vault's principal is
/// yield, which the vault's harvest moves out as compute credits.
/// @dev A strategy serves exactly one vault, named at construction (`vault()`), and must refuse
/// `deposit` and `withdraw` from anyone else. The vault sends the tokens first and then calls
/// `deposit`, so a strategy counts only the amounts its vault reports, never its raw balance (a
/// token sent to it directly is not the vault's). The vault checks `asset()` and `vault()` in its
/// constructor.
interface IYieldStrategy {
    /// @notice The token the strategy holds and pays out (the vault's asset).
    function asset() external view returns (address);

    /// @notice The only vault that may deposit and withdraw.
    function vault() external view returns (address);

    /// @notice What the vault could withdraw now: its principal plus the yield accrued on it.
    function totalAssets() external view returns (uint256);

    /// @notice The vault has just transferred `assets` to the strategy; count them.
    function deposit(uint256 assets) external;

    /// @notice Sends `assets` to `to`. Reverts when the strategy cannot pay them in full.
    function withdraw(uint256 assets, address to) external;
}
