// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

/// @title OperatorQuorum
/// @notice A fixed set of operator keys and a threshold, both set at construction and never
/// changed, and the check that at least `threshold` distinct operators signed an EIP-712 message.
/// @dev The threshold is at least 2 so that no single operator can act alone (in particular, no
/// single operator can mint). Signatures that do not parse, that recover to a key outside the
/// set, or that repeat a signer are ignored rather than rejected: the caller only has to bring
/// enough good ones. Seen signers are tracked in a 256-bit mask, hence the operator limit.
abstract contract OperatorQuorum is EIP712 {
    /// @notice The largest operator set (one bit per operator in the seen-mask).
    uint256 public constant MAX_OPERATORS = 256;

    /// @notice How many distinct operator signatures an action needs.
    uint256 public immutable threshold;

    address[] private _operators;
    /// @dev operator => its position in _operators plus one (0: not an operator).
    mapping(address => uint256) private _position;

    /// @notice The operator list is empty or longer than MAX_OPERATORS.
    error InvalidOperatorCount(uint256 count);
    /// @notice The threshold is below 2 or above the number of operators.
    error InvalidThreshold(uint256 threshold, uint256 operators);
    /// @notice The zero address is not a valid operator.
    error ZeroOperator(uint256 index);
    /// @notice An operator appears twice in the list.
    error DuplicateOperator(address operator);
    /// @notice Fewer than `threshold` distinct operators signed the message.
    error NotEnoughSignatures(uint256 valid, uint256 threshold);

    constructor(
        string memory name,
        string memory version,
        address[] memory operators_,
        uint256 threshold_
    ) EIP712(name, version) {
        uint256 n = operators_.length;
        if (n == 0 || n > MAX_OPERATORS) revert InvalidOperatorCount(n);
        if (threshold_ < 2 || threshold_ > n) revert InvalidThreshold(threshold_, n);
        for (uint256 i = 0; i < n; ++i) {
            address op = operators_[i];
            if (op == address(0)) revert ZeroOperator(i);
            if (_position[op] != 0) revert DuplicateOperator(op);
            _position[op] = i + 1;
            _operators.push(op);
        }
        threshold = threshold_;
    }

    /// @notice The operator keys, in the order given at construction.
    function operators() external view returns (address[] memory) {
        return _operators;
    }

    /// @notice Whether `account` is one of the operator keys.
    function isOperator(address account) external view returns (bool) {
        return _position[account] != 0;
    }

    /// @notice The EIP-712 domain separator of this contract.
    function domainSeparator() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    /// @dev Reverts with NotEnoughSignatures unless `threshold` distinct operators signed the
    /// EIP-712 digest of `structHash` in this contract's domain.
    function _requireQuorum(bytes32 structHash, bytes[] calldata signatures) internal view {
        bytes32 digest = _hashTypedDataV4(structHash);
        uint256 seen;
        uint256 valid;
        for (uint256 i = 0; i < signatures.length; ++i) {
            (address signer, ECDSA.RecoverError err, ) = ECDSA.tryRecoverCalldata(digest, signatures[i]);
            if (err != ECDSA.RecoverError.NoError) continue;
            uint256 position = _position[signer];
            if (position == 0) continue;
            uint256 bit = uint256(1) << (position - 1);
            if (seen & bit != 0) continue;
            seen |= bit;
            ++valid;
        }
        if (valid < threshold) revert NotEnoughSignatures(valid, threshold);
    }
}
