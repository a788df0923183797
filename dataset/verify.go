package dataset

import (
	"context"
	crand "crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strings"
	"time"
)

// VerifyOptions says what Verify compares a file with. With neither Root
// nor Manifest set, Verify still reads and checks every row and reports the
// root it computed.
type VerifyOptions struct {
	// Root is the root the file's rows must have (meadow verify --root).
	Root *Hash

	// Manifest, when set, gives the schema, row count and root the file
	// must have (meadow verify --manifest): the dataset's when TaskID is
	// empty, else those of the task blob named TaskID, whose blob SHA-256
	// the file must also have.
	Manifest *Manifest
	TaskID   string

	// SignatureSample, when above 1 and the manifest carries provenance
	// roots, checks the signature of a random one row in SignatureSample
	// instead of every row. Recovering a signer is ~30× the cost of hashing
	// a 1 KiB row (docs/BENCHMARKS.md); the manifest's provenance root,
	// signed by the quorum whose members checked every row's signature at
	// upload, still covers every row, and the sample, drawn afresh on each
	// run, catches signatures that were never valid. Without such a
	// manifest every row is checked whatever this says.
	SignatureSample int

	// Progress, when set, is called after each batch.
	Progress func(Progress)
}

// Progress is how far a Verify or Proof has got.
type Progress struct {
	Rows      int64 // rows read so far
	Batches   int   // batches read so far
	TotalRows int64 // rows in the file if known in advance (Parquet, or a manifest), else -1
	Elapsed   time.Duration
}

// Report is what Verify found.
type Report struct {
	Path     string
	Format   Format
	Schema   Schema
	Metadata map[string]string // the file's schema metadata
	Rows     int64
	Batches  int
	Root     Hash          // root over the file's row hashes, recomputed
	Bytes    int64         // size of the file
	SHA256   *Hash         // SHA-256 of the file, when a task's blob digest was compared
	Duration time.Duration // wall time of the whole check
	Checked  []string      // what matched, e.g. "manifest.root", "--root"

	// Provenance is what was found about the rows' provenance columns,
	// apart from their content.
	Provenance ProvenanceReport
}

// ProvenanceReport says whether a file's provenance (node, fetched_at,
// signature) verifies: every row's signature recovers to its node, and
// the provenance root over whole rows is the manifest's.
type ProvenanceReport struct {
	// Status is "verified" (every row signature verifies, and the
	// provenance root matches where there is one to compare with),
	// "tampered" (some did not: Problems says which), "unsigned" (no
	// manifest, and rows without a signature but none with a wrong one)
	// or "unchecked" (Reason says why: an older manifest without
	// provenance roots, or a schema without the provenance columns).
	Status string
	Reason string
	// Root is the provenance root recomputed over the file's rows.
	Root Hash
	// BadRows counts rows whose signature does not verify; Problems
	// holds the first few errors (row and column named), and the
	// provenance root mismatch if any.
	BadRows  int64
	Problems []string
	// SignaturesChecked counts the rows whose signature was recovered
	// (all of them, or VerifyOptions.SignatureSample's sample).
	SignaturesChecked int64
	// Checked lists what matched: "row signatures",
	// "manifest.provenance_root" or "manifest task provenance_root".
	Checked []string
}

// Provenance statuses.
const (
	ProvenanceVerified  = "verified"
	ProvenanceTampered  = "tampered"
	ProvenanceUnchecked = "unchecked"
	ProvenanceUnsigned  = "unsigned"
)

// maxProblems bounds how many provenance errors a report keeps.
const maxProblems = 10

