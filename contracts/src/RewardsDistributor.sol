// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

import {OperatorQuorum} from "./OperatorQuorum.sol";
import {MeadowToken} from "./MeadowToken.sol";
import {Marketplace} from "./Marketplace.sol";

/// @title RewardsDistributor
/// @notice Takes one reward root per epoch, signed by a threshold of operators; mints that
/// epoch's MEADOW emission (never more than the on-chain schedule allows) and sets aside the
/// nodes' share of the epoch's buyer revenue; pays nodes who claim with a Merkle proof of their
/// cumulative balances against the latest root.
/// @dev The constructor creates the MeadowToken (naming this contract its only minter) and the
/// Marketplace (naming this contract its epoch clock), so the wiring is fixed by code and no
/// deployer key keeps any power afterwards.
contract RewardsDistributor is OperatorQuorum {
    using SafeERC20 for IERC20;

    /// @notice The first epoch's emission before any revenue: 100,000 MEADOW.
    uint256 public constant EMAX0 = 100_000e18;
    /// @notice The base emission halves every HALVING_EPOCHS epochs.
    uint256 public constant HALVING_EPOCHS = 520;
    /// @notice Trailing revenue at which emission is halved: 10,000 stable (6 decimals).
    uint256 public constant R0 = 10_000e6;
    /// @notice The least an epoch may emit while the cap allows: 1,000 MEADOW.
    uint256 public constant FLOOR = 1_000e18;
    /// @notice MEADOW's supply cap, the same as MeadowToken.CAP.
    uint256 public constant CAP = 1_000_000_000e18;
    /// @notice How many epochs, ending with the one settled, the trailing revenue covers.
    uint256 public constant WINDOW = 4;
    /// @notice The nodes' share of buyer revenue, in basis points.
    uint256 public constant REVENUE_SHARE_BPS = 7000;
    uint256 private constant BPS = 10_000;
    /// @notice What a referee's direct referrer earns on top of the referee's MEADOW reward, in
    /// basis points of it: 20%.
    uint256 public constant REFERRAL_TIER1_BPS = 2000;
    /// @notice What the direct referrer's own referrer earns on the same reward: 10%.
    uint256 public constant REFERRAL_TIER2_BPS = 1000;

    /// @notice The EIP-712 type hash of the message operators sign for an epoch.
    bytes32 public constant EPOCH_ROOT_TYPEHASH =
        keccak256("EpochRoot(uint256 epoch,bytes32 root,uint256 emission,uint256 revenueShare)");

    /// @notice The EIP-712 type hash of the authorization a node signs so that a relayer may claim
    /// for it (claimFor): the node holds no ether for gas, the relayer is paid a fee in tokens.
    bytes32 public constant CLAIM_AUTHORIZATION_TYPEHASH = keccak256(
        "ClaimAuthorization(address account,uint256 cumulativeMeadow,uint256 cumulativeStable,address payout,uint256 feeMeadow,uint256 feeStable,uint256 deadline)"
    );
    /// @notice The most a relayer may take of a relayed claim, in basis points of what the claim
    /// pays in each token: 5%. A constant because the contract has no owner to govern it; a node
    /// signs a fee of its choosing at or below it, and a relayer chooses whether to relay.
    uint256 public constant MAX_RELAY_FEE_BPS = 500;

    /// @notice What a node authorizes a relayer to claim for it. The cumulative totals are the
    /// node's leaf in the latest root; `payout` receives the tokens (the zero address: the
    /// account itself); the relayer (the sender of claimFor) receives `feeMeadow` and `feeStable`
    /// out of them; the authorization is void after `deadline` (unix seconds).
    struct ClaimAuthorization {
        address account;
        uint256 cumulativeMeadow;
        uint256 cumulativeStable;
        address payout;
        uint256 feeMeadow;
        uint256 feeStable;
        uint256 deadline;
    }

    /// @notice The MEADOW token, minted only by this contract.
    MeadowToken public immutable token;
    /// @notice The stable token buyers pay with.
    IERC20 public immutable stable;
    /// @notice The marketplace whose revenue drives the schedule and the revenue share.
    Marketplace public immutable marketplace;

    /// @notice The last epoch settled (0 before the first).
    uint256 public lastEpoch;
    /// @notice The latest reward root; claims are checked against it.
    bytes32 public root;
    /// @notice Stable tokens assigned to nodes by posted roots so far.
    uint256 public stableCommitted;
    /// @dev What an account has been paid so far. Both totals share one slot, which saves a
    /// claim one fresh storage write (about 20,000 gas); MEADOW's cap is below 2^90 and no
    /// stable coin's supply comes near 2^128.
    struct Paid {
        uint128 meadow;
        uint128 stable;
    }

    mapping(address => Paid) private _paid;

    /// @notice A reward root for `epoch` was accepted and `emission` MEADOW minted.
    event RootPosted(uint256 indexed epoch, bytes32 root, uint256 emission, uint256 revenueShare);
    /// @notice A relayer (`relayer`) claimed for `account`, paying `payout` the claim less the fees.
    event RelayedClaim(address indexed account, address indexed payout, address indexed relayer, uint256 feeMeadow, uint256 feeStable);
    /// @notice `account` was paid `meadow` and `stable`, bringing its totals to the cumulative ones.
    event Claimed(
        address indexed account,
        uint256 meadow,
        uint256 stable,
        uint256 cumulativeMeadow,
        uint256 cumulativeStable
    );

    /// @notice The epoch posted is not the one after the last settled.
    error EpochOutOfOrder(uint256 expected, uint256 got);
    /// @notice Epochs count from 1.
    error InvalidEpoch(uint256 epoch);
    /// @notice The emission exceeds what the schedule allows for the epoch.
    error EmissionAboveSchedule(uint256 emission, uint256 schedule);
    /// @notice The revenue share exceeds REVENUE_SHARE_BPS of the epoch's revenue.
    error RevenueShareAboveLimit(uint256 revenueShare, uint256 limit);
    /// @notice The revenue share exceeds the stable tokens forwarded and not yet assigned.
    error RevenueShareNotCovered(uint256 revenueShare, uint256 available);
    /// @notice No root has been posted yet.
    error NoRoot();
    /// @notice The proof does not lead from the account's leaf to the latest root.
    error InvalidProof(address account);
    /// @notice The claim authorization was not signed by its account (or its signature is
    /// malformed or malleable); `signer` is whom it recovers to (zero when it does not parse).
    error InvalidClaimSignature(address account, address signer);
    /// @notice The claim authorization's deadline has passed.
    error AuthorizationExpired(uint256 deadline, uint256 timestamp);
    /// @notice A relayed claim that would pay nothing: the account already has its cumulative
    /// totals, so the authorization was used (or the account claimed itself).
    error NothingToClaim(address account);
    /// @notice A relay fee above MAX_RELAY_FEE_BPS of what the claim pays in that token.
    error RelayFeeAboveCap(address token, uint256 fee, uint256 cap);
    /// @notice The stable token does not have the 6 decimals R0 is written in.
    error StableDecimals(uint8 decimals);
    /// @notice A constructor argument is the zero address.
    error ZeroAddress();
    /// @notice A referral tier is neither 1 (the direct referrer) nor 2 (the referrer's referrer).
    error InvalidReferralTier(uint256 tier);

    constructor(
        IERC20Metadata stable_,
        address treasury,
        address[] memory operators_,
        uint256 threshold_
    ) OperatorQuorum("MeadowRewards", "1", operators_, threshold_) {
        if (address(stable_) == address(0) || treasury == address(0)) revert ZeroAddress();
        uint8 decimals = stable_.decimals();
        if (decimals != 6) revert StableDecimals(decimals);
        stable = IERC20(address(stable_));
        token = new MeadowToken(address(this));
        marketplace = new Marketplace(IERC20(address(stable_)), address(this), treasury);
    }

    /// @notice The epoch that payments made now count toward: the one after the last settled.
    function currentEpoch() external view returns (uint256) {
        return lastEpoch + 1;
    }

    /// @notice The emission the schedule allows for `epoch`, given the trailing revenue (stable,
    /// 6 decimals) and the MEADOW minted so far. Pure, so that off-chain code can be checked
    /// against it: base = EMAX0 >> ((epoch-1)/HALVING_EPOCHS) (0 once the shift reaches 256);
    /// decayed = base*R0/(R0+revenue); E = max(decayed, FLOOR); E = min(E, CAP - minted).
    function scheduleEmission(uint256 epoch, uint256 trailingRevenue, uint256 minted) public pure returns (uint256) {
        if (epoch == 0) revert InvalidEpoch(epoch);
        uint256 shift = (epoch - 1) / HALVING_EPOCHS;
        uint256 base = shift >= 256 ? 0 : EMAX0 >> shift;
        // base*R0 < 2^110 never overflows; R0+trailingRevenue past 2^256-1 reverts (Panic 0x11),
        // as rewards.Emission returns an overflow error: both sides agree on every input.
        uint256 decayed = (base * R0) / (R0 + trailingRevenue);
        uint256 e = decayed > FLOOR ? decayed : FLOOR;
        uint256 remaining = minted >= CAP ? 0 : CAP - minted;
        return e < remaining ? e : remaining;
    }

    /// @notice Splits an epoch's emission into the node pool, divided among nodes by their work,
    /// and the referral reserve, from which referrers are paid; what the reserve does not pay is
    /// not minted. nodePool = emission*10000/(10000+REFERRAL_TIER1_BPS+REFERRAL_TIER2_BPS), so
    /// the reserve covers both tiers' shares of every node's reward and no node earns less for
    /// being referred. Pure, so that rewards.EmissionSplit is checked against it; emission*10000
    /// past 2^256-1 reverts (Panic 0x11), as the Go side returns an overflow error.
    function emissionSplit(uint256 emission) public pure returns (uint256 nodePool, uint256 referralReserve) {
        nodePool = (emission * BPS) / (BPS + REFERRAL_TIER1_BPS + REFERRAL_TIER2_BPS);
        referralReserve = emission - nodePool;
    }

    /// @notice What a referrer of `tier` (1: the direct referrer, 2: its referrer) earns on a
    /// referee's MEADOW `reward`: reward*REFERRAL_TIERn_BPS/10000, rounded down, so never more than
    /// the tier's share (its cap). Another tier reverts InvalidReferralTier; reward*bps past
    /// 2^256-1 reverts (Panic 0x11), as rewards.ReferralShare refuses the same inputs.
    function referralShare(uint256 reward, uint256 tier) public pure returns (uint256) {
        uint256 bps;
        if (tier == 1) {
            bps = REFERRAL_TIER1_BPS;
        } else if (tier == 2) {
            bps = REFERRAL_TIER2_BPS;
        } else {
            revert InvalidReferralTier(tier);
        }
        return (reward * bps) / BPS;
    }

    /// @notice MEADOW already paid to `account`.
    function claimedMeadow(address account) external view returns (uint256) {
        return _paid[account].meadow;
    }

    /// @notice Stable tokens already paid to `account`.
    function claimedStable(address account) external view returns (uint256) {
        return _paid[account].stable;
    }

    /// @notice Buyer revenue over the WINDOW epochs ending with `epoch` (from epoch 1 on).
    function trailingRevenueOf(uint256 epoch) public view returns (uint256 sum) {
        if (epoch == 0) revert InvalidEpoch(epoch);
        uint256 first = epoch >= WINDOW ? epoch - WINDOW + 1 : 1;
        for (uint256 e = first; e <= epoch; ++e) {
            sum += marketplace.revenueOf(e);
        }
    }

    /// @notice The most MEADOW a root for `epoch` may emit, given revenue and supply now.
    function emissionLimit(uint256 epoch) public view returns (uint256) {
        return scheduleEmission(epoch, trailingRevenueOf(epoch), token.totalSupply());
    }

    /// @notice The most stable tokens a root for `epoch` may assign: the nodes' share of the
    /// epoch's revenue, bounded by what was forwarded here and not yet assigned.
    function revenueShareLimit(uint256 epoch) public view returns (uint256) {
        uint256 limit = (marketplace.revenueOf(epoch) * REVENUE_SHARE_BPS) / BPS;
        uint256 available = marketplace.totalForwarded() - stableCommitted;
        return limit < available ? limit : available;
    }

    /// @notice The EIP-712 digest operators sign for an epoch root.
    function hashEpochRoot(
        uint256 epoch,
        bytes32 root_,
        uint256 emission,
        uint256 revenueShare
    ) public view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(EPOCH_ROOT_TYPEHASH, epoch, root_, emission, revenueShare)));
    }

    /// @notice The reward-tree leaf of an account: the double keccak256 of its ABI-encoded
    /// totals, OpenZeppelin StandardMerkleTree's leaf for (address, uint256, uint256).
    function leafHash(address account, uint256 cumulativeMeadow, uint256 cumulativeStable) public pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(account, cumulativeMeadow, cumulativeStable))));
    }

    /// @notice Whether `proof` leads from the account's leaf to `root_` (sorted-pair keccak256,
    /// as MerkleProof.verify). Lets a node check a claim before paying gas for it.
    function verifyClaim(
        bytes32 root_,
        address account,
        uint256 cumulativeMeadow,
        uint256 cumulativeStable,
        bytes32[] calldata proof
    ) public pure returns (bool) {
        return MerkleProof.verifyCalldata(proof, root_, leafHash(account, cumulativeMeadow, cumulativeStable));
    }

    /// @notice Settles `epoch`: checks the operators' signatures and the schedule, records the
    /// root, and mints `emission` MEADOW here for the nodes to claim.
    function postRoot(
        uint256 epoch,
        bytes32 root_,
        uint256 emission,
        uint256 revenueShare,
        bytes[] calldata signatures
    ) external {
        uint256 expected = lastEpoch + 1;
        if (epoch != expected) revert EpochOutOfOrder(expected, epoch);
        _requireQuorum(keccak256(abi.encode(EPOCH_ROOT_TYPEHASH, epoch, root_, emission, revenueShare)), signatures);

        uint256 schedule = emissionLimit(epoch);
        if (emission > schedule) revert EmissionAboveSchedule(emission, schedule);
        uint256 shareLimit = (marketplace.revenueOf(epoch) * REVENUE_SHARE_BPS) / BPS;
        if (revenueShare > shareLimit) revert RevenueShareAboveLimit(revenueShare, shareLimit);
        uint256 available = marketplace.totalForwarded() - stableCommitted;
        if (revenueShare > available) revert RevenueShareNotCovered(revenueShare, available);

        lastEpoch = epoch;
        root = root_;
        stableCommitted += revenueShare;
        emit RootPosted(epoch, root_, emission, revenueShare);
        if (emission != 0) token.mint(address(this), emission);
    }

    /// @notice Pays `account` what its cumulative balances in the latest root exceed what it was
    /// already paid. Anyone may submit the claim; the tokens always go to `account`. Claiming
    /// again with the same totals pays nothing more.
    function claim(
        address account,
        uint256 cumulativeMeadow,
        uint256 cumulativeStable,
        bytes32[] calldata proof
    ) external returns (uint256 meadowPaid, uint256 stablePaid) {
        (meadowPaid, stablePaid) = _record(account, cumulativeMeadow, cumulativeStable, proof);
        if (meadowPaid != 0) IERC20(address(token)).safeTransfer(account, meadowPaid);
        if (stablePaid != 0) stable.safeTransfer(account, stablePaid);
    }

    /// @notice The EIP-712 struct hash of a claim authorization (before the domain is applied).
    function hashClaimAuthorizationStruct(ClaimAuthorization calldata auth) public pure returns (bytes32) {
        return keccak256(abi.encode(CLAIM_AUTHORIZATION_TYPEHASH, auth));
    }

    /// @notice The EIP-712 digest a node signs to authorize a relayed claim in this contract's
    /// domain (chain id and address), so no signature is good on another chain or deployment.
    function hashClaimAuthorization(ClaimAuthorization calldata auth) public view returns (bytes32) {
        return _hashTypedDataV4(hashClaimAuthorizationStruct(auth));
    }

    /// @notice A relayed claim: pays `auth.account`'s claim, less the fees, to `auth.payout` (the
    /// account itself when zero) and the fees to the sender, who paid the gas. Only a signature
    /// by the account counts (low s, as OpenZeppelin's ECDSA). An authorization pays once: it is
    /// bound to the cumulative totals, and a relayed claim that pays nothing reverts
    /// (NothingToClaim), so a replay can never pay the fee again. Each fee is at most
    /// MAX_RELAY_FEE_BPS of what the claim pays in its token (RelayFeeAboveCap).
    function claimFor(
        ClaimAuthorization calldata auth,
        bytes32[] calldata proof,
        bytes calldata signature
    ) external returns (uint256 meadowPaid, uint256 stablePaid) {
        _checkAuthorization(auth, signature);
        (meadowPaid, stablePaid) = _record(auth.account, auth.cumulativeMeadow, auth.cumulativeStable, proof);
        if (meadowPaid == 0 && stablePaid == 0) revert NothingToClaim(auth.account);
        _payRelayed(auth, meadowPaid, stablePaid);
    }

    /// @dev Reverts unless the authorization is in time and signed by its account.
    function _checkAuthorization(ClaimAuthorization calldata auth, bytes calldata signature) private view {
        if (block.timestamp > auth.deadline) revert AuthorizationExpired(auth.deadline, block.timestamp);
        (address signer, ECDSA.RecoverError err, ) = ECDSA.tryRecoverCalldata(hashClaimAuthorization(auth), signature);
        if (err != ECDSA.RecoverError.NoError || signer != auth.account) revert InvalidClaimSignature(auth.account, signer);
    }

    /// @dev Checks each fee against its cap and pays the claim: the fees to the relayer (the
    /// sender), the rest to the payout address (the account when zero).
    function _payRelayed(ClaimAuthorization calldata auth, uint256 meadowPaid, uint256 stablePaid) private {
        _checkFee(address(token), auth.feeMeadow, meadowPaid);
        _checkFee(address(stable), auth.feeStable, stablePaid);
        address payout = auth.payout == address(0) ? auth.account : auth.payout;
        emit RelayedClaim(auth.account, payout, msg.sender, auth.feeMeadow, auth.feeStable);
        _pay(IERC20(address(token)), payout, meadowPaid - auth.feeMeadow, auth.feeMeadow);
        _pay(stable, payout, stablePaid - auth.feeStable, auth.feeStable);
    }

    /// @dev Reverts RelayFeeAboveCap when `fee` exceeds MAX_RELAY_FEE_BPS of `paid`.
    function _checkFee(address asset, uint256 fee, uint256 paid) private pure {
        uint256 cap = (paid * MAX_RELAY_FEE_BPS) / BPS;
        if (fee > cap) revert RelayFeeAboveCap(asset, fee, cap);
    }

    /// @dev Checks a claim against the latest root and records the account's new totals; returns
    /// what the claim pays (0, 0 when the account already has its totals).
    function _record(
        address account,
        uint256 cumulativeMeadow,
        uint256 cumulativeStable,
        bytes32[] calldata proof
    ) private returns (uint256 meadowPaid, uint256 stablePaid) {
        bytes32 current = root;
        if (current == bytes32(0)) revert NoRoot();
        if (!verifyClaim(current, account, cumulativeMeadow, cumulativeStable, proof)) revert InvalidProof(account);

        Paid memory paid = _paid[account];
        if (cumulativeMeadow > paid.meadow) {
            meadowPaid = cumulativeMeadow - paid.meadow;
            paid.meadow = SafeCast.toUint128(cumulativeMeadow);
        }
        if (cumulativeStable > paid.stable) {
            stablePaid = cumulativeStable - paid.stable;
            paid.stable = SafeCast.toUint128(cumulativeStable);
        }
        if (meadowPaid == 0 && stablePaid == 0) return (0, 0);
        _paid[account] = paid;
        emit Claimed(account, meadowPaid, stablePaid, cumulativeMeadow, cumulativeStable);
    }

    /// @dev Sends `net` of `asset` to `payout` and `fee` to the relayer (the sender).
    function _pay(IERC20 asset, address payout, uint256 net, uint256 fee) private {
        if (net != 0) asset.safeTransfer(payout, net);
        if (fee != 0) asset.safeTransfer(msg.sender, fee);
    }
}
