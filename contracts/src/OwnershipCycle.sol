// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {IERC6551Account} from "./IERC6551.sol";

// The ownership-cycle guard that ERC-6551's security considerations ask for: an NFT held,
// directly or through a chain of token bound accounts, by its own account can never be moved
// again, and neither can anything its account holds. Free functions (no contract), so that the
// account and the membership collection share them without a deployed library.

/// @dev How many token bound accounts deep the walk follows. A chain of accounts longer than
/// this is treated as a cycle (refused): nesting that deep has no use, and refusing is the side
/// that cannot lock assets away.
uint256 constant MAX_OWNERSHIP_DEPTH = 8;

/// @dev Whether token `tokenId` of `tokenContract`, held by `holder`, would be (or is) held by
/// its own account: walks up from `holder` through token bound accounts (anything on this chain
/// whose token() answers) and the holders of their tokens, and reports true if the walk reaches
/// `tokenContract`/`tokenId` or goes deeper than MAX_OWNERSHIP_DEPTH. Low-level static calls, so
/// an address that is not an account (an EOA, a contract without token(), one that answers
/// garbage) ends the walk instead of reverting.
function wouldCreateOwnershipCycle(address holder, address tokenContract, uint256 tokenId) view returns (bool) {
    address current = holder;
    for (uint256 depth = 0; depth <= MAX_OWNERSHIP_DEPTH; ++depth) {
        if (current.code.length == 0) return false;
        (bool ok, bytes memory ret) = current.staticcall(abi.encodeCall(IERC6551Account.token, ()));
        if (!ok || ret.length < 96) return false;
        (uint256 chainId, uint256 boundContract, uint256 boundId) = abi.decode(ret, (uint256, uint256, uint256));
        if (chainId != block.chainid || boundContract >> 160 != 0) return false;
        if (address(uint160(boundContract)) == tokenContract && boundId == tokenId) return true;
        (ok, ret) = address(uint160(boundContract)).staticcall(abi.encodeCall(IERC721.ownerOf, (boundId)));
        if (!ok || ret.length < 32) return false;
        uint256 next = abi.decode(ret, (uint256));
        if (next >> 160 != 0) return false;
        current = address(uint160(next));
    }
    return true;
}
