// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {OperatorQuorum} from "./OperatorQuorum.sol";

/// @title DatasetRegistry
/// @notice Records each dataset's Merkle root and row count once a threshold of operators has
/// signed them, so a buyer can check a dataset against a root nobody can later change.
contract DatasetRegistry is OperatorQuorum {
    /// @notice The EIP-712 type hash of the message operators sign for a dataset.
    bytes32 public constant DATASET_TYPEHASH = keccak256("Dataset(bytes32 datasetId,bytes32 root,uint256 rows)");

    /// @notice Each dataset's root (zero: not posted).
    mapping(bytes32 => bytes32) public rootOf;
    /// @notice Each dataset's row count.
    mapping(bytes32 => uint256) public rowsOf;

    /// @notice Dataset `datasetId` was recorded with `root` and `rows`.
    event DatasetPosted(bytes32 indexed datasetId, bytes32 root, uint256 rows);

    /// @notice The dataset already has a root; roots never change.
    error DatasetExists(bytes32 datasetId, bytes32 root);
    /// @notice A zero root cannot be told apart from "not posted".
    error ZeroRoot(bytes32 datasetId);

    constructor(
        address[] memory operators_,
        uint256 threshold_
    ) OperatorQuorum("MeadowDatasets", "1", operators_, threshold_) {}

    /// @notice The EIP-712 digest operators sign for a dataset.
    function hashDataset(bytes32 datasetId, bytes32 root, uint256 rows) public view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(DATASET_TYPEHASH, datasetId, root, rows)));
    }

    /// @notice Records dataset `datasetId` with `root` and `rows`, signed by the operators.
    function postDataset(bytes32 datasetId, bytes32 root, uint256 rows, bytes[] calldata signatures) external {
        if (root == bytes32(0)) revert ZeroRoot(datasetId);
        bytes32 existing = rootOf[datasetId];
        if (existing != bytes32(0)) revert DatasetExists(datasetId, existing);
        _requireQuorum(keccak256(abi.encode(DATASET_TYPEHASH, datasetId, root, rows)), signatures);
        rootOf[datasetId] = root;
        rowsOf[datasetId] = rows;
        emit DatasetPosted(datasetId, root, rows);
    }
}
