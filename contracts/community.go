package contracts

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/meadow-net/meadow/contracts/bindings/communityfactory"
	"github.com/meadow-net/meadow/contracts/bindings/erc6551account"
	"github.com/meadow-net/meadow/contracts/bindings/erc6551registry"
	"github.com/meadow-net/meadow/contracts/bindings/membership"
)

// Communities: a membership collection (ERC-721) per community, whose token
// 0 is the community's key and whose token 0 account (ERC-6551) is the
// community's account, the buyer of its jobs. See DESIGN.md, "Communities".

var (
	membershipC       = membership.NewMembership()
	communityFactoryC = communityfactory.NewCommunityFactory()
)

// Errors of communities (reverts, through tbaError).
var (
	// ErrNotCommunityAdmin: a mint by someone who holds neither token 0
	// nor the community's account.
	ErrNotCommunityAdmin = errors.New("contracts: not the community's admin")
	// ErrEmptyName: a community with an empty name or symbol.
	ErrEmptyName = errors.New("contracts: empty community name or symbol")
	// ErrNoSuchToken: a membership token that was never minted.
	ErrNoSuchToken = errors.New("contracts: no such token")
	// ErrNotTokenHolder: a transfer of a token by someone who neither
	// holds it nor is approved for it.
	ErrNotTokenHolder = errors.New("contracts: not the token's holder")
	// ErrInvalidReceiver: a token sent to the zero address or to a contract
	// that cannot hold ERC-721 tokens.
	ErrInvalidReceiver = errors.New("contracts: invalid token receiver")
)

// CommunityAddresses are where the community contracts live: the ERC-6551
// registry, the account implementation and the factory.
type CommunityAddresses struct {
	Registry       common.Address `json:"account_registry"`
	Implementation common.Address `json:"account_implementation"`
	Factory        common.Address `json:"community_factory"`
}

// Validate reports every address that is zero.
func (a CommunityAddresses) Validate() error {
	var errs []error
	for _, f := range []struct {
		name string
		addr common.Address
	}{{"account registry", a.Registry}, {"account implementation", a.Implementation}, {"community factory", a.Factory}} {
		if f.addr == (common.Address{}) {
			errs = append(errs, fmt.Errorf("%w: %s address is zero", ErrNotDeployed, f.name))
		}
	}
	return errors.Join(errs...)
}

// Communities creates and reads communities through one deployment of the
// community contracts on a Chain. Safe for concurrent use.
type Communities struct {
	chain *Chain
	addrs CommunityAddresses
}

// Addresses returns the community contracts it uses.
func (cm *Communities) Addresses() CommunityAddresses { return cm.addrs }

// DeployCommunities deploys the ERC-6551 registry, the account
// implementation and the community factory (three transactions, deployer
// paying) beside contracts already deployed, and records the factory in
// the Chain's addresses. Deploy does the same as its last step; this is for
// a chain whose contracts were deployed before communities. The creations
// come back in the order sent.
func (c *Chain) DeployCommunities(ctx context.Context, deployer *ecdsa.PrivateKey) (*Communities, []Creation, error) {
	if deployer == nil {
		return nil, nil, fmt.Errorf("%w: deploy communities needs the deployer's private key", ErrNoKey)
	}
	var done []Creation
	a, err := c.deployCommunities(ctx, deployer, &done)
	if err != nil {
		return nil, done, err
	}
	c.setCommunityFactory(a.Factory)
	return &Communities{chain: c, addrs: a}, done, nil
}

// deployCommunities sends the three creations, appending each to done.
func (c *Chain) deployCommunities(ctx context.Context, deployer *ecdsa.PrivateKey, done *[]Creation) (CommunityAddresses, error) {
	var a CommunityAddresses
	rcpt, err := c.deployNext(ctx, deployer, done, "ERC6551Registry", common.FromHex(erc6551registry.ERC6551RegistryMetaData.Bin))
	if err != nil {
		return a, err
	}
	a.Registry = rcpt.ContractAddress
	if rcpt, err = c.deployNext(ctx, deployer, done, "ERC6551Account", common.FromHex(erc6551account.ERC6551AccountMetaData.Bin)); err != nil {
		return a, err
	}
	a.Implementation = rcpt.ContractAddress
	code := append(common.FromHex(communityfactory.CommunityFactoryMetaData.Bin), communityFactoryC.PackConstructor(a.Registry, a.Implementation)...)
	if rcpt, err = c.deployNext(ctx, deployer, done, "CommunityFactory", code); err != nil {
		return a, err
	}
	a.Factory = rcpt.ContractAddress
	return a, nil
}

