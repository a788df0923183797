package contracts

import (
	"context"
	"fmt"

	"github.com/ethereum/go-ethereum/common"
)

// RegistryEntry is what a DatasetRegistry says about one dataset and about
// who may sign for it: the trust a buyer's `meadow verify` checks a
// manifest against.
type RegistryEntry struct {
	// Registry is the contract read.
	Registry common.Address
	// Operators are the keys whose signatures the registry accepts, and
	// Threshold how many distinct ones it needs (at least 2).
	Operators []common.Address
	Threshold uint64
	// DatasetID is the dataset asked about and Key its id in the
	// registry (DatasetKey).
	DatasetID string
	Key       common.Hash
	// Posted says whether the dataset's root is recorded; Root and Rows
	// are the recorded root and row count.
	Posted bool
	Root   common.Hash
	Rows   uint64
}

// ReadRegistry reads, from the DatasetRegistry at registry, its operator
// set, its threshold and the recorded root and row count of datasetID. It
// only reads (no key, no gas) and needs no Deploy or Attach: the caller
// names the registry it trusts. An address with no contract code is
// ErrNotDeployed; an endpoint that cannot be reached is ErrChainUnavailable.
func (c *Chain) ReadRegistry(ctx context.Context, registry common.Address, datasetID string) (RegistryEntry, error) {
	e := RegistryEntry{Registry: registry, DatasetID: datasetID, Key: DatasetKey(datasetID)}
	if registry == (common.Address{}) {
		return e, fmt.Errorf("%w: registry address is zero", ErrInvalidConfig)
	}
	at := " at " + registry.Hex()
	th, err := c.readUint(ctx, "read the registry's threshold", registry, registryC.PackThreshold(), registryC.UnpackThreshold)
	if err != nil {
		return e, err
	}
	if !th.IsUint64() || th.Uint64() == 0 {
		return e, fmt.Errorf("contracts: the registry%s states threshold %s: expected 2 or more", at, th)
	}
	e.Threshold = th.Uint64()
	out, err := c.call(ctx, "read the registry's operators"+at, registry, registryC.PackOperators())
	if err != nil {
		return e, err
	}
	if e.Operators, err = registryC.UnpackOperators(out); err != nil {
		return e, fmt.Errorf("contracts: the registry's operators%s: %w", at, err)
	}
	out, err = c.call(ctx, "read dataset root"+at, registry, registryC.PackRootOf(e.Key))
	if err != nil {
		return e, err
	}
	root, err := registryC.UnpackRootOf(out)
	if err != nil {
		return e, fmt.Errorf("contracts: read dataset root%s: %w", at, err)
	}
	if root == ([32]byte{}) {
		return e, nil
	}
	rows, err := c.readUint(ctx, "read dataset rows", registry, registryC.PackRowsOf(e.Key), registryC.UnpackRowsOf)
	if err != nil {
		return e, err
	}
	if !rows.IsUint64() {
		return e, fmt.Errorf("contracts: the registry%s states %s rows for dataset %s: out of range", at, rows, datasetID)
	}
	e.Posted, e.Root, e.Rows = true, root, rows.Uint64()
	return e, nil
}
