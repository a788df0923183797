package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/dataset"
)

// verifyFlags are the options of `meadow verify`.
type verifyFlags struct {
	manifest string
	root     string
	task     string
	row      int64
	proof    string
	progress bool
	signers  []string
	quorum   int
	// chainRPC and registry name the chain and the dataset registry whose
	// operator set, threshold and recorded root a manifest is checked
	// against; chainID, when not 0, is the chain the endpoint must serve.
	chainRPC string
	registry string
	chainID  uint64
	// network is a network file that gives chainRPC, registry and chainID
	// where they were not given.
	network string
	// size is the leaf count a proof must have when the trusted root is a
	// manifest's (a root alone does not fix the tree's size); 0 = unknown.
	size uint64
	// trust says what the manifest was checked against, for the report.
	trust string
	// signatures is VerifyOptions.SignatureSample.
	signatures int
}

// defaultSignatureSample is how many rows in one get their signature
// recovered when the manifest's provenance root covers every row
// (dataset.VerifyOptions.SignatureSample): about 3% of the rows, which
// keeps verify within a few times hashing alone (docs/BENCHMARKS.md).
const defaultSignatureSample = 32

func newVerifyCmd(a *app) *cobra.Command {
	f := &verifyFlags{}
	cmd := &cobra.Command{
		Use:   "verify FILE",
		Short: "Check a dataset file (Arrow IPC or Parquet) row by row against its root",
		Long: `Verify reads an Arrow IPC (stream or file) or Parquet dataset, checks every
row against the file's schema, recomputes every row hash and the Merkle root over
them, and compares the result with --root and/or a manifest. It streams: memory
does not grow with the file beyond 32 bytes per row.

With --row N it prints the inclusion proof of row N (file order, from 0). With
--row N --proof P it checks one row against a proof and a trusted root (--root or
the manifest's), without hashing the whole file.

Whom it trusts. --root alone: the root you give (you name the trust). With
--manifest, the manifest's signatures are checked against signers you trust,
never against whoever signed it: by default the operator set and threshold of
the chain's dataset registry (--chain-rpc and --registry), whose recorded root
and row count for the dataset must also be the manifest's. With no chain to
reach, name the signers you trust with --signers and how many must have signed
with --quorum; without either, a manifest is refused. --network FILE (the
network file a release ships, or meadow operator deploy writes) gives the
chain endpoint, registry and chain id, so that the first example is also
"meadow verify crawl.arrow --manifest manifest.json --network network.json".`,
		Example: `  meadow verify crawl.parquet --root 9f2c…
  meadow verify crawl.arrow --manifest manifest.json --chain-rpc https://rpc.example --registry 0x5FbD…
  meadow verify crawl.arrow --manifest manifest.json --network network.json
  meadow verify crawl.arrow --manifest manifest.json --signers 0xA1…,0xB2…,0xC3… --quorum 2
  meadow verify crawl.arrow --row 41 > proof.json
  meadow verify crawl.arrow --row 41 --proof proof.json --root 9f2c…`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := f.applyNetwork(a, cmd.Flags()); err != nil {
				return err
			}
			return runVerify(cmd.Context(), a, args[0], f, cmd.Flags().Changed("row"))
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.manifest, "manifest", "", "manifest JSON the file must match (its schema, row count and root)")
	fl.StringVar(&f.root, "root", "", "root (64 hex digits) the file's rows must have")
	fl.StringVar(&f.task, "task", "", "with --manifest: check the file as this task's blob rather than the whole dataset")
	fl.Int64Var(&f.row, "row", 0, "print (or, with --proof, check) the inclusion proof of this row, counted from 0 in file order")
	fl.StringVar(&f.proof, "proof", "", "inclusion proof JSON to check (with --row: against that row of the file)")
	fl.StringVar(&f.chainRPC, "chain-rpc", "", "with --manifest: JSON-RPC URL of the chain whose dataset registry says who may sign manifests and records each dataset's root")
	fl.StringVar(&f.registry, "registry", "", "with --chain-rpc: address of the DatasetRegistry contract (0x and 40 hex digits)")
	fl.Uint64Var(&f.chainID, "chain-id", 0, "with --chain-rpc: the chain id the endpoint must serve (0: not checked)")
	fl.StringSliceVar(&f.signers, "signers", nil, "with --manifest and no chain: the addresses you trust to sign manifests, comma-separated")
	fl.IntVar(&f.quorum, "quorum", 0, "with --signers: how many of them must have signed the manifest (1 to the number of signers); with --chain-rpc: at least this many, on top of the registry's threshold")
	fl.IntVar(&f.signatures, "signatures", defaultSignatureSample, "with a manifest that covers provenance: recover the signature of a random 1 row in N (1: every row); without one every row is checked")
	fl.StringVar(&f.network, "network", "", "with --manifest: the network file, which gives --chain-rpc, --registry and --chain-id (flags given override it)")
	fl.BoolVar(&f.progress, "progress", true, "show progress on standard error when it is a terminal")
	return cmd
}