// AttachCommunities uses a factory already deployed; the registry and the
// implementation are read from it, and the factory is recorded in the
// Chain's addresses (Addresses().CommunityFactory, which the coordinators
// publish). Call it after Attach, which forgets any factory.
func (c *Chain) AttachCommunities(ctx context.Context, factory common.Address) (*Communities, error) {
	if factory == (common.Address{}) {
		return nil, fmt.Errorf("%w: community factory address is zero", ErrInvalidConfig)
	}
	a := CommunityAddresses{Factory: factory}
	var err error
	if a.Registry, err = c.callAddress(ctx, "read the factory's account registry", factory, communityFactoryC.PackRegistry(), communityFactoryC.UnpackRegistry); err != nil {
		return nil, err
	}
	if a.Implementation, err = c.callAddress(ctx, "read the factory's account implementation", factory, communityFactoryC.PackAccountImplementation(), communityFactoryC.UnpackAccountImplementation); err != nil {
		return nil, err
	}
	c.setCommunityFactory(factory)
	return &Communities{chain: c, addrs: a}, nil
}

// Communities is AttachCommunities with the factory the Chain's addresses
// name (Deploy's, or the one attached); a Chain without one is
// ErrNotDeployed.
func (c *Chain) Communities(ctx context.Context) (*Communities, error) {
	f := c.Addresses().CommunityFactory
	if f == (common.Address{}) {
		return nil, fmt.Errorf("%w: the network has no community factory (deployed before communities? DeployCommunities, or attach one: AttachCommunities)", ErrNotDeployed)
	}
	return c.AttachCommunities(ctx, f)
}

func (c *Chain) setCommunityFactory(f common.Address) {
	c.addrMu.Lock()
	defer c.addrMu.Unlock()
	c.addrs.CommunityFactory = f
}

// Community is a community as created.
type Community struct {
	// Collection is the membership collection (ERC-721).
	Collection common.Address `json:"collection"`
	// Account is token 0's ERC-6551 account: the community's account, the
	// buyer of its jobs.
	Account common.Address `json:"account"`
	// Admin received token 0, the community's key.
	Admin  common.Address `json:"admin"`
	Name   string         `json:"name"`
	Symbol string         `json:"symbol"`
	Receipt
}

// CreateCommunity creates a community called name/symbol (neither empty:
// ErrEmptyName), mints token 0 to admin (not zero: ErrZeroAddress) and
// creates the community's account. sender pays for gas and need not be the
// admin.
func (cm *Communities) CreateCommunity(ctx context.Context, sender *ecdsa.PrivateKey, name, symbol string, admin common.Address) (Community, error) {
	op := fmt.Sprintf("create community %q (%s)", name, symbol)
	rcpt, err := cm.chain.transact(ctx, op, sender, &cm.addrs.Factory, communityFactoryC.PackCreate(name, symbol, admin))
	if err != nil {
		return Community{}, tbaError(err)
	}
	topic := communityFactoryC.GetABI().Events["CommunityCreated"].ID
	for _, l := range rcpt.Logs {
		if l.Address != cm.addrs.Factory || len(l.Topics) == 0 || l.Topics[0] != topic {
			continue
		}
		ev, err := communityFactoryC.UnpackCommunityCreatedEvent(l)
		if err != nil {
			return Community{}, fmt.Errorf("contracts: %s: %w", op, err)
		}
		return Community{Collection: ev.Collection, Account: ev.Account, Admin: ev.Admin, Name: ev.Name, Symbol: ev.Symbol, Receipt: receiptOf(rcpt)}, nil
	}
	return Community{}, fmt.Errorf("contracts: %s: transaction %s has no CommunityCreated event", op, rcpt.TxHash.Hex())
}

// IsCommunity reports whether collection was created by this deployment's
// factory.
func (cm *Communities) IsCommunity(ctx context.Context, collection common.Address) (bool, error) {
	out, err := cm.chain.call(ctx, "read whether "+collection.Hex()+" is a community", cm.addrs.Factory, communityFactoryC.PackIsCommunity(collection))
	if err != nil {
		return false, err
	}
	return communityFactoryC.UnpackIsCommunity(out)
}

// Member is one membership token: its id, who holds it and its ERC-6551
// account.
type Member struct {
	TokenID uint64         `json:"token_id"`
	Holder  common.Address `json:"holder"`
	Account common.Address `json:"account"`
}

// MintMember mints the collection's next token to `to` and creates its
// account, signed by the community's admin (the holder of token 0; anyone
// else: ErrNotCommunityAdmin).
func (cm *Communities) MintMember(ctx context.Context, admin *ecdsa.PrivateKey, collection, to common.Address) (Member, Receipt, error) {
	ms, rcpt, err := cm.mint(ctx, admin, collection, fmt.Sprintf("mint a membership of %s to %s", collection.Hex(), to.Hex()), membershipC.PackMint(to))
	if err != nil {
		return Member{}, rcpt, err
	}
	if len(ms) != 1 {
		return Member{}, rcpt, fmt.Errorf("contracts: mint to %s: transaction %s has %d MemberMinted events, want 1", to.Hex(), rcpt.TxHash.Hex(), len(ms))
	}
	return ms[0], rcpt, nil
}

