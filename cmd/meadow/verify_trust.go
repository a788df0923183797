package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/meadow-net/meadow/contracts"
	"github.com/meadow-net/meadow/dataset"
)

// chainReadTimeout bounds the registry reads of meadow verify: an endpoint
// that does not answer in this time counts as one that cannot be reached.
const chainReadTimeout = 30 * time.Second

// trustHint says how to name whom a manifest's signatures are checked
// against.
const trustHint = "give --chain-rpc URL and --registry ADDRESS (the chain's dataset registry: its operator set and threshold, and the root it records for the dataset), " +
	"or, where there is no chain to reach, name the signers you trust with --signers ADDRESS,… and how many must have signed with --quorum N; " +
	"or check the file against a root you trust with --root alone"

// errNoTrust is the refusal of a manifest whose signers nobody named.
var errNoTrust = errors.New("--manifest: its signatures can only be checked against signers you trust, and none are given: " + trustHint)

// trustManifest checks m's signatures against the trust the flags name and
// says what it checked: the chain's dataset registry (its operators, its
// threshold, and the root and row count it records for the dataset, which
// must be the manifest's), or the signers the buyer names with a quorum.
// Whoever signed the manifest is never trusted for having signed it.
func trustManifest(ctx context.Context, m *dataset.Manifest, f *verifyFlags) (string, error) {
	chain := f.chainRPC != "" || f.registry != ""
	switch {
	case chain && len(f.signers) > 0:
		return "", usageError(errors.New("--signers: the chain's registry names the signers (--chain-rpc, --registry); give one or the other"))
	case chain:
		return trustRegistry(ctx, m, f)
	case len(f.signers) > 0:
		return trustSigners(m, f)
	case f.quorum != 0:
		return "", usageError(fmt.Errorf("--quorum %d: counts signatures from signers you trust, and none are given: %s", f.quorum, trustHint))
	}
	return "", usageError(errNoTrust)
}

// trustSigners checks m against the signers named on the command line.
func trustSigners(m *dataset.Manifest, f *verifyFlags) (string, error) {
	for i, s := range f.signers {
		if !common.IsHexAddress(s) || !strings.HasPrefix(s, "0x") {
			return "", usageError(fmt.Errorf("--signers: entry %d %q: expected an address, 0x and 40 hex digits", i+1, s))
		}
	}
	if f.quorum < 1 || f.quorum > len(f.signers) {
		return "", usageError(fmt.Errorf("--quorum %d: expected how many of the %d --signers must have signed, 1 to %d", f.quorum, len(f.signers), len(f.signers)))
	}
	if err := m.VerifySignatures(dataset.EthereumVerifier, f.quorum, f.signers); err != nil {
		return "", fmt.Errorf("--manifest %s: %w", f.manifest, err)
	}
	return fmt.Sprintf("signatures of %d of the %d signers named (--signers)", f.quorum, len(f.signers)), nil
}

// trustRegistry checks m against the dataset registry on chain.
func trustRegistry(ctx context.Context, m *dataset.Manifest, f *verifyFlags) (string, error) {
	if f.chainRPC == "" {
		return "", usageError(errors.New("--chain-rpc: expected the JSON-RPC URL of the chain --registry is on"))
	}
	if !common.IsHexAddress(f.registry) || !strings.HasPrefix(f.registry, "0x") {
		return "", usageError(fmt.Errorf("--registry %q: expected the DatasetRegistry's address, 0x and 40 hex digits", f.registry))
	}
	if f.quorum < 0 {
		return "", usageError(fmt.Errorf("--quorum %d: expected 0 or more", f.quorum))
	}
	reg := common.HexToAddress(f.registry)
	ctx, cancel := context.WithTimeout(ctx, chainReadTimeout)
	defer cancel()
	ch, err := contracts.Dial(ctx, f.chainRPC)
	if err != nil {
		return "", usageError(fmt.Errorf("--chain-rpc %q: %w", f.chainRPC, err))
	}
	defer ch.Close()
	unreachable := func(err error) error {
		return fmt.Errorf("--chain-rpc %s: cannot read the dataset registry (%w); verify does not trust a manifest's signers unchecked: "+
			"retry when the chain answers, or name the signers you trust with --signers and --quorum", f.chainRPC, err)
	}
	if f.chainID != 0 {
		id, err := ch.ChainID(ctx)
		if err != nil {
			return "", unreachable(err)
		}
		if !id.IsUint64() || id.Uint64() != f.chainID {
			return "", usageError(fmt.Errorf("--chain-rpc %s: the chain there is chain %s, expected chain %d (--chain-id)", f.chainRPC, id, f.chainID))
		}
	}
	e, err := ch.ReadRegistry(ctx, reg, m.DatasetID)
	if errors.Is(err, contracts.ErrNotDeployed) {
		return "", usageError(fmt.Errorf("--registry %s: %w", f.registry, err))
	}
	if err != nil {
		return "", unreachable(err)
	}
	ops := make([]string, len(e.Operators))
	for i, a := range e.Operators {
		ops[i] = a.Hex()
	}
	quorum := int(min(e.Threshold, uint64(len(ops))+1))
	if f.quorum > quorum {
		quorum = f.quorum
	}
	if err := m.VerifySignatures(dataset.EthereumVerifier, quorum, ops); err != nil {
		return "", fmt.Errorf("--manifest %s: against the operators of the registry %s (threshold %d): %w", f.manifest, reg.Hex(), e.Threshold, err)
	}
	if !e.Posted {
		return "", fmt.Errorf("%w: dataset %q has no root in the registry %s yet (the coordinators post it once the dataset is complete): "+
			"its manifest's root cannot be checked; retry later", dataset.ErrRootMismatch, m.DatasetID, reg.Hex())
	}
	if dataset.Hash(e.Root) != m.Root || e.Rows != uint64(m.TotalRows) {
		return "", fmt.Errorf("%w: dataset %q: the registry %s records root %s with %d rows, the manifest says %s with %d",
			dataset.ErrRootMismatch, m.DatasetID, reg.Hex(), dataset.Hash(e.Root), e.Rows, m.Root, m.TotalRows)
	}
	return fmt.Sprintf("registry %s: signed by %d or more of its %d operators, root and rows as recorded", reg.Hex(), quorum, len(ops)), nil
}
