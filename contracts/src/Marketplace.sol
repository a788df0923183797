// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IComputeCredits} from "./IComputeCredits.sol";

/// @notice What the marketplace needs from the distributor: the epoch payments belong to.
interface IEpochClock {
    function currentEpoch() external view returns (uint256);
}

/// @title Marketplace
/// @notice Buyers pay for jobs here in the stable token. Each payment counts toward the revenue
/// of the distributor's current epoch; REVENUE_SHARE_BPS of it goes to the distributor for the
/// nodes, the rest to the treasury.
/// @dev The share is forwarded so that, per epoch, the total forwarded is revenueOf(e) * 7000 / 10000
/// (rounded down) after every payment: each payment forwards the growth of that floor rather
/// than the floor of its own share, so rounding never leaves the nodes' share short. The product
/// is computed in checked uint256 arithmetic, like rewards.RevenueShare (which reports an overflow
/// where this reverts); no real stable-token supply comes near it.
///
/// A job can also be paid from compute credits (`payWithCredits`): a vault's yield, spent by the
/// account it was credited to. It counts exactly as `pay` does (revenue, the nodes' share,
/// `paidFor`, the `Paid` event), on what actually arrived from the vault.
contract Marketplace {
    using SafeERC20 for IERC20;

    /// @notice The nodes' share of revenue, in basis points.
    uint256 public constant REVENUE_SHARE_BPS = 7000;
    uint256 private constant BPS = 10_000;

    /// @notice The stable token buyers pay with (6 decimals).
    IERC20 public immutable stable;
    /// @notice The rewards distributor: the epoch clock, and where the nodes' share goes.
    address public immutable distributor;
    /// @notice Where the part of each payment that is not the nodes' share goes.
    address public immutable treasury;

    /// @notice Stable-token revenue attributed to each epoch.
    mapping(uint256 => uint256) public revenueOf;
    /// @notice The total paid for each job, over all of its payments.
    mapping(bytes32 => uint256) public paidFor;
    /// @notice Everything forwarded to the distributor, over all epochs.
    uint256 public totalForwarded;

    /// @notice A buyer paid `amount` for job `jobId`, counted in epoch `epoch`.
    event Paid(bytes32 indexed jobId, address indexed buyer, uint256 amount, uint256 epoch);
    /// @notice The payment `Paid` reports just before came from `buyer`'s credits in `vault`.
    event PaidWithCredits(bytes32 indexed jobId, address indexed vault, address indexed buyer, uint256 amount);

    /// @notice A payment of zero.
    error ZeroAmount();
    /// @notice A constructor argument is the zero address.
    error ZeroAddress();
    /// @notice `vault` was asked to spend `amount` of credits but only `received` stable arrived.
    error CreditsNotReceived(address vault, uint256 amount, uint256 received);

    constructor(IERC20 stable_, address distributor_, address treasury_) {
        if (address(stable_) == address(0) || distributor_ == address(0) || treasury_ == address(0)) {
            revert ZeroAddress();
        }
        stable = stable_;
        distributor = distributor_;
        treasury = treasury_;
    }

    /// @notice The part of epoch `epoch`'s revenue forwarded to the distributor.
    function forwardedOf(uint256 epoch) external view returns (uint256) {
        return forwarded(revenueOf[epoch]);
    }

    /// @dev The nodes' share of an epoch's revenue, rounded down.
    function forwarded(uint256 revenue) private pure returns (uint256) {
        return (revenue * REVENUE_SHARE_BPS) / BPS;
    }

    /// @notice Pays `amount` of the stable token for job `jobId`. The caller must first approve
    /// this contract for at least `amount`.
    function pay(bytes32 jobId, uint256 amount) external {
        if (amount == 0) revert ZeroAmount();
        uint256 share = _count(jobId, msg.sender, amount);
        if (share != 0) stable.safeTransferFrom(msg.sender, distributor, share);
        if (amount != share) stable.safeTransferFrom(msg.sender, treasury, amount - share);
    }

    /// @notice Pays `amount` for job `jobId` from the caller's compute credits in `vault`
    /// (a ComputeVault whose marketplace is this contract). Any contract can claim to be a vault,
    /// so only the stable tokens that actually arrived during the vault's call are trusted: fewer
    /// than `amount` reverts CreditsNotReceived; what arrived counts exactly as `pay` counts it.
    /// @dev No reentrancy guard is needed: the marketplace keeps no balance between calls, and
    /// every path through it (pay, payWithCredits) leaves its balance as it found it, so a vault
    /// that re-enters during spendCredits cannot change what the outer call measures.
    function payWithCredits(IComputeCredits vault, bytes32 jobId, uint256 amount) external {
        if (amount == 0) revert ZeroAmount();
        uint256 before = stable.balanceOf(address(this));
        vault.spendCredits(msg.sender, amount);
        uint256 received = stable.balanceOf(address(this)) - before;
        if (received < amount) revert CreditsNotReceived(address(vault), amount, received);
        uint256 share = _count(jobId, msg.sender, received);
        emit PaidWithCredits(jobId, address(vault), msg.sender, received);
        if (share != 0) stable.safeTransfer(distributor, share);
        if (received != share) stable.safeTransfer(treasury, received - share);
    }

    /// @dev Counts a payment of `amount` by `buyer` toward the current epoch and job `jobId`,
    /// emits Paid, and returns the nodes' share to forward.
    function _count(bytes32 jobId, address buyer, uint256 amount) private returns (uint256 share) {
        uint256 epoch = IEpochClock(distributor).currentEpoch();
        uint256 before = revenueOf[epoch];
        uint256 revenue = before + amount;
        share = forwarded(revenue) - forwarded(before);

        revenueOf[epoch] = revenue;
        totalForwarded += share;
        paidFor[jobId] += amount;
        emit Paid(jobId, buyer, amount, epoch);
    }
}