// MintMembers mints one token to each of to, in order, in one transaction
// (mintBatch), each with its account.
func (cm *Communities) MintMembers(ctx context.Context, admin *ecdsa.PrivateKey, collection common.Address, to []common.Address) ([]Member, Receipt, error) {
	if len(to) == 0 {
		return nil, Receipt{}, nil
	}
	ms, rcpt, err := cm.mint(ctx, admin, collection, fmt.Sprintf("mint %d memberships of %s", len(to), collection.Hex()), membershipC.PackMintBatch(to))
	if err == nil && len(ms) != len(to) {
		err = fmt.Errorf("contracts: mint %d memberships: transaction %s has %d MemberMinted events", len(to), rcpt.TxHash.Hex(), len(ms))
	}
	return ms, rcpt, err
}

func (cm *Communities) mint(ctx context.Context, admin *ecdsa.PrivateKey, collection common.Address, op string, data []byte) ([]Member, Receipt, error) {
	rcpt, err := cm.chain.transact(ctx, op, admin, &collection, data)
	if err != nil {
		return nil, Receipt{}, tbaError(err)
	}
	topic := membershipC.GetABI().Events["MemberMinted"].ID
	var ms []Member
	for _, l := range rcpt.Logs {
		if l.Address != collection || len(l.Topics) == 0 || l.Topics[0] != topic {
			continue
		}
		ev, err := membershipC.UnpackMemberMintedEvent(l)
		if err != nil || !ev.TokenId.IsUint64() {
			return nil, receiptOf(rcpt), fmt.Errorf("contracts: %s: bad MemberMinted event in %s: %v", op, rcpt.TxHash.Hex(), err)
		}
		ms = append(ms, Member{TokenID: ev.TokenId.Uint64(), Holder: ev.Holder, Account: ev.Account})
	}
	return ms, receiptOf(rcpt), nil
}

// membersPage is how many holders one eth_call reads: 500 addresses are
// 16 KB of answer and well under a node's call gas cap.
const membersPage = 500

// Members lists every token of the collection with its current holder and
// account (computed locally: TokenBoundAccountAddress). A holder of
// several tokens appears once per token.
func (cm *Communities) Members(ctx context.Context, collection common.Address) ([]Member, error) {
	n, err := cm.chain.readUint(ctx, "read the size of collection "+collection.Hex(), collection, membershipC.PackTotalMinted(), membershipC.UnpackTotalMinted)
	if err != nil {
		return nil, err
	}
	if !n.IsUint64() {
		return nil, fmt.Errorf("contracts: collection %s states %s tokens: out of range", collection.Hex(), n)
	}
	chainID, err := cm.chain.ChainID(ctx)
	if err != nil {
		return nil, err
	}
	total := n.Uint64()
	members := make([]Member, 0, total)
	for from := uint64(0); from < total; from += membersPage {
		op := fmt.Sprintf("read the holders of tokens %d.. of %s", from, collection.Hex())
		out, err := cm.chain.call(ctx, op, collection, membershipC.PackHolders(new(big.Int).SetUint64(from), big.NewInt(membersPage)))
		if err != nil {
			return nil, err
		}
		page, err := membershipC.UnpackHolders(out)
		if err != nil {
			return nil, fmt.Errorf("contracts: %s: %w", op, err)
		}
		for i, h := range page {
			id := from + uint64(i)
			members = append(members, Member{TokenID: id, Holder: h, Account: cm.accountAddress(chainID, collection, id)})
		}
	}
	return members, nil
}

func (cm *Communities) accountAddress(chainID *big.Int, collection common.Address, tokenID uint64) common.Address {
	return TokenBoundAccountAddress(cm.addrs.Registry, cm.addrs.Implementation, common.Hash{}, chainID, collection, new(big.Int).SetUint64(tokenID))
}

// AccountOf asks the registry for the account of token tokenID of
// collection (salt 0, this chain), whether or not it was created yet.
func (cm *Communities) AccountOf(ctx context.Context, collection common.Address, tokenID uint64) (common.Address, error) {
	chainID, err := cm.chain.ChainID(ctx)
	if err != nil {
		return common.Address{}, err
	}
	data := tbaRegistryC.PackAccount(cm.addrs.Implementation, [32]byte{}, chainID, collection, new(big.Int).SetUint64(tokenID))
	return cm.chain.callAddress(ctx, fmt.Sprintf("read the account of token %d of %s", tokenID, collection.Hex()), cm.addrs.Registry, data, tbaRegistryC.UnpackAccount)
}

