package contracts

import (
	"crypto/ecdsa"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// EIP-712 domain names and version of the two contracts operators sign for.
const (
	RewardsDomainName  = "MeadowRewards"
	DatasetsDomainName = "MeadowDatasets"
	DomainVersion      = "1"
)

var (
	domainTypeHash    = crypto.Keccak256Hash([]byte("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"))
	epochRootTypeHash = crypto.Keccak256Hash([]byte("EpochRoot(uint256 epoch,bytes32 root,uint256 emission,uint256 revenueShare)"))
	datasetTypeHash   = crypto.Keccak256Hash([]byte("Dataset(bytes32 datasetId,bytes32 root,uint256 rows)"))
)

// Domain is an EIP-712 signing domain: which contract, on which chain, a
// signature is good for.
type Domain struct {
	Name              string
	Version           string
	ChainID           *big.Int
	VerifyingContract common.Address
}

// Separator returns the domain separator, as the contract's
// domainSeparator() does.
func (d Domain) Separator() common.Hash {
	chainID := d.ChainID
	if chainID == nil {
		chainID = new(big.Int)
	}
	return crypto.Keccak256Hash(
		domainTypeHash[:],
		crypto.Keccak256([]byte(d.Name)),
		crypto.Keccak256([]byte(d.Version)),
		common.LeftPadBytes(chainID.Bytes(), 32),
		common.LeftPadBytes(d.VerifyingContract[:], 32),
	)
}

// digest is keccak256(0x1901 ‖ separator ‖ structHash).
func (d Domain) digest(structHash common.Hash) common.Hash {
	sep := d.Separator()
	return crypto.Keccak256Hash([]byte{0x19, 0x01}, sep[:], structHash[:])
}

// EpochRoot is what operators sign to settle an epoch.
type EpochRoot struct {
	// Epoch is the epoch settled, from 1; it must be the one after the last
	// settled.
	Epoch uint64
	// Root is the reward tree's root over cumulative balances.
	Root common.Hash
	// Emission is the MEADOW minted for the epoch, in base units.
	Emission *big.Int
	// RevenueShare is the stable tokens assigned to nodes for the epoch.
	RevenueShare *big.Int
}

// Validate checks the fields a contract would reject or misread.
func (r EpochRoot) Validate() error {
	if r.Epoch == 0 {
		return fmt.Errorf("%w: epoch is 0, want 1 or more", ErrInvalidEpoch)
	}
	if err := CheckUint256("emission", r.Emission); err != nil {
		return err
	}
	return CheckUint256("revenue share", r.RevenueShare)
}

// Digest returns the EIP-712 digest of r in domain d, the hash operators
// sign.
func (r EpochRoot) Digest(d Domain) (common.Hash, error) {
	if err := r.Validate(); err != nil {
		return common.Hash{}, err
	}
	return d.digest(crypto.Keccak256Hash(
		epochRootTypeHash[:],
		word(new(big.Int).SetUint64(r.Epoch)),
		r.Root[:],
		word(r.Emission),
		word(r.RevenueShare),
	)), nil
}

// Dataset is what operators sign to record a dataset's root.
type Dataset struct {
	ID   common.Hash
	Root common.Hash
	Rows uint64
}

// Validate checks the fields the registry would reject.
func (ds Dataset) Validate() error {
	if ds.Root == (common.Hash{}) {
		return fmt.Errorf("%w: dataset %s has a zero root", ErrZeroRoot, ds.ID.Hex())
	}
	return nil
}

// Digest returns the EIP-712 digest of ds in domain d.
func (ds Dataset) Digest(d Domain) (common.Hash, error) {
	if err := ds.Validate(); err != nil {
		return common.Hash{}, err
	}
	return d.digest(crypto.Keccak256Hash(
		datasetTypeHash[:],
		ds.ID[:],
		ds.Root[:],
		word(new(big.Int).SetUint64(ds.Rows)),
	)), nil
}

// SignEpochRoot signs r for the distributor of domain d with an operator
// key. The signature is 65 bytes r ‖ s ‖ v with v 27 or 28, as
// OpenZeppelin's ECDSA expects.
func SignEpochRoot(key *ecdsa.PrivateKey, d Domain, r EpochRoot) ([]byte, error) {
	h, err := r.Digest(d)
	if err != nil {
		return nil, err
	}
	return signDigest(key, h)
}

// SignDataset signs ds for the registry of domain d with an operator key.
func SignDataset(key *ecdsa.PrivateKey, d Domain, ds Dataset) ([]byte, error) {
	h, err := ds.Digest(d)
	if err != nil {
		return nil, err
	}
	return signDigest(key, h)
}

// RecoverSigner returns the address that made sig over digest (a signature
// from SignEpochRoot or SignDataset), so a coordinator can check a peer's
// signature before submitting it.
func RecoverSigner(digest common.Hash, sig []byte) (common.Address, error) {
	if len(sig) != 65 {
		return common.Address{}, fmt.Errorf("contracts: signature is %d bytes, want 65", len(sig))
	}
	s := make([]byte, 65)
	copy(s, sig)
	if s[64] >= 27 {
		s[64] -= 27
	}
	pub, err := crypto.SigToPub(digest[:], s)
	if err != nil {
		return common.Address{}, fmt.Errorf("contracts: recover signer: %w", err)
	}
	return crypto.PubkeyToAddress(*pub), nil
}

func signDigest(key *ecdsa.PrivateKey, h common.Hash) ([]byte, error) {
	if key == nil {
		return nil, fmt.Errorf("%w: signing needs an operator key", ErrNoKey)
	}
	sig, err := crypto.Sign(h[:], key)
	if err != nil {
		return nil, fmt.Errorf("contracts: sign: %w", err)
	}
	sig[64] += 27
	return sig, nil
}

// word is x as a 32-byte big-endian ABI word; x must already be checked.
func word(x *big.Int) []byte {
	return common.LeftPadBytes(x.Bytes(), 32)
}
