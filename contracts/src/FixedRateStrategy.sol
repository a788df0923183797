// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IYieldStrategy} from "./IYieldStrategy.sol";

/// @notice The open faucet of the test StableToken.
interface IMintableStable {
    function mint(address to, uint256 amount) external;
}

/// @title FixedRateStrategy (TEST ONLY)
/// @notice A yield strategy for development chains and tests: what it holds grows by a fixed
/// annual rate, spread evenly over `blocksPerYear` blocks, and the yield is paid by MINTING THE
/// TEST StableToken, whose faucet anyone may call. It makes the vault's flow (deposit, blocks
/// pass, harvest, pay from credits) real end to end on the simulated chain. NEVER DEPLOY IT
/// WHERE BALANCES ARE MEANT TO BE WORTH ANYTHING: its yield is printed, not earned, and it only
/// works over a token with an open `mint`. A real community's vault uses a strategy over a real
/// yield source instead.
/// @dev Simple interest between checkpoints: from block b0 to b1, `held` grows by
/// held * rateBps * (b1 - b0) / (10000 * blocksPerYear), rounded down; every deposit and
/// withdrawal checkpoints (mints the accrued yield to itself), so the interest compounds at each.
contract FixedRateStrategy is IYieldStrategy {
    using SafeERC20 for IERC20;

    uint256 private constant BPS = 10_000;
    /// @notice The highest annual rate accepted: 100 %.
    uint256 public constant MAX_RATE_BPS = 10_000;

    IERC20 private immutable _asset;
    /// @inheritdoc IYieldStrategy
    address public immutable vault;
    /// @notice Annual rate, in basis points (500 = 5 % a year).
    uint256 public immutable rateBps;
    /// @notice Blocks in a year: the rate accrues 1/blocksPerYear of itself per block.
    uint256 public immutable blocksPerYear;

    /// @notice What the vault owns here as of `lastBlock`: deposits, less withdrawals, plus
    /// the yield accrued up to then (already minted to this contract).
    uint256 public held;
    /// @notice The block of the last checkpoint.
    uint256 public lastBlock;

    /// @notice Someone other than the vault tried to deposit or withdraw.
    error NotVault(address caller);
    /// @notice A constructor address argument is the zero address.
    error ZeroAddress();
    /// @notice The annual rate is above MAX_RATE_BPS.
    error RateTooHigh(uint256 rateBps, uint256 max);
    /// @notice blocksPerYear is zero.
    error ZeroBlocksPerYear();
    /// @notice A withdrawal of more than the vault holds here.
    error InsufficientAssets(uint256 requested, uint256 available);

    constructor(IERC20 asset_, address vault_, uint256 rateBps_, uint256 blocksPerYear_) {
        if (address(asset_) == address(0) || vault_ == address(0)) revert ZeroAddress();
        if (rateBps_ > MAX_RATE_BPS) revert RateTooHigh(rateBps_, MAX_RATE_BPS);
        if (blocksPerYear_ == 0) revert ZeroBlocksPerYear();
        _asset = asset_;
        vault = vault_;
        rateBps = rateBps_;
        blocksPerYear = blocksPerYear_;
        lastBlock = block.number;
    }

    modifier onlyVault() {
        if (msg.sender != vault) revert NotVault(msg.sender);
        _;
    }

    /// @inheritdoc IYieldStrategy
    function asset() external view returns (address) {
        return address(_asset);
    }

    /// @inheritdoc IYieldStrategy
    function totalAssets() external view returns (uint256) {
        return held + accrued();
    }

    /// @notice Yield accrued since the last checkpoint, not yet minted.
    function accrued() public view returns (uint256) {
        return (held * rateBps * (block.number - lastBlock)) / (BPS * blocksPerYear);
    }

    /// @inheritdoc IYieldStrategy
    function deposit(uint256 assets) external onlyVault {
        _checkpoint();
        held += assets;
    }

    /// @inheritdoc IYieldStrategy
    function withdraw(uint256 assets, address to) external onlyVault {
        _checkpoint();
        uint256 h = held;
        if (assets > h) revert InsufficientAssets(assets, h);
        held = h - assets;
        _asset.safeTransfer(to, assets);
    }

    /// @dev Mints the yield accrued since the last checkpoint to this contract and counts it.
    function _checkpoint() private {
        uint256 a = accrued();
        lastBlock = block.number;
        if (a != 0) {
            held += a;
            IMintableStable(address(_asset)).mint(address(this), a);
        }
    }
}