// applyNetwork fills --chain-rpc, --registry and --chain-id from the
// --network file where they were not given. A network file with no chain
// endpoint is refused: it cannot say who may sign. Without --manifest the
// file has nothing to do: given on the command line that is an error, set
// in the environment (MEADOW_NETWORK, which the buyer commands read too) or
// the config file it is left unused.
func (f *verifyFlags) applyNetwork(a *app, fl *pflag.FlagSet) error {
	if f.network == "" {
		return nil
	}
	if f.manifest == "" {
		if a.sources["network"] != "" {
			return nil
		}
		return usageError(errors.New("--network: needs --manifest, whose signatures and root it checks against the network's registry"))
	}
	n, err := api.LoadNetwork(f.network)
	if err != nil {
		return usageError(fmt.Errorf("--network: %w", err))
	}
	if !a.given(fl, "chain-rpc") {
		if len(n.ChainRPC) == 0 {
			return usageError(fmt.Errorf("--network %s: the file names no chain endpoint (chain_rpc); give --chain-rpc", f.network))
		}
		f.chainRPC = n.ChainRPC[0]
	}
	if !a.given(fl, "registry") {
		f.registry = n.Contracts.Registry.Hex()
	}
	return a.networkChainID(fl, f.network, n, &f.chainID)
}

