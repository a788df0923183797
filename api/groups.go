package api

import (
	"crypto/ecdsa"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math/bits"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"
)

// Groups: a network past one Raft group (docs/ARCHITECTURE.md, "Work
// groups"). Its coordinators form several groups, each an ordinary
// Meadow cluster, and the group map says which group is home to what: the
// group whose range holds the first eight bytes of keccak256 of a key, read
// as a big-endian number. A node's key is its address (lowercase 0x-hex),
// so a node registers, works and is paid for its work in one group; a job's
// key is its id up to the first dot (a pipeline's stages share their
// pipeline's group), and a group mints only ids that fall in its own range,
// so that anyone holding the map finds a job from its id alone.
//
// The map is signed by a threshold of the operators' keys (those of the
// network file), so a node or buyer follows a coordinator's "wrong group"
// answer only to members the operators named.

// GroupMapFormat names the group map's format and version.
const GroupMapFormat = "meadow-groups/1"

// MaxGroupMapSize bounds a group map's encoding.
const MaxGroupMapSize = 256 << 10

// MaxGroups bounds the groups of one map.
const MaxGroups = 256

// CodeWrongGroup is the error code of a request sent to a group that is not
// home to what it names (421 Misdirected Request): the answer names the home
// group and the map's epoch, and the client sends the request there.
const CodeWrongGroup ErrorCode = "wrong_group"

// ErrWrongGroup is what a RemoteError with CodeWrongGroup matches, and what
// a coordinator wraps to answer 421.
var ErrWrongGroup = errors.New("api: not this group's")

// WrongGroupError is a coordinator's refusal of a request that belongs to
// another group: What names the node or job, Group its home group.
type WrongGroupError struct {
	What  string
	Group string
	Epoch uint64
}

func (e *WrongGroupError) Error() string {
	return fmt.Sprintf("%s belongs to group %s (group map epoch %d): send it to that group's coordinators", e.What, e.Group, e.Epoch)
}

// Unwrap makes the error match ErrWrongGroup.
func (e *WrongGroupError) Unwrap() error { return ErrWrongGroup }

// GroupMap is the signed group map.
type GroupMap struct {
	Format string `json:"format"`
	// ChainID is the network's chain: a map signed for one network is
	// refused by another's clients.
	ChainID uint64 `json:"chain_id"`
	// Epoch grows with every change of the map; a client keeps the map of
	// the highest epoch it has verified.
	Epoch uint64 `json:"epoch"`
	// Groups in the order of their ranges: the first starts at 0, and
	// each runs to the next one's start.
	Groups []Group `json:"groups"`
	// Signatures are operators' signatures of Digest.
	Signatures []GroupSignature `json:"signatures,omitempty"`
}

// Group is one Raft group of coordinators.
type Group struct {
	// ID names the group (lowercase letters, digits and dashes).
	ID string `json:"id"`
	// Start is the first key hash the group is home to, "0x" and 16 hex
	// digits.
	Start string `json:"start"`
	// Members are the group's coordinators' base URLs.
	Members []string `json:"members"`
}

// GroupSignature is an operator's signature of a map's digest.
type GroupSignature struct {
	Signer    common.Address `json:"signer"`
	Signature hexutil.Bytes  `json:"signature"`
}

