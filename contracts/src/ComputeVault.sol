// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC4626} from "@openzeppelin/contracts/token/ERC20/extensions/ERC4626.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IYieldStrategy} from "./IYieldStrategy.sol";
import {IComputeCredits} from "./IComputeCredits.sol";

/// @notice What the vault reads from the Marketplace: the token it takes.
interface IMarketplaceStable {
    function stable() external view returns (IERC20);
}

/// @title ComputeVault
/// @notice A community's capital, kept whole, whose yield pays for compute on Meadow. Members
/// deposit the stable token the Marketplace takes and receive shares (ERC-4626); the principal
/// goes into a yield strategy. A share is always worth exactly what was deposited for it:
/// `totalAssets()` is the principal (deposits less withdrawals), never the yield. `harvest()`,
/// which anyone may call, moves only the yield (what the strategy holds above the principal)
/// out of the strategy into this contract as compute credits, which can only be spent through
/// the Marketplace, as payment for jobs.
///
/// Credits go, as chosen at creation, either all to one `creditHolder` (`Community`: the
/// community's account) or to the shareholders in proportion to their shares at each harvest
/// (`PerDepositor`). An optional lock (seconds after a member's last deposit) holds their
/// shares: no withdrawal, redemption or transfer until it passes; after it, a member who leaves
/// gets their whole principal back.
/// @dev Shares and assets are 1:1 (both 6 decimals): totalAssets() is bookkept, not read from a
/// balance, so a donation to the vault or the strategy cannot move the share price (the
/// ERC-4626 inflation attack has no lever), and OpenZeppelin's virtual share and asset keep
/// conversions exact; rounding, were there any, is OpenZeppelin's (deposit rounds shares down,
/// withdraw rounds them up: in the principal's favour).
///
/// Per-depositor credits use an accumulator per share (`creditsPerShare`, scaled by 1e18):
/// a harvest adds yield * 1e18 / totalSupply to it, and each account's credits are settled
/// (balance * growth since its last settlement) in the ERC-20 `_update` hook before its balance
/// changes, so deposits, withdrawals and share transfers keep everyone's credits right in O(1).
/// Rounding is against the accounts everywhere, so the credits assigned never exceed the yield
/// harvested: the accumulator rounds down, each account's credits round down, and the remainder
/// carried into the next harvest is what the accumulator owes rounded up.
contract ComputeVault is ERC4626, IComputeCredits {
    using SafeERC20 for IERC20;

    /// @notice Who receives the credits a harvest creates.
    enum CreditsMode {
        /// All credits to `creditHolder`, the community's account.
        Community,
        /// Credits to shareholders, pro rata to their shares at harvest time.
        PerDepositor
    }

    /// @notice The longest lock a vault can be created with: four years.
    uint256 public constant MAX_LOCK_SECONDS = 4 * 365 days;
    uint256 private constant ACC_SCALE = 1e18;

    /// @notice Where the principal is invested.
    IYieldStrategy public immutable strategy;
    /// @notice The only caller of `spendCredits`: the Marketplace, which counts what it receives
    /// as buyer revenue.
    address public immutable marketplace;
    /// @notice Who receives the credits (fixed at creation).
    CreditsMode public immutable creditsMode;
    /// @notice In `Community` mode, the account all credits go to; zero in `PerDepositor` mode.
    address public immutable creditHolder;
    /// @notice Seconds after a member's last deposit before their shares can be withdrawn,
    /// redeemed or transferred; 0 for none.
    uint64 public immutable lockSeconds;

    /// @notice Deposits less withdrawals: what the shares are worth, and what the strategy owes
    /// the vault before any yield.
    uint256 public principal;
    /// @notice All yield ever harvested into credits.
    uint256 public totalHarvested;
    /// @notice All credits ever spent through the Marketplace.
    uint256 public totalSpent;
    /// @notice Per-depositor credits per share, scaled by 1e18 (PerDepositor mode).
    uint256 public creditsPerShare;
    /// @dev Harvested yield the accumulator could not express yet (rounding), carried forward.
    uint256 private _carry;

    struct Member {
        uint128 credits; // settled, unspent credits
        uint64 unlockAt; // unix seconds; shares move from then on
    }

    mapping(address => Member) private _members;
    /// @dev creditsPerShare when the account's credits were last settled.
    mapping(address => uint256) private _settledAt;

    /// @notice `caller` harvested `yield` into credits; `totalHarvested` is the new total.
    event Harvested(address indexed caller, uint256 yield, uint256 totalHarvested);
    /// @notice `amount` of `account`'s credits was spent through the Marketplace.
    event CreditsSpent(address indexed account, uint256 amount);

    /// @notice A constructor address argument is the zero address.
    error ZeroAddress();
    /// @notice A deposit, withdrawal or spend of zero.
    error ZeroAmount();
    /// @notice The lock is longer than MAX_LOCK_SECONDS.
    error LockTooLong(uint256 lockSeconds, uint256 max);
    /// @notice `Community` mode without a credit holder, or `PerDepositor` mode with one.
    error InvalidCreditHolder(CreditsMode mode, address creditHolder);
    /// @notice The strategy is not over this vault's asset or does not name this vault.
    error StrategyMismatch(address strategy, address strategyAsset, address strategyVault);
    /// @notice The asset is not the token the Marketplace takes.
    error AssetMismatch(address asset, address marketplaceStable);
    /// @notice `account`'s shares are locked until `unlockAt` (unix seconds).
    error SharesLocked(address account, uint256 unlockAt);
    /// @notice With a lock, a deposit must be for the depositor: one for another account would
    /// either restart that account's lock (anyone could keep a member locked in with dust) or
    /// escape it.
    error DepositForOther(address caller, address receiver);
    /// @notice Someone other than the Marketplace tried to spend credits.
    error NotMarketplace(address caller);
    /// @notice `account` has `credits`, fewer than the `amount` asked.
    error InsufficientCredits(address account, uint256 credits, uint256 amount);
    /// @notice A harvest with no yield to move (`yield`), or in `PerDepositor` mode with no
    /// shares to credit it to (`shares`).
    error NothingToHarvest(uint256 yield, uint256 shares);

    constructor(
        IERC20 asset_,
        IYieldStrategy strategy_,
        address marketplace_,
        CreditsMode mode_,
        address creditHolder_,
        uint64 lockSeconds_,
        string memory name_,
        string memory symbol_
    ) ERC20(name_, symbol_) ERC4626(asset_) {
        if (address(asset_) == address(0) || address(strategy_) == address(0) || marketplace_ == address(0)) {
            revert ZeroAddress();
        }
        if (lockSeconds_ > MAX_LOCK_SECONDS) revert LockTooLong(lockSeconds_, MAX_LOCK_SECONDS);
        if ((mode_ == CreditsMode.Community) != (creditHolder_ != address(0))) {
            revert InvalidCreditHolder(mode_, creditHolder_);
        }
        address sAsset = strategy_.asset();
        address sVault = strategy_.vault();
        if (sAsset != address(asset_) || sVault != address(this)) {
            revert StrategyMismatch(address(strategy_), sAsset, sVault);
        }
        address mStable = address(IMarketplaceStable(marketplace_).stable());
        if (mStable != address(asset_)) revert AssetMismatch(address(asset_), mStable);
        strategy = strategy_;
        marketplace = marketplace_;
        creditsMode = mode_;
        creditHolder = creditHolder_;
        lockSeconds = lockSeconds_;
    }

    // ---- ERC-4626: principal only ----

    /// @notice The principal: deposits less withdrawals. Yield is never counted here.
    function totalAssets() public view override returns (uint256) {
        return principal;
    }

    /// @notice When `account`'s shares unlock (unix seconds; 0 or past: unlocked).
    function unlockAt(address account) external view returns (uint256) {
        return _members[account].unlockAt;
    }

    /// @notice 0 while `owner`'s shares are locked (ERC-4626: the most that would not revert).
    function maxWithdraw(address owner) public view override returns (uint256) {
        return _locked(owner) ? 0 : super.maxWithdraw(owner);
    }

    /// @notice 0 while `owner`'s shares are locked.
    function maxRedeem(address owner) public view override returns (uint256) {
        return _locked(owner) ? 0 : super.maxRedeem(owner);
    }

    /// @notice Withdraws `assets` of `owner`'s principal to `receiver`; reverts SharesLocked
    /// while the owner's lock runs.
    function withdraw(uint256 assets, address receiver, address owner) public override returns (uint256) {
        _requireUnlocked(owner);
        return super.withdraw(assets, receiver, owner);
    }

    /// @notice Redeems `shares` of `owner`'s for their principal, to `receiver`; reverts
    /// SharesLocked while the owner's lock runs.
    function redeem(uint256 shares, address receiver, address owner) public override returns (uint256) {
        _requireUnlocked(owner);
        return super.redeem(shares, receiver, owner);
    }

    function _locked(address account) private view returns (bool) {
        return block.timestamp < _members[account].unlockAt;
    }

    function _requireUnlocked(address account) private view {
        uint64 u = _members[account].unlockAt;
        if (block.timestamp < u) revert SharesLocked(account, u);
    }

    function _deposit(address caller, address receiver, uint256 assets, uint256 shares) internal override {
        if (assets == 0) revert ZeroAmount();
        if (lockSeconds != 0) {
            if (caller != receiver) revert DepositForOther(caller, receiver);
            _members[receiver].unlockAt = uint64(block.timestamp + lockSeconds);
        }
        super._deposit(caller, receiver, assets, shares);
    }

    function _withdraw(address caller, address receiver, address owner, uint256 assets, uint256 shares)
        internal
        override
    {
        if (assets == 0) revert ZeroAmount();
        super._withdraw(caller, receiver, owner, assets, shares);
    }

    /// @dev The deposit goes straight from the depositor to the strategy (one transfer).
    function _transferIn(address from, uint256 assets) internal override {
        IERC20(asset()).safeTransferFrom(from, address(strategy), assets);
        principal += assets;
        strategy.deposit(assets);
    }

    /// @dev The principal comes straight from the strategy to the receiver.
    function _transferOut(address to, uint256 assets) internal override {
        principal -= assets;
        strategy.withdraw(assets, to);
    }

    /// @dev Settles per-depositor credits before balances change, and keeps locked shares from
    /// moving by transfer (a transfer would otherwise carry principal past the lock).
    function _update(address from, address to, uint256 value) internal override {
        if (lockSeconds != 0 && from != address(0) && to != address(0)) _requireUnlocked(from);
        if (creditsMode == CreditsMode.PerDepositor) {
            if (from != address(0)) _settle(from);
            if (to != address(0) && to != from) _settle(to);
        }
        super._update(from, to, value);
    }

    // ---- Yield → credits ----

    /// @notice Yield the strategy holds above the principal, not yet harvested.
    function pendingYield() public view returns (uint256) {
        uint256 assets = strategy.totalAssets();
        uint256 p = principal;
        return assets > p ? assets - p : 0;
    }

    /// @notice Moves the yield, and only the yield, from the strategy into this contract as
    /// credits. Anyone may call it. Reverts NothingToHarvest when there is no yield, or (in
    /// `PerDepositor` mode) no shares to credit it to: the yield then waits in the strategy.
    function harvest() external returns (uint256 yield) {
        yield = pendingYield();
        if (creditsMode == CreditsMode.Community) {
            if (yield == 0) revert NothingToHarvest(0, totalSupply());
            _members[creditHolder].credits += SafeCast.toUint128(yield);
        } else {
            uint256 supply = totalSupply();
            if (yield == 0 || supply == 0) revert NothingToHarvest(yield, supply);
            uint256 distributable = yield + _carry;
            uint256 inc = Math.mulDiv(distributable, ACC_SCALE, supply);
            creditsPerShare += inc;
            // What the accumulator now owes the shares, rounded up, so the carry never
            // counts yield the accounts can already claim.
            _carry = distributable - Math.mulDiv(inc, supply, ACC_SCALE, Math.Rounding.Ceil);
        }
        uint256 total = totalHarvested + yield;
        totalHarvested = total;
        emit Harvested(msg.sender, yield, total);
        strategy.withdraw(yield, address(this));
    }

    /// @notice `account`'s unspent credits, in stable base units.
    function creditsOf(address account) public view returns (uint256) {
        uint256 c = _members[account].credits;
        if (creditsMode == CreditsMode.PerDepositor) c += _unsettled(account);
        return c;
    }

    /// @notice Harvested credits not yet spent (in `PerDepositor` mode this includes rounding
    /// remainders no account can spend, so the accounts' credits sum to at most this).
    function totalCredits() external view returns (uint256) {
        return totalHarvested - totalSpent;
    }

    /// @inheritdoc IComputeCredits
    function spendCredits(address from, uint256 amount) external {
        if (msg.sender != marketplace) revert NotMarketplace(msg.sender);
        if (amount == 0) revert ZeroAmount();
        if (creditsMode == CreditsMode.PerDepositor) _settle(from);
        Member storage m = _members[from];
        uint256 c = m.credits;
        if (c < amount) revert InsufficientCredits(from, c, amount);
        m.credits = uint128(c - amount);
        totalSpent += amount;
        emit CreditsSpent(from, amount);
        IERC20(asset()).safeTransfer(msg.sender, amount);
    }

    function _unsettled(address account) private view returns (uint256) {
        return Math.mulDiv(balanceOf(account), creditsPerShare - _settledAt[account], ACC_SCALE);
    }

    function _settle(address account) private {
        uint256 acc = creditsPerShare;
        if (_settledAt[account] == acc) return;
        uint256 owed = _unsettled(account);
        _settledAt[account] = acc;
        if (owed != 0) _members[account].credits += SafeCast.toUint128(owed);
    }
}
