// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

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

    /// @notice A payment of zero.
    error ZeroAmount();
    /// @notice A constructor argument is the zero address.
    error ZeroAddress();

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
        uint256 epoch = IEpochClock(distributor).currentEpoch();
        uint256 before = revenueOf[epoch];
        uint256 revenue = before + amount;
        uint256 share = forwarded(revenue) - forwarded(before);

        revenueOf[epoch] = revenue;
        totalForwarded += share;
        paidFor[jobId] += amount;
        emit Paid(jobId, msg.sender, amount, epoch);

        if (share != 0) stable.safeTransferFrom(msg.sender, distributor, share);
        if (amount != share) stable.safeTransferFrom(msg.sender, treasury, amount - share);
    }
}