// Verify streams the dataset file at path, checks every row against the
// file's schema, recomputes every row hash and the root over them, and
// compares what opts asks for. It keeps 32 bytes per row (the hashes) and
// about one batch of the file in memory.
//
// On success the report says what was checked. On failure the error wraps
// ErrCorrupt, ErrInvalidRow (a *RowError naming the row and column),
// ErrSchemaMismatch, ErrRowCountMismatch or ErrRootMismatch, and the
// report holds what had been computed (for a mismatch, the whole file's
// root and row count). Verify never panics on a corrupt file. It stops with
// ctx's error when ctx ends.
//
// Provenance is checked beside content and reported apart: every row's
// signature must recover to its node column, and with a manifest that has
// provenance roots, the root over whole rows must be the manifest's. With
// such a manifest, when content verifies and provenance does not, the
// error wraps ErrProvenance (and no content sentinel). Without a manifest
// rep.Provenance says what was found ("tampered" where a signature fails)
// and the caller decides (meadow verify fails). A manifest without
// provenance roots (an older one) leaves provenance "unchecked", not
// failed.
func Verify(ctx context.Context, path string, opts VerifyOptions) (Report, error) {
	start := time.Now()
	rep := Report{Path: path}
	var task *ManifestTask
	if m := opts.Manifest; m != nil {
		if opts.TaskID != "" {
			for i := range m.Tasks {
				if m.Tasks[i].TaskID == opts.TaskID {
					task = &m.Tasks[i]
				}
			}
			if task == nil {
				return rep, fmt.Errorf("%w: task %q is not in the manifest", ErrInvalidManifest, opts.TaskID)
			}
		}
	} else if opts.TaskID != "" {
		return rep, fmt.Errorf("dataset: a task id needs a manifest")
	}
	var expect *Schema
	if opts.Manifest != nil {
		expect = &opts.Manifest.Schema
	}
	r, err := openVerify(path, expect)
	if err != nil {
		return rep, err
	}
	defer r.Close()
	if st, err := os.Stat(path); err == nil {
		rep.Bytes = st.Size()
	}
	rep.Format, rep.Schema, rep.Metadata = r.Format(), r.Schema(), r.Metadata()

	if m := opts.Manifest; m != nil && !r.Schema().Equal(m.Schema) {
		return rep, fmt.Errorf("%w: the file's schema differs from the manifest's: %s", ErrSchemaMismatch, schemaDiff(r.Schema(), m.Schema))
	}

	total := r.NumRows()
	if task != nil && total < 0 {
		total = task.Rows
	} else if opts.Manifest != nil && total < 0 {
		total = opts.Manifest.TotalRows
	}
	pc := newProvenanceCheck(r, opts.Manifest)
	if opts.SignatureSample > 1 && opts.Manifest != nil && opts.Manifest.HasProvenance() {
		pc.sample = opts.SignatureSample
		var seed [16]byte
		_, _ = crand.Read(seed[:])
		pc.rng = rand.New(rand.NewPCG(binary.LittleEndian.Uint64(seed[:8]), binary.LittleEndian.Uint64(seed[8:])))
	}
	hashes, err := collectHashes(ctx, r, total, start, opts.Progress, &rep, pc)
	rep.Duration = time.Since(start)
	if err != nil {
		return rep, err
	}
	rep.Root = hashes.root()
	provErr := pc.finish(&rep, opts.Manifest, task)
	rep.Duration = time.Since(start)

	var wantRows int64 = -1
	var wantRoot *Hash
	var what string
	switch {
	case task != nil:
		wantRows, wantRoot, what = task.Rows, &task.Root, fmt.Sprintf("manifest task %q", task.TaskID)
	case opts.Manifest != nil:
		wantRows, wantRoot, what = opts.Manifest.TotalRows, &opts.Manifest.Root, "manifest"
	}
	if wantRoot != nil {
		if rep.Rows != wantRows {
			return rep, fmt.Errorf("%w: the file has %d rows, the %s says %d", ErrRowCountMismatch, rep.Rows, what, wantRows)
		}
		rep.Checked = append(rep.Checked, "manifest.schema", "manifest.rows")
		if rep.Root != *wantRoot {
			return rep, fmt.Errorf("%w: the file's root is %s, the %s says %s", ErrRootMismatch, rep.Root, what, *wantRoot)
		}
		rep.Checked = append(rep.Checked, "manifest.root")
	}
	if task != nil {
		d, err := fileSHA256(path)
		if err != nil {
			return rep, err
		}
		rep.SHA256 = &d
		if d != task.BlobSHA256 {
			return rep, fmt.Errorf("%w: the file's SHA-256 is %s, the manifest task %q says %s", ErrRootMismatch, d, task.TaskID, task.BlobSHA256)
		}
		rep.Checked = append(rep.Checked, "manifest.blob_sha256")
	}
	if opts.Root != nil {
		if rep.Root != *opts.Root {
			return rep, fmt.Errorf("%w: the file's root is %s, expected %s", ErrRootMismatch, rep.Root, *opts.Root)
		}
		rep.Checked = append(rep.Checked, "root")
	}
	rep.Duration = time.Since(start)
	return rep, provErr
}

// provenanceCheck collects what Verify finds about provenance, batch by
// batch: the record hashes (for the provenance root) and the rows whose
// signature fails.
type provenanceCheck struct {
	node, at, sig int
	ok            bool // the schema has the provenance columns
	records       *hashSet
	rbuf          []Hash
	buf           []byte
	bad           int64 // rows whose signature fails, unsigned included
	unsigned      int64 // rows whose signature is null
	checked       int64 // rows whose signature was checked
	problems      []string
	// sample, above 1, checks one row in sample, drawn from rng.
	sample int
	rng    *rand.Rand
	pick   []bool
}

func newProvenanceCheck(r *Reader, m *Manifest) *provenanceCheck {
	pc := &provenanceCheck{records: new(hashSet)}
	s := r.Schema()
	pc.node, pc.at, pc.sig, pc.ok = provenanceCols(&s)
	return pc
}

