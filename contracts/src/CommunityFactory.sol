// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC6551Registry} from "./IERC6551.sol";
import {Membership} from "./Membership.sol";

/// @title CommunityFactory
/// @notice Creates Meadow communities: each is a Membership collection whose token 0 goes to
/// the community's admin and whose token 0 account (ERC-6551) is the community's account, the
/// address that pays for the community's jobs and that coordinators recognise as its buyer.
/// Permissionless: anyone may create a community. Ownerless and without state but the list
/// of communities it created.
contract CommunityFactory {
    /// @notice The ERC-6551 registry every community's accounts are created through.
    IERC6551Registry public immutable registry;
    /// @notice The ERC6551Account implementation the accounts proxy to.
    address public immutable accountImplementation;

    /// @notice Whether a collection was created by this factory.
    mapping(address => bool) public isCommunity;

    /// @notice A community was created: its membership collection, its account (token 0's) and
    /// its admin (holder of token 0).
    event CommunityCreated(address indexed collection, address indexed account, address indexed admin, string name, string symbol);

    /// @notice A constructor argument is the zero address.
    error ZeroAddress();

    constructor(IERC6551Registry registry_, address implementation) {
        if (address(registry_) == address(0) || implementation == address(0)) revert ZeroAddress();
        registry = registry_;
        accountImplementation = implementation;
    }

    /// @notice Creates a community: a membership collection called `name`/`symbol`, token 0
    /// minted to `admin`, and the community's account (token 0's token bound account).
    function create(string calldata name, string calldata symbol, address admin)
        external
        returns (address collection, address account)
    {
        Membership m = new Membership(name, symbol, admin, registry, accountImplementation);
        collection = address(m);
        account = m.communityAccount();
        isCommunity[collection] = true;
        emit CommunityCreated(collection, account, admin, name, symbol);
    }
}
