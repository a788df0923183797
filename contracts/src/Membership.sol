// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";

import {IERC6551Registry} from "./IERC6551.sol";
import {wouldCreateOwnershipCycle} from "./OwnershipCycle.sol";

/// @title Membership
/// @notice One community's membership collection (ERC-721). Token 0 is the community's key:
/// its holder is the community's admin, and its token bound account (ERC-6551) is the
/// community's account, the buyer identity of the community's jobs. Tokens 1, 2, ... are the
/// members'; each gets its own token bound account when minted, so every membership NFT holds
/// balances. A member, for access to the community's jobs and datasets, is any current holder of
/// a token of the collection (`balanceOf(holder) > 0`): transfer the token and membership,
/// and control of its account, go with it.
/// @dev Tokens transfer like any ERC-721 and are never burned (a burned token's account could
/// never be controlled again). The admin is whoever holds token 0 now, not a fixed address, so
/// handing over the key hands over the community. Transfers that would make a token held by its
/// own account, directly or through other accounts, are refused, including plain transferFrom,
/// which never asks the receiving account.
contract Membership is ERC721 {
    /// @notice The ERC-6551 registry the accounts are created through.
    IERC6551Registry public immutable registry;
    /// @notice The account implementation (ERC6551Account) every token's account proxies to.
    address public immutable accountImplementation;
    /// @notice The token bound account of token 0: the community's account.
    address public immutable communityAccount;

    /// @dev Tokens minted so far; the next token's id.
    uint256 private _minted;

    /// @notice Token `tokenId` was minted to `holder`, and its account `account` created.
    event MemberMinted(address indexed holder, uint256 indexed tokenId, address account);

    /// @notice Only the holder of token 0, or the community's account, may mint.
    error NotCommunityAdmin(address caller);
    /// @notice A constructor argument is the zero address.
    error ZeroAddress();
    /// @notice The collection's name or symbol is empty.
    error EmptyName();
    /// @notice The transfer would make the token held by its own account.
    error OwnershipCycle(address tokenContract, uint256 tokenId);

    /// @notice Creates the collection, mints token 0 to `admin` and creates the community's
    /// account.
    constructor(string memory name_, string memory symbol_, address admin_, IERC6551Registry registry_, address implementation)
        ERC721(name_, symbol_)
    {
        if (bytes(name_).length == 0 || bytes(symbol_).length == 0) revert EmptyName();
        if (admin_ == address(0) || address(registry_) == address(0) || implementation == address(0)) {
            revert ZeroAddress();
        }
        registry = registry_;
        accountImplementation = implementation;
        communityAccount = registry_.account(implementation, bytes32(0), block.chainid, address(this), 0);
        _mintWithAccount(admin_);
    }

    /// @notice Mints the next membership token to `to` and creates its token bound account.
    /// Only the community's admin (holder of token 0) or the community's account may mint.
    function mint(address to) external returns (uint256 tokenId, address account) {
        if (msg.sender != _ownerOf(0) && msg.sender != communityAccount) revert NotCommunityAdmin(msg.sender);
        return _mintWithAccount(to);
    }

    /// @notice Mints one token to each of `to`, in order; returns the first new token's id.
    function mintBatch(address[] calldata to) external returns (uint256 firstTokenId) {
        if (msg.sender != _ownerOf(0) && msg.sender != communityAccount) revert NotCommunityAdmin(msg.sender);
        firstTokenId = _minted;
        for (uint256 i = 0; i < to.length; ++i) {
            _mintWithAccount(to[i]);
        }
    }

    /// @notice The community's admin: the current holder of token 0.
    function admin() external view returns (address) {
        return _ownerOf(0);
    }

    /// @notice How many tokens exist (ids 0 to totalMinted() - 1).
    function totalMinted() external view returns (uint256) {
        return _minted;
    }

    /// @notice Whether `holder` holds a token of this collection now.
    function isMember(address holder) external view returns (bool) {
        return holder != address(0) && balanceOf(holder) > 0;
    }

    /// @notice The token bound account of `tokenId` (created when the token was minted).
    function accountOf(uint256 tokenId) external view returns (address) {
        return registry.account(accountImplementation, bytes32(0), block.chainid, address(this), tokenId);
    }

    /// @notice The holders of tokens `from` to `from + count - 1` (fewer past the last token): a
    /// page of the member list in one call.
    function holders(uint256 from, uint256 count) external view returns (address[] memory page) {
        uint256 end = _minted;
        if (from >= end) return new address[](0);
        if (count < end - from) end = from + count;
        page = new address[](end - from);
        for (uint256 id = from; id < end; ++id) {
            page[id - from] = _ownerOf(id);
        }
    }

    function _mintWithAccount(address to) private returns (uint256 tokenId, address account) {
        tokenId = _minted++;
        _safeMint(to, tokenId);
        account = registry.createAccount(accountImplementation, bytes32(0), block.chainid, address(this), tokenId);
        emit MemberMinted(to, tokenId, account);
    }

    /// @dev Refuses a transfer of an existing token into an ownership cycle; mints cannot make
    /// one (a new token holds nothing and is held by nobody's account yet).
    function _update(address to, uint256 tokenId, address auth) internal override returns (address) {
        if (to.code.length != 0 && _ownerOf(tokenId) != address(0) && wouldCreateOwnershipCycle(to, address(this), tokenId)) {
            revert OwnershipCycle(address(this), tokenId);
        }
        return super._update(to, tokenId, auth);
    }
}