func runVerify(ctx context.Context, a *app, path string, f *verifyFlags, rowSet bool) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if f.signatures < 1 {
		return usageError(fmt.Errorf("--signatures %d: expected 1 (every row) or more (a random 1 row in N)", f.signatures))
	}
	opts := dataset.VerifyOptions{SignatureSample: f.signatures}
	var trusted *dataset.Hash
	if f.root != "" {
		h, err := dataset.ParseHash(strings.TrimPrefix(f.root, "0x"))
		if err != nil {
			return usageError(fmt.Errorf("--root %q: expected 64 hex digits: %w", f.root, err))
		}
		opts.Root, trusted = &h, &h
	}
	if f.manifest != "" {
		m, err := dataset.ReadManifest(f.manifest)
		if err != nil {
			return usageError(fmt.Errorf("--manifest %s: %w", f.manifest, err))
		}
		opts.Manifest, opts.TaskID = m, f.task
		if trusted == nil && f.task == "" {
			trusted, f.size = &m.Root, uint64(m.TotalRows)
		}
		if f.trust, err = trustManifest(ctx, m, f); err != nil {
			return err
		}
	} else {
		for _, fl := range []struct {
			name string
			set  bool
			why  string
		}{
			{"task", f.task != "", "which names the task's blob"},
			{"quorum", f.quorum != 0, "whose signatures it checks"},
			{"signers", len(f.signers) > 0, "whose signatures it checks"},
			{"chain-rpc", f.chainRPC != "", "whose signatures and root it checks against the chain's registry"},
			{"registry", f.registry != "", "whose signatures and root it checks against the registry"},
		} {
			if fl.set {
				return usageError(fmt.Errorf("--%s: needs --manifest, %s", fl.name, fl.why))
			}
		}
	}
	if rowSet && f.row < 0 {
		return usageError(fmt.Errorf("--row %d: expected a row number from 0", f.row))
	}

	switch {
	case f.proof != "":
		return verifyProof(ctx, a, path, f, rowSet, trusted)
	case rowSet:
		p, err := dataset.Proof(ctx, path, f.row)
		if err != nil {
			return err
		}
		if trusted != nil {
			if err := dataset.CheckProof(p, *trusted); err != nil {
				return fmt.Errorf("row %d: the file's root does not match the trusted root: %w", f.row, err)
			}
		}
		return a.printJSON(p)
	}

	bar := newProgress(a.stderr, f.progress && !a.jsonOut, "verifying "+path)
	opts.Progress = func(p dataset.Progress) { bar.update(p.Rows, p.TotalRows) }
	rep, err := dataset.Verify(ctx, path, opts)
	bar.done()
	if err == nil && rep.Provenance.Status == dataset.ProvenanceTampered {
		// Without a manifest, Verify reports signatures that fail and
		// leaves the verdict to its caller: a row signature verifies on
		// its own, so this is tampering whatever else was given.
		err = fmt.Errorf("%w: provenance (node, fetched_at, signature) was changed or is not the node's: %d rows whose signature does not verify, first %s",
			dataset.ErrProvenance, rep.Provenance.BadRows, firstOr(rep.Provenance.Problems, "?"))
	}
	if errors.Is(err, dataset.ErrProvenance) {
		// Content verified: say so, and fail apart from content (exit 3).
		if a.jsonOut {
			res := verifyJSON(rep, nil)
			res.OK, res.Trust = false, f.trust
			res.Provenance.Error = err.Error()
			_ = a.printJSON(res)
		}
		return &exitError{code: exitProvenance, err: fmt.Errorf("%s: provenance tampered (content verified: %d rows, root %s): %s",
			path, rep.Rows, rep.Root, strings.TrimPrefix(err.Error(), dataset.ErrProvenance.Error()+": "))}
	}
	if err != nil {
		if a.jsonOut {
			_ = a.printJSON(verifyJSON(rep, err))
		}
		return fmt.Errorf("%s: content: %w", path, err)
	}
	if a.jsonOut {
		res := verifyJSON(rep, nil)
		res.Trust = f.trust
		return a.printJSON(res)
	}
	fmt.Fprintf(a.stdout, "ok: %s: %d rows in %d batches (%s, %s), root %s",
		path, rep.Rows, rep.Batches, rep.Format, humanBytes(rep.Bytes), rep.Root)
	if len(rep.Checked) > 0 {
		fmt.Fprintf(a.stdout, "; matched %s", strings.Join(rep.Checked, ", "))
	} else {
		fmt.Fprint(a.stdout, "; nothing to compare with (give --root or --manifest)")
	}
	if f.trust != "" {
		fmt.Fprintf(a.stdout, "; manifest trusted through %s", f.trust)
	}
	fmt.Fprintf(a.stdout, "; %s\n", rep.Duration.Round(1e6))
	p := rep.Provenance
	switch p.Status {
	case dataset.ProvenanceVerified:
		fmt.Fprintf(a.stdout, "provenance ok: provenance root %s; matched %s\n", p.Root, strings.Join(p.Checked, ", "))
	default:
		fmt.Fprintf(a.stdout, "provenance %s: %s\n", p.Status, p.Reason)
	}
	return nil
}

// exitProvenance is meadow verify's exit code when content verifies and
// provenance does not (1 is any other failure, content included).
const exitProvenance = 3

func firstOr(l []string, def string) string {
	if len(l) == 0 {
		return def
	}
	return l[0]
}

