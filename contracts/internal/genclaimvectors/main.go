// Command genclaimvectors writes contracts/testdata/claim_authorization.json:
// claim authorizations (what a node signs for a relayed claim), each with
// its EIP-712 domain separator, struct hash, digest and a signature by a
// fixed test key. contracts' tests check the Go code and the deployed
// distributor against the file; any other client (a browser extension that
// signs claims) can check itself against it too.
//
// Run from the repository root:
//
//	go run ./contracts/internal/genclaimvectors
//
// The output is deterministic (RFC 6979 signatures); a test in this package
// fails when the file is out of date.
package main

import (
	"bytes"
	"crypto/ecdsa"
	"encoding/json"
	"flag"
	"fmt"
	"math/big"
	"os"
	"path/filepath"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/meadow-net/meadow/contracts"
)

// FileName is the vector file's name in contracts/testdata.
const FileName = "claim_authorization.json"

func main() {
	out := flag.String("out", "contracts/testdata", "directory to write the vector file to")
	flag.Parse()
	data, err := generate()
	if err == nil {
		err = os.WriteFile(filepath.Join(*out, FileName), data, 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "genclaimvectors:", err)
		os.Exit(1)
	}
}

// File is the layout of claim_authorization.json.
type File struct {
	Comment  string `json:"comment"`
	Type     string `json:"type"`
	TypeHash string `json:"type_hash"`
	Cases    []Case `json:"cases"`
}

// Case is one authorization in one domain. Amounts are decimal strings.
type Case struct {
	Name string `json:"name"`
	// The domain: EIP712Domain(string name,string version,uint256 chainId,address verifyingContract).
	DomainName        string `json:"domain_name"`
	DomainVersion     string `json:"domain_version"`
	ChainID           string `json:"chain_id"`
	VerifyingContract string `json:"verifying_contract"`
	DomainSeparator   string `json:"domain_separator"`

	Account          string `json:"account"`
	CumulativeMeadow string `json:"cumulative_meadow"`
	CumulativeStable string `json:"cumulative_stable"`
	Payout           string `json:"payout"`
	FeeMeadow        string `json:"fee_meadow"`
	FeeStable        string `json:"fee_stable"`
	Deadline         uint64 `json:"deadline"`

	StructHash string `json:"struct_hash"`
	Digest     string `json:"digest"`
	// Signature is r ‖ s ‖ v (v 27 or 28, low s) by Account's key.
	Signature string `json:"signature"`
}

// testKey is a fixed key from a public name: it signs test vectors only.
func testKey(name string) *ecdsa.PrivateKey {
	k, err := crypto.ToECDSA(crypto.Keccak256([]byte("meadow claim vector key " + name)))
	if err != nil {
		panic(err) // keccak256 output is a valid key but for a 2^-128 chance
	}
	return k
}

func generate() ([]byte, error) {
	e18 := new(big.Int).Exp(big.NewInt(10), big.NewInt(18), nil)
	max := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 256), big.NewInt(1))
	units := func(n int64, dec *big.Int) *big.Int { return new(big.Int).Mul(big.NewInt(n), dec) }
	dist := common.HexToAddress("0x5FbDB2315678afecb367f032d93F642f64180aa3")
	dev := contracts.Domain{Name: contracts.RewardsDomainName, Version: contracts.DomainVersion, ChainID: big.NewInt(1337), VerifyingContract: dist}
	mainnet := dev
	mainnet.ChainID = big.NewInt(1)
	other := dev
	other.VerifyingContract = common.HexToAddress("0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512")
	node := testKey("node")
	nodeAddr := crypto.PubkeyToAddress(node.PublicKey)
	payout := common.HexToAddress("0x00000000000000000000000000000000000Fee01")

	base := contracts.ClaimAuthorization{
		Account: nodeAddr, CumulativeMeadow: units(2500, e18), CumulativeStable: big.NewInt(7_000_000),
		FeeMeadow: units(25, e18), FeeStable: big.NewInt(70_000), Deadline: 1_800_000_000,
	}
	withPayout := base
	withPayout.Payout = payout
	noFee := base
	noFee.FeeMeadow, noFee.FeeStable = new(big.Int), new(big.Int)
	meadowOnly := base
	meadowOnly.CumulativeStable, meadowOnly.FeeStable = new(big.Int), new(big.Int)
	extremes := contracts.ClaimAuthorization{
		Account: nodeAddr, CumulativeMeadow: max, CumulativeStable: max, Payout: common.HexToAddress("0xffffffffffffffffffffffffffffffffffffffff"),
		FeeMeadow: max, FeeStable: max, Deadline: ^uint64(0),
	}
	cases := []struct {
		name string
		d    contracts.Domain
		a    contracts.ClaimAuthorization
	}{
		{"fees in both tokens, paid to the account", dev, base},
		{"paid to a payout address", dev, withPayout},
		{"no fee", dev, noFee},
		{"MEADOW only", dev, meadowOnly},
		{"same authorization on another chain", mainnet, base},
		{"same authorization for another distributor", other, base},
		{"extremes: every amount 2^256-1, the largest deadline", dev, extremes},
	}
	f := File{
		Comment: "Claim authorizations a node signs for a relayed claim (RewardsDistributor.claimFor), EIP-712 in the distributor's domain. " +
			"digest = keccak256(0x1901 ‖ domain_separator ‖ struct_hash). Generated by `go run ./contracts/internal/genclaimvectors`; checked by contracts' tests in Go and on chain.",
		Type:     contracts.ClaimAuthorizationType,
		TypeHash: contracts.ClaimAuthorizationTypeHash.Hex(),
	}
	for _, c := range cases {
		sh, err := c.a.StructHash()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", c.name, err)
		}
		dg, err := c.a.Digest(c.d)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", c.name, err)
		}
		sig, err := contracts.SignClaimAuthorization(node, c.d, c.a)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", c.name, err)
		}
		f.Cases = append(f.Cases, Case{
			Name: c.name, DomainName: c.d.Name, DomainVersion: c.d.Version, ChainID: c.d.ChainID.String(),
			VerifyingContract: c.d.VerifyingContract.Hex(), DomainSeparator: c.d.Separator().Hex(),
			Account: c.a.Account.Hex(), CumulativeMeadow: c.a.CumulativeMeadow.String(), CumulativeStable: c.a.CumulativeStable.String(),
			Payout: c.a.Payout.Hex(), FeeMeadow: c.a.FeeMeadow.String(), FeeStable: c.a.FeeStable.String(), Deadline: c.a.Deadline,
			StructHash: sh.Hex(), Digest: dg.Hex(), Signature: hexutil.Encode(sig),
		})
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(f); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