// batch checks the current batch of r, whose content hashes are hs.
func (pc *provenanceCheck) batch(r *Reader, hs []Hash) error {
	if cap(pc.rbuf) < len(hs) {
		pc.rbuf = make([]Hash, len(hs))
	}
	rec := pc.rbuf[:len(hs)]
	if err := r.recordHashes(rec, &pc.buf); err != nil {
		return err
	}
	pc.records.add(rec)
	if !pc.ok {
		return nil
	}
	sc := r.cols[pc.sig].arr
	var pick []bool
	if pc.sample > 1 {
		if cap(pc.pick) < len(hs) {
			pc.pick = make([]bool, len(hs))
		}
		pick = pc.pick[:len(hs)]
		for i := range pick {
			pick[i] = pc.rng.IntN(pc.sample) == 0
			if pick[i] {
				pc.checked++
			}
		}
	} else {
		pc.checked += int64(len(hs))
	}
	for i, err := range r.checkSignatures(hs, pc.node, pc.at, pc.sig, pick) {
		if err != nil {
			if sc.IsNull(i) {
				pc.unsigned++
			}
			pc.bad++
			if len(pc.problems) < maxProblems {
				pc.problems = append(pc.problems, trimPrefix(err.Error()))
			}
		}
	}
	return nil
}

// finish fills rep.Provenance and returns an error wrapping ErrProvenance
// when provenance does not verify.
func (pc *provenanceCheck) finish(rep *Report, m *Manifest, task *ManifestTask) error {
	p := &rep.Provenance
	p.Root = pc.records.root()
	p.BadRows, p.Problems, p.SignaturesChecked = pc.bad, pc.problems, pc.checked
	var reasons []string
	switch {
	case !pc.ok:
		reasons = append(reasons, "the schema has no node, fetched_at and signature columns to check")
	case pc.bad == 0 && pc.sample > 1:
		p.Checked = append(p.Checked, fmt.Sprintf("row signatures (a random 1 in %d: %d rows)", pc.sample, pc.checked))
	case pc.bad == 0:
		p.Checked = append(p.Checked, "row signatures")
	}
	var mismatch string
	switch {
	case m == nil:
	case !m.HasProvenance():
		reasons = append(reasons, "the manifest has no provenance_root (made before manifests covered provenance): the provenance columns cannot be checked against it")
	case task != nil:
		if p.Root != *task.ProvenanceRoot {
			mismatch = fmt.Sprintf("the file's provenance root is %s, the manifest task %q says %s", p.Root, task.TaskID, *task.ProvenanceRoot)
		} else {
			p.Checked = append(p.Checked, "manifest task provenance_root")
		}
	default:
		if p.Root != *m.ProvenanceRoot {
			mismatch = fmt.Sprintf("the file's provenance root is %s, the manifest says %s", p.Root, *m.ProvenanceRoot)
		} else {
			p.Checked = append(p.Checked, "manifest.provenance_root")
		}
	}
	if mismatch != "" {
		p.Problems = append(p.Problems, mismatch)
	}
	p.Reason = strings.Join(reasons, "; ")
	switch {
	case m != nil && !m.HasProvenance():
		// An older manifest: row signatures of that time (the commit
		// envelope's) do not verify on their own, so they are reported
		// but do not fail the check.
		p.Status = ProvenanceUnchecked
		return nil
	case m == nil && pc.bad > 0 && pc.bad == pc.unsigned:
		// Rows without signatures and nothing that claims they have
		// any: not tampering, but nothing is proven either.
		p.Status = ProvenanceUnsigned
		p.Reason = fmt.Sprintf("%d rows carry no signature", pc.unsigned)
		return nil
	case pc.bad > 0 || mismatch != "":
		p.Status = ProvenanceTampered
		if m == nil {
			// Without a manifest nothing claims provenance for the file:
			// the report says what was found, the caller decides.
			return nil
		}
		what := mismatch
		if pc.bad > 0 {
			what = fmt.Sprintf("%d rows whose signature does not verify, first %s", pc.bad, pc.problems[0])
			if mismatch != "" {
				what += "; " + mismatch
			}
		}
		return fmt.Errorf("%w: provenance (node, fetched_at, signature) was changed or is not the node's: %s", ErrProvenance, what)
	case !pc.ok:
		p.Status = ProvenanceUnchecked
		return nil
	}
	p.Status = ProvenanceVerified
	return nil
}

// openVerify opens a file for Verify, Proof and RowHash: batch buffers
// reused, and content text required to be stored in normal form.
//
// expect is the schema a file without meadow.schema metadata is read as
// (a manifest's), nil to infer it from the file's columns.
func openVerify(path string, expect *Schema) (*Reader, error) {
	r, err := open(path, true, expect)
	if err != nil {
		return nil, err
	}
	r.storedNormal = true
	return r, nil
}