// AccountCreation is what CreateAccount did.
type AccountCreation struct {
	Account common.Address
	// Created is false when the account already existed (nothing deployed,
	// no event).
	Created bool
	Receipt
}

// CreateAccount creates (through the registry) the account of any token
// of any ERC-721 collection on this chain, salt 0, or returns the existing
// one: creating it twice is harmless. Membership tokens get theirs when
// minted.
func (cm *Communities) CreateAccount(ctx context.Context, sender *ecdsa.PrivateKey, collection common.Address, tokenID *big.Int) (AccountCreation, error) {
	if err := CheckUint256("token id", tokenID); err != nil {
		return AccountCreation{}, err
	}
	chainID, err := cm.chain.ChainID(ctx)
	if err != nil {
		return AccountCreation{}, err
	}
	data := tbaRegistryC.PackCreateAccount(cm.addrs.Implementation, [32]byte{}, chainID, collection, tokenID)
	rcpt, err := cm.chain.transact(ctx, fmt.Sprintf("create the account of token %s of %s", tokenID, collection.Hex()), sender, &cm.addrs.Registry, data)
	if err != nil {
		return AccountCreation{}, tbaError(err)
	}
	res := AccountCreation{
		Account: TokenBoundAccountAddress(cm.addrs.Registry, cm.addrs.Implementation, common.Hash{}, chainID, collection, tokenID),
		Receipt: receiptOf(rcpt),
	}
	for _, a := range parseAccountCreated(cm.addrs.Registry, rcpt.Logs) {
		if a == res.Account {
			res.Created = true
		}
	}
	return res, nil
}

// TransferMembership moves token tokenID of collection from holder's key
// to `to` (safeTransferFrom: a contract receiver must accept ERC-721
// tokens). Control of the token's account goes with it; membership leaves
// holder once it holds no other token.
func (c *Chain) TransferMembership(ctx context.Context, holder *ecdsa.PrivateKey, collection, to common.Address, tokenID uint64) (Receipt, error) {
	if holder == nil {
		return Receipt{}, fmt.Errorf("%w: transfer a membership needs the holder's private key", ErrNoKey)
	}
	from := crypto.PubkeyToAddress(holder.PublicKey)
	op := fmt.Sprintf("transfer token %d of %s to %s", tokenID, collection.Hex(), to.Hex())
	rcpt, err := c.transact(ctx, op, holder, &collection, membershipC.PackSafeTransferFrom(from, to, new(big.Int).SetUint64(tokenID)))
	if err != nil {
		return Receipt{}, tbaError(err)
	}
	return receiptOf(rcpt), nil
}

// HolderOf reads who holds token tokenID of collection now.
func (c *Chain) HolderOf(ctx context.Context, collection common.Address, tokenID uint64) (common.Address, error) {
	a, err := c.callAddress(ctx, fmt.Sprintf("read the holder of token %d of %s", tokenID, collection.Hex()), collection, membershipC.PackOwnerOf(new(big.Int).SetUint64(tokenID)), membershipC.UnpackOwnerOf)
	return a, tbaError(err)
}

// parseAccountCreated decodes the registry's ERC6551AccountCreated logs of
// a receipt.
func parseAccountCreated(registry common.Address, logs []*types.Log) []common.Address {
	topic := tbaRegistryC.GetABI().Events["ERC6551AccountCreated"].ID
	var out []common.Address
	for _, l := range logs {
		if l.Address != registry || len(l.Topics) == 0 || l.Topics[0] != topic {
			continue
		}
		if ev, err := tbaRegistryC.UnpackERC6551AccountCreatedEvent(l); err == nil {
			out = append(out, ev.Account)
		}
	}
	return out
}

// SendStable transfers amount of the network's stable token (base units)
// from from's key to `to`: how a buyer funds a community's account, which
// then pays for the community's jobs (PayAs). Not more than from holds
// (the token's ERC20InsufficientBalance comes back as a *RevertError).
func (c *Chain) SendStable(ctx context.Context, from *ecdsa.PrivateKey, to common.Address, amount *big.Int) (Receipt, error) {
	op := "send stable to " + to.Hex()
	a, err := c.deployed(op)
	if err != nil {
		return Receipt{}, err
	}
	if err := CheckUint256("amount", amount); err != nil {
		return Receipt{}, err
	}
	if amount.Sign() == 0 {
		return Receipt{}, fmt.Errorf("%w: %s: amount is 0, want more", ErrZeroAmount, op)
	}
	if to == (common.Address{}) {
		return Receipt{}, fmt.Errorf("%w: %s", ErrZeroAddress, op)
	}
	rcpt, err := c.transact(ctx, op, from, &a.Stable, stableC.PackTransfer(to, amount))
	if err != nil {
		return Receipt{}, err
	}
	return receiptOf(rcpt), nil
}