func verifyProof(ctx context.Context, a *app, path string, f *verifyFlags, rowSet bool, trusted *dataset.Hash) error {
	data, err := os.ReadFile(f.proof)
	if err != nil {
		return usageError(fmt.Errorf("--proof: %w", err))
	}
	var p dataset.InclusionProof
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return usageError(fmt.Errorf("--proof %s: expected an inclusion proof as `meadow verify --row` prints it: %w", f.proof, err))
	}
	if trusted == nil {
		return usageError(errors.New("--proof: needs a root you trust, from --root or --manifest (the proof's own root proves nothing)"))
	}
	if f.size != 0 && p.Size != f.size {
		return fmt.Errorf("--proof %s: the proof is for a tree of %d rows, the manifest's dataset has %d", f.proof, p.Size, f.size)
	}
	if rowSet {
		h, err := dataset.CheckRowProof(ctx, path, f.row, p, *trusted)
		if err != nil {
			return fmt.Errorf("%s row %d: %w", path, f.row, err)
		}
		if a.jsonOut {
			return a.printJSON(map[string]any{"ok": true, "row": f.row, "row_hash": h, "root": *trusted})
		}
		fmt.Fprintf(a.stdout, "ok: row %d of %s (hash %s) is in the dataset with root %s\n", f.row, path, h, *trusted)
		return nil
	}
	if err := dataset.CheckProof(p, *trusted); err != nil {
		return fmt.Errorf("--proof %s: %w", f.proof, err)
	}
	if a.jsonOut {
		return a.printJSON(map[string]any{"ok": true, "row_hash": p.RowHash, "root": *trusted})
	}
	fmt.Fprintf(a.stdout, "ok: row hash %s is in the dataset with root %s\n", p.RowHash, *trusted)
	return nil
}

type verifyResult struct {
	OK      bool     `json:"ok"`
	Error   string   `json:"error,omitempty"`
	Path    string   `json:"path"`
	Format  string   `json:"format"`
	Rows    int64    `json:"rows"`
	Batches int      `json:"batches"`
	Bytes   int64    `json:"bytes"`
	Root    string   `json:"root"`
	Checked []string `json:"checked"`
	// Trust says what the manifest's signers were checked against.
	Trust    string  `json:"trust,omitempty"`
	Duration float64 `json:"duration_seconds"`
	// Provenance is reported apart from content: ok false here with ok
	// true content checks (Error empty) is provenance tampering.
	Provenance provenanceResult `json:"provenance"`
}

type provenanceResult struct {
	OK      bool   `json:"ok"`
	Status  string `json:"status"` // verified, tampered, unsigned, unchecked
	Reason  string `json:"reason,omitempty"`
	Error   string `json:"error,omitempty"`
	Root    string `json:"root"`
	BadRows int64  `json:"bad_rows"`
	// SignaturesChecked counts the rows whose signature was recovered.
	SignaturesChecked int64    `json:"signatures_checked"`
	Problems          []string `json:"problems"`
	Checked           []string `json:"checked"`
}

func verifyJSON(rep dataset.Report, err error) verifyResult {
	r := verifyResult{
		OK: err == nil, Path: rep.Path, Format: fmt.Sprint(rep.Format), Rows: rep.Rows, Batches: rep.Batches,
		Bytes: rep.Bytes, Root: rep.Root.String(), Checked: rep.Checked, Duration: rep.Duration.Seconds(),
	}
	if err != nil {
		r.Error = err.Error()
	}
	if r.Checked == nil {
		r.Checked = []string{}
	}
	p := rep.Provenance
	r.Provenance = provenanceResult{
		OK: p.Status == dataset.ProvenanceVerified, Status: p.Status, Reason: p.Reason, Root: p.Root.String(),
		BadRows: p.BadRows, SignaturesChecked: p.SignaturesChecked, Problems: p.Problems, Checked: p.Checked,
	}
	if r.Provenance.Problems == nil {
		r.Provenance.Problems = []string{}
	}
	if r.Provenance.Checked == nil {
		r.Provenance.Checked = []string{}
	}
	return r
}

func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