// collectHashes reads every row hash of r, in file order.
//
// pc, when not nil, also checks each batch's provenance.
func collectHashes(ctx context.Context, r *Reader, total int64, start time.Time, progress func(Progress), rep *Report, pc *provenanceCheck) (*hashSet, error) {
	hashes := new(hashSet)
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		hs, ok := r.NextHashes()
		if !ok {
			break
		}
		if pc != nil {
			if err := pc.batch(r, hs); err != nil {
				return nil, err
			}
		}
		hashes.add(hs)
		rep.Rows += int64(len(hs))
		rep.Batches++
		if progress != nil {
			progress(Progress{Rows: rep.Rows, Batches: rep.Batches, TotalRows: total, Elapsed: time.Since(start)})
		}
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	return hashes, nil
}

// schemaDiff says where two schemas first differ.
func schemaDiff(a, b Schema) string {
	if a.Kind != b.Kind {
		return fmt.Sprintf("kind %q vs %q", a.Kind, b.Kind)
	}
	for i := 0; i < len(a.Columns) && i < len(b.Columns); i++ {
		if a.Columns[i] != b.Columns[i] {
			return fmt.Sprintf("column %d is %+v in the file, %+v in the manifest", i, a.Columns[i], b.Columns[i])
		}
	}
	return fmt.Sprintf("%d columns in the file, %d in the manifest", len(a.Columns), len(b.Columns))
}

func fileSHA256(path string) (Hash, error) {
	f, err := openFile(path)
	if err != nil {
		return Hash{}, err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return Hash{}, fmt.Errorf("dataset: %w", err)
	}
	var d Hash
	h.Sum(d[:0])
	return d, nil
}

// Proof returns the inclusion proof of row (its number in file order, from
// 0) of the dataset file at path: it hashes every row, sorts the hashes and
// proves the row's hash at its position in that order. The proof carries
// the root it leads to; check it with CheckProof against a root you trust
// (a manifest's, one posted on chain). Errors wrap ErrRowOutOfRange when the
// file has no such row, or what Verify would report for a bad file.
func Proof(ctx context.Context, path string, row int64) (InclusionProof, error) {
	if row < 0 {
		return InclusionProof{}, fmt.Errorf("%w: row %d: expected 0 or more", ErrRowOutOfRange, row)
	}
	r, err := openVerify(path, nil)
	if err != nil {
		return InclusionProof{}, err
	}
	defer r.Close()
	var rep Report
	hashes, err := collectHashes(ctx, r, r.NumRows(), time.Now(), nil, &rep, nil)
	if err != nil {
		return InclusionProof{}, err
	}
	if row >= rep.Rows {
		return InclusionProof{}, fmt.Errorf("%w: row %d: the file has %d rows", ErrRowOutOfRange, row, rep.Rows)
	}
	p, err := hashes.prove(hashes.at(int(row)))
	if err != nil {
		return InclusionProof{}, err
	}
	p.Row = &row
	return p, nil
}

// RowHash returns the hash of one row (its number in file order, from 0)
// of the dataset file at path, reading only as far as that row's batch.
func RowHash(ctx context.Context, path string, row int64) (Hash, error) {
	if row < 0 {
		return Hash{}, fmt.Errorf("%w: row %d: expected 0 or more", ErrRowOutOfRange, row)
	}
	r, err := openVerify(path, nil)
	if err != nil {
		return Hash{}, err
	}
	defer r.Close()
	var seen int64
	for r.NextBatch() {
		if err := ctx.Err(); err != nil {
			return Hash{}, err
		}
		n := r.Batch().NumRows()
		if row < seen+n {
			var buf []byte
			err := guard(func() error {
				var err error
				buf, err = r.appendCanonicalAt(nil, numContent(&r.schema), int(row-seen))
				return err
			})
			if err != nil {
				return Hash{}, err
			}
			return sum256(buf), nil
		}
		seen += n
	}
	if err := r.Err(); err != nil {
		return Hash{}, err
	}
	return Hash{}, fmt.Errorf("%w: row %d: the file has %d rows", ErrRowOutOfRange, row, seen)
}

// CheckRowProof checks that row (file order, from 0) of the dataset file
// at path is the row p proves, and that p leads to root: a buyer's check of
// one row against a root they trust, without hashing the whole file
// (meadow verify FILE --row N --proof P). It returns the row's hash.
func CheckRowProof(ctx context.Context, path string, row int64, p InclusionProof, root Hash) (Hash, error) {
	h, err := RowHash(ctx, path, row)
	if err != nil {
		return Hash{}, err
	}
	if h != p.RowHash {
		return h, fmt.Errorf("%w: row %d hashes to %s, the proof is for %s", ErrInvalidProof, row, h, p.RowHash)
	}
	if err := CheckProof(p, root); err != nil {
		return h, err
	}
	return h, nil
}