var groupIDRe = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,31}$`)

// Validate checks every field but the signatures' validity
// (VerifySignatures) and names each wrong one.
func (m GroupMap) Validate() error {
	var v validator
	if m.Format != GroupMapFormat {
		v.add("format", quote(m.Format), fmt.Sprintf("%q", GroupMapFormat))
	}
	if m.ChainID == 0 || m.ChainID > MaxNonce {
		v.add("chain_id", uitoa(m.ChainID), "a chain id from 1 to 2^53-1")
	}
	if m.Epoch == 0 || m.Epoch > MaxNonce {
		v.add("epoch", uitoa(m.Epoch), "a map epoch from 1 to 2^53-1")
	}
	if len(m.Groups) == 0 || len(m.Groups) > MaxGroups {
		v.add("groups", fmt.Sprintf("%d groups", len(m.Groups)), fmt.Sprintf("1 to %d groups", MaxGroups))
	}
	ids := map[string]bool{}
	urls := map[string]bool{}
	var prev uint64
	for i, g := range m.Groups {
		f := at("groups", i)
		if !groupIDRe.MatchString(g.ID) {
			v.add(f+".id", quote(g.ID), "1 to 32 lowercase letters, digits and dashes, not starting with a dash")
		} else if ids[g.ID] {
			v.add(f+".id", quote(g.ID), "each group id once")
		}
		ids[g.ID] = true
		start, err := parseGroupStart(g.Start)
		switch {
		case err != nil:
			v.add(f+".start", quote(g.Start), "0x and 16 hex digits")
		case i == 0 && start != 0:
			v.add(f+".start", quote(g.Start), "0x0000000000000000: the first group's range starts at 0")
		case i > 0 && start <= prev:
			v.add(f+".start", quote(g.Start), "a start above the previous group's: groups in the order of their ranges")
		}
		prev = start
		if len(g.Members) == 0 || len(g.Members) > 16 {
			v.add(f+".members", fmt.Sprintf("%d URLs", len(g.Members)), "1 to 16 coordinator base URLs")
		}
		for j, u := range g.Members {
			mf := at(f+".members", j)
			if exp := checkBaseURL(u); exp != "" {
				v.add(mf, quote(u), exp)
			} else if urls[strings.TrimRight(u, "/")] {
				v.add(mf, quote(u), "each coordinator in one group, once")
			}
			urls[strings.TrimRight(u, "/")] = true
		}
	}
	signers := map[common.Address]bool{}
	for i, s := range m.Signatures {
		f := at("signatures", i)
		if s.Signer == (common.Address{}) {
			v.add(f+".signer", s.Signer.Hex(), "an operator's address, not zero")
		} else if signers[s.Signer] {
			v.add(f+".signer", s.Signer.Hex(), "each signer once")
		}
		signers[s.Signer] = true
		if len(s.Signature) != crypto.SignatureLength {
			v.add(f+".signature", fmt.Sprintf("%d bytes", len(s.Signature)), "a 65-byte secp256k1 signature")
		}
	}
	return v.err()
}

func parseGroupStart(s string) (uint64, error) {
	if len(s) != 18 || !strings.HasPrefix(s, "0x") || strings.ToLower(s) != s {
		return 0, errors.New("not 0x and 16 lowercase hex digits")
	}
	return strconv.ParseUint(s[2:], 16, 64)
}

// GroupStart formats a range start as a map writes it.
func GroupStart(n uint64) string { return fmt.Sprintf("0x%016x", n) }

// EvenGroupStarts returns the starts of n groups of equal ranges.
func EvenGroupStarts(n int) []string {
	out := make([]string, n)
	for i := range out {
		// ⌊i·2^64/n⌋: the 128-bit i·2^64 divided by n.
		q, _ := bits.Div64(uint64(i), 0, uint64(n))
		out[i] = GroupStart(q)
	}
	return out
}

// KeyHash is the number a key is placed by: the first eight bytes of
// keccak256 of the key's bytes, big-endian.
func KeyHash(key string) uint64 {
	h := crypto.Keccak256([]byte(key))
	return binary.BigEndian.Uint64(h[:8])
}

// NodeKey is a node's placement key: its address in lowercase 0x-hex.
func NodeKey(addr common.Address) string { return strings.ToLower(addr.Hex()) }

// JobKey is a job's (or dataset's, or pipeline's) placement key: its id up
// to the first dot, so that a pipeline's stage jobs ("p-….crawl") live in
// their pipeline's group, without the "ds-" of a dataset's id (a job's
// dataset is "ds-" and the job's id), so that a dataset lives with its job.
func JobKey(id string) string {
	id = strings.TrimPrefix(id, "ds-")
	if i := strings.IndexByte(id, '.'); i >= 0 {
		return id[:i]
	}
	return id
}

// Home returns the index of the group that is home to key: the last group
// whose start is at most the key's hash. The map must be valid (its first
// group starts at 0).
func (m GroupMap) Home(key string) int {
	h := KeyHash(key)
	return sort.Search(len(m.Groups), func(i int) bool {
		s, _ := parseGroupStart(m.Groups[i].Start)
		return s > h
	}) - 1
}

// Group returns the group with id, or false.
func (m GroupMap) Group(id string) (Group, bool) {
	for _, g := range m.Groups {
		if g.ID == id {
			return g, true
		}
	}
	return Group{}, false
}

// Digest is what operators sign: keccak256 of a domain string, the chain
// id and the map's JSON without its signatures.
func (m GroupMap) Digest() (common.Hash, error) {
	m.Signatures = nil
	body, err := json.Marshal(m)
	if err != nil {
		return common.Hash{}, err
	}
	var chain [8]byte
	binary.BigEndian.PutUint64(chain[:], m.ChainID)
	return crypto.Keccak256Hash([]byte("meadow group map\x00"), chain[:], body), nil
}

// Sign adds (or replaces) key's signature of the map.
func (m *GroupMap) Sign(key *ecdsa.PrivateKey) error {
	d, err := m.Digest()
	if err != nil {
		return err
	}
	sig, err := crypto.Sign(d[:], key)
	if err != nil {
		return fmt.Errorf("group map: signing: %w", err)
	}
	who := crypto.PubkeyToAddress(key.PublicKey)
	for i, s := range m.Signatures {
		if s.Signer == who {
			m.Signatures[i].Signature = sig
			return nil
		}
	}
	m.Signatures = append(m.Signatures, GroupSignature{Signer: who, Signature: sig})
	return nil
}

// VerifySignatures checks that at least threshold of operators signed the
// map. A signature that does not verify is an error; signatures by keys
// outside operators do not count. An empty operator set verifies nothing
// and is an error.
func (m GroupMap) VerifySignatures(operators []common.Address, threshold int) error {
	if len(operators) == 0 || threshold < 1 {
		return fmt.Errorf("%w: group map: no operators to check its signatures against (the network file's operators and threshold)", ErrBadSignature)
	}
	d, err := m.Digest()
	if err != nil {
		return err
	}
	ok := 0
	for i, s := range m.Signatures {
		if len(s.Signature) != crypto.SignatureLength {
			return fmt.Errorf("%w: group map: signatures[%d]: %d bytes", ErrBadSignature, i, len(s.Signature))
		}
		sig := append([]byte(nil), s.Signature...)
		if sig[64] >= 27 {
			sig[64] -= 27
		}
		pub, err := crypto.SigToPub(d[:], sig)
		if err != nil || crypto.PubkeyToAddress(*pub) != s.Signer {
			return fmt.Errorf("%w: group map: signatures[%d] is not %s's signature of this map", ErrBadSignature, i, s.Signer.Hex())
		}
		if slices.Contains(operators, s.Signer) {
			ok++
		}
	}
	if ok < threshold {
		return fmt.Errorf("%w: group map: %d signatures by the network's %d operators: expected at least %d", ErrBadSignature, ok, len(operators), threshold)
	}
	return nil
}

// ParseGroupMap reads a group map strictly and validates it (not its
// signatures).
func ParseGroupMap(data []byte) (GroupMap, error) {
	if len(data) > MaxGroupMapSize {
		return GroupMap{}, fmt.Errorf("%w: group map: more than %d bytes", ErrTooLarge, MaxGroupMapSize)
	}
	var m GroupMap
	if err := Unmarshal(data, &m); err != nil {
		return GroupMap{}, err
	}
	return m, nil
}

// LoadGroupMap reads and validates the group map file at path.
func LoadGroupMap(path string) (GroupMap, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return GroupMap{}, fmt.Errorf("group map: %w", err)
	}
	m, err := ParseGroupMap(data)
	if err != nil {
		return GroupMap{}, fmt.Errorf("group map %s: %w", path, err)
	}
	return m, nil
}

// MarshalGroupMap encodes m as indented JSON.
func MarshalGroupMap(m GroupMap) ([]byte, error) {
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("group map: %w", err)
	}
	return append(data, '\n'), nil
}
