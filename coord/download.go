package coord

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"io"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/contracts"
	"github.com/meadow-net/meadow/coord/blob"
	"github.com/meadow-net/meadow/coord/state"
	"github.com/meadow-net/meadow/dataset"
)

// Datasets are read by any member: the state says which blobs make a
// dataset, and a member that lacks a blob fetches it from a peer.

// openBlob opens a blob from this member's store (or the object store), or
// fetches it from a peer.
func (c *Coordinator) openBlob(ctx context.Context, h api.Hash) (*dataset.Reader, func(), error) {
	f, _, err := c.blobs.Open(ctx, dataset.Hash(h))
	if err != nil {
		if c.repl == nil || !errors.Is(err, blob.ErrNotFound) {
			return nil, nil, fmt.Errorf("coord: blob %s: %w", h, err)
		}
		if f, _, err = c.repl.Fetch(ctx, dataset.Hash(h)); err != nil {
			return nil, nil, fmt.Errorf("coord: blob %s: %w", h, err)
		}
	}
	r, err := dataset.NewStreamReader(bufio.NewReader(f))
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("coord: blob %s: %w", h, err)
	}
	return r, func() { r.Close(); f.Close() }, nil
}

// completeDataset returns a dataset whose every blob is stored.
func (c *Coordinator) completeDataset(id string) (state.Dataset, error) {
	d, err := c.Dataset(id)
	if err != nil {
		return d, err
	}
	if !d.Complete {
		return d, fmt.Errorf("%w: dataset %s is not complete yet: its blobs are still being uploaded", state.ErrConflict, id)
	}
	return d, nil
}

// checkPaid returns ErrUnpaid, with what is owed, for a job whose payments
// do not cover its price: its data is sold, its manifest and proofs are not.
func (c *Coordinator) checkPaid(jobID string) error {
	j, err := c.Job(jobID)
	if err != nil {
		return err
	}
	if j.Unpaid() {
		owed := new(big.Int).Sub(j.Price(), j.PaidAmount())
		return fmt.Errorf("%w: job %s costs %s stable base units (%d rows at %d), paid %s: pay the %s left with `meadow buyer pay %s`",
			ErrUnpaid, j.ID, j.Price(), j.RowsAccepted, j.PricePerRow, j.PaidAmount(), owed, j.ID)
	}
	return nil
}

// schemaOf reads a dataset's schema from its first blob; a dataset with no
// rows is a crawl's, with the job's fields.
func (c *Coordinator) schemaOf(ctx context.Context, d state.Dataset) (dataset.Schema, error) {
	if len(d.Tasks) == 0 {
		j, err := c.Job(d.JobID)
		if err != nil {
			return dataset.Schema{}, err
		}
		var (
			fields []string
			opts   dataset.CrawlOptions
		)
		if j.Spec.Crawl != nil {
			for _, f := range j.Spec.Crawl.Fields {
				fields = append(fields, f.Name)
			}
			opts.MainText = j.Spec.Crawl.Extract.On()
		}
		return dataset.CrawlSchemaWith(fields, opts)
	}
	r, done, err := c.openBlob(ctx, *d.Tasks[0].Blob)
	if err != nil {
		return dataset.Schema{}, err
	}
	defer done()
	return r.Schema(), nil
}

// Manifest returns a complete dataset's manifest: its blobs in order with
// their roots, row counts and digests, its schema and its root, with the
// coordinators' signatures once the leader has gathered them (on a network
// with a chain, as soon as the dataset is complete, paid or not; see
// docs/ARCHITECTURE.md, "Settlement through the coordinators").
func (c *Coordinator) Manifest(ctx context.Context, id string) (*dataset.Manifest, error) {
	m, err := c.unsignedManifest(ctx, id)
	if err != nil {
		return nil, err
	}
	d, err := c.Dataset(id)
	if err != nil {
		return nil, err
	}
	for _, sg := range d.Signatures {
		m.Signatures = append(m.Signatures, dataset.Signature{Signer: sg.Signer.Hex(), Signature: hexutil.Encode(sg.Signature)})
	}
	if err := m.Validate(); err != nil {
		return nil, fmt.Errorf("coord: manifest of %s: %w", id, err)
	}
	return m, nil
}

// errManifestPending marks a manifest that does not carry its quorum of
// signatures yet: the route answers 409 with Retry-After, field
// "signatures", and a client waits (docs/ARCHITECTURE.md, "Whose is a
// dataset").
var errManifestPending = errors.New("coord: manifest not signed yet")

// CompleteManifest returns a dataset's manifest only once it would verify:
// on a network with a chain, once it carries signatures of at least the
// dataset registry's threshold of distinct registered operators (the
// leader gathers them once the dataset is complete, paid or not); before that an
// error wrapping errManifestPending and state.ErrConflict, naming the
// field "signatures". A dataset with no rows is never registered nor
// signed: that is a conflict too, but a final one. On a network without a
// chain there are no operator keys, so a manifest is complete unsigned and
// a buyer checks its root only.
func (c *Coordinator) CompleteManifest(ctx context.Context, id string) (*dataset.Manifest, error) {
	m, err := c.Manifest(ctx, id)
	if err != nil || c.chain == nil {
		return m, err
	}
	if m.TotalRows == 0 {
		return nil, &state.FieldError{Field: "rows", Err: fmt.Errorf("%w: dataset %s has no rows: nothing is registered on chain or signed for it", state.ErrConflict, id)}
	}
	e, err := c.chain.ReadRegistry(ctx, c.chain.Addresses().Registry, id)
	if err != nil {
		return nil, fmt.Errorf("coord: manifest of %s: reading the dataset registry's operators and threshold: %w", id, err)
	}
	signed := map[common.Address]bool{}
	for _, sg := range m.Signatures {
		if a := common.HexToAddress(sg.Signer); slices.Contains(e.Operators, a) {
			signed[a] = true
		}
	}
	if uint64(len(signed)) < e.Threshold {
		return nil, &state.FieldError{Field: "signatures", Err: fmt.Errorf("%w: %w: dataset %s: its manifest carries %d of the %d operator signatures the registry requires; the coordinators sign it once its root is in the registry: retry shortly",
			state.ErrConflict, errManifestPending, id, len(signed), e.Threshold)}
	}
	return m, nil
}

// unsignedManifest builds a dataset's manifest from this member's replica,
// without signatures: every member builds the same bytes.
func (c *Coordinator) unsignedManifest(ctx context.Context, id string) (*dataset.Manifest, error) {
	d, err := c.completeDataset(id)
	if err != nil {
		return nil, err
	}
	s, err := c.schemaOf(ctx, d)
	if err != nil {
		return nil, err
	}
	m := &dataset.Manifest{
		Version:   dataset.ManifestVersion,
		DatasetID: d.ID,
		JobID:     d.JobID,
		Kind:      dataset.Kind(d.Kind),
		Schema:    s,
		TotalRows: d.Rows,
		Root:      dataset.Hash(d.Root),
		CreatedAt: time.UnixMilli(d.CreatedAt).UTC(),
	}
	pr, err := c.provenanceRootsOf(ctx, d)
	if err != nil {
		return nil, err
	}
	m.ProvenanceRoot = &pr.all
	for i, t := range d.Tasks {
		m.Tasks = append(m.Tasks, dataset.ManifestTask{TaskID: t.TaskID, Root: dataset.Hash(t.Root), Rows: t.Rows, BlobSHA256: dataset.Hash(*t.Blob), ProvenanceRoot: &pr.tasks[i]})
	}
	if err := m.Validate(); err != nil {
		return nil, fmt.Errorf("coord: manifest of %s: %w", id, err)
	}
	return m, nil
}

// datasetGet is the body of a signed download (api.MethodDatasetGet).
type datasetGet struct {
	DatasetID string `json:"dataset_id"`
	Format    string `json:"format"`
}

func (g datasetGet) Validate() error {
	if g.DatasetID == "" {
		return invalidf("dataset_id: expected a dataset id")
	}
	if _, err := dataset.ParseFormat(g.Format); err != nil {
		return invalidf("format %q: expected arrow or parquet", g.Format)
	}
	return nil
}

// serveDatasetData streams a complete dataset in the asked format: every
// blob's rows, in the dataset's order, through one writer. The download is
// signed (the buyer is known), and the envelope must name this dataset and
// format.
func (c *Coordinator) serveDatasetData(ctx *fasthttp.RequestCtx, id string) {
	format := string(ctx.QueryArgs().Peek("format"))
	if format == "" {
		format = api.FormatArrow
	}
	reader, ok := c.openDownload(ctx, id, format)
	if !ok {
		return
	}
	f, err := dataset.ParseFormat(format)
	if err != nil {
		c.reply(ctx, nil, invalidf("format %q: expected arrow or parquet", format))
		return
	}
	actx, cancelAccess := context.WithTimeout(context.Background(), c.cfg.ApplyTimeout)
	_, err = c.readableDataset(actx, id, reader)
	cancelAccess()
	if errors.Is(err, state.ErrForbidden) {
		c.replyDenied(ctx, err)
		return
	}
	if errors.Is(err, contracts.ErrChainUnavailable) {
		c.reply(ctx, nil, err)
		return
	}
	d, err := c.completeDataset(id)
	if err == nil {
		err = c.checkPaid(d.JobID)
	}
	if err != nil {
		c.reply(ctx, nil, err)
		return
	}
	rctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	s, err := c.schemaOf(rctx, d)
	if err != nil {
		cancel()
		c.reply(ctx, nil, err)
		return
	}
	c.log.Info("dataset download", "dataset", id, "format", format, "buyer", reader, "range", string(ctx.Request.Header.Peek("Range")))
	if s3, ok := c.blobs.(*blob.S3); ok {
		// With an object store the bytes bypass the coordinators: the
		// dataset's file is put in the bucket (once) and the buyer is
		// sent there with a presigned GET, ranges included.
		defer cancel()
		u, err := c.datasetFileURL(rctx, s3, f, s, d)
		if err != nil {
			c.reply(ctx, nil, err)
			return
		}
		ctx.Response.Header.Set("Location", u)
		ctx.Response.Header.Set("Cache-Control", "no-store")
		ctx.SetStatusCode(fasthttp.StatusTemporaryRedirect)
		return
	}
	ctx.Response.Header.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s%s"`, id, f.Ext()))
	if len(ctx.Request.Header.Peek("Range")) > 0 {
		// A range needs a file of known bytes: the dataset is written
		// once to this member's download cache and served from there.
		defer cancel()
		path, etag, err := c.materialize(rctx, f, s, d)
		if err != nil {
			c.reply(ctx, nil, err)
			return
		}
		file, err := os.Open(path)
		if err != nil {
			c.reply(ctx, nil, err)
			return
		}
		st, err := file.Stat()
		if err != nil {
			file.Close()
			c.reply(ctx, nil, err)
			return
		}
		ctx.Response.Header.Set("ETag", etag)
		blob.ServeRange(ctx, file, st.Size(), contentType(f))
		return
	}
	ctx.Response.Header.Set("Accept-Ranges", "bytes")
	ctx.SetContentType(contentType(f))
	ctx.SetBodyStreamWriter(func(bw *bufio.Writer) {
		defer cancel()
		if err := c.writeDataset(rctx, bw, f, s, d); err != nil {
			// The status is gone; a truncated file fails to read, and
			// the manifest's root catches anything else.
			c.log.Error("dataset download", "dataset", id, "err", err)
		}
	})
}

// DatasetFile is the name of dataset id's file in format f inside the object
// store (under its prefix): datasets/ID/ID.parquet or .arrow, beside
// datasets/ID/manifest.json (DatasetManifestFile).
func DatasetFile(id string, f dataset.Format) string { return "datasets/" + id + "/" + id + f.Ext() }

// DatasetManifestFile is the name of dataset id's manifest in the object
// store.
func DatasetManifestFile(id string) string { return "datasets/" + id + "/manifest.json" }

// datasetFileURL puts dataset d's file in format f in the object store
// unless the store holds those bytes already, with the dataset's manifest
// beside it once the manifest is complete, and returns a presigned GET URL
// of the file. The file is written first to this member's download cache
// (materialize): its bytes are the same on every member, so a file another
// member put is found in place and not sent again.
func (c *Coordinator) datasetFileURL(ctx context.Context, s3 *blob.S3, f dataset.Format, s dataset.Schema, d state.Dataset) (string, error) {
	path, etag, err := c.materialize(ctx, f, s, d)
	if err != nil {
		return "", err
	}
	var sum dataset.Hash
	if _, err := hex.Decode(sum[:], []byte(strings.Trim(etag, `"`))); err != nil {
		return "", fmt.Errorf("coord: download cache: ETag %s of %s: %w", etag, path, err)
	}
	file, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer file.Close()
	st, err := file.Stat()
	if err != nil {
		return "", err
	}
	name := DatasetFile(d.ID, f)
	if err := s3.PutFile(ctx, name, file, st.Size(), sum, contentType(f)); err != nil {
		return "", err
	}
	// The manifest goes beside the file once it would verify; until then
	// (its signatures being gathered) the next download puts it.
	if m, err := c.CompleteManifest(ctx, d.ID); err == nil {
		b, err := json.MarshalIndent(m, "", "  ")
		if err != nil {
			return "", err
		}
		b = append(b, '\n')
		if err := s3.PutFile(ctx, DatasetManifestFile(d.ID), bytes.NewReader(b), int64(len(b)), sha256.Sum256(b), "application/json"); err != nil {
			return "", err
		}
	}
	return s3.PresignFile(ctx, name, blob.PresignTTL, d.ID+f.Ext())
}

// materialize writes a dataset in format f to this member's download cache
// (DATA-DIR/downloads), once, and returns the file and its ETag (the
// SHA-256 of its bytes): ranges of a download, and a resumed download with
// If-Range, are served from the same bytes. Files of one dataset never
// change, so the cache is never invalidated; it is bounded in bytes
// (Config.DownloadCache), the least recently served files going first.
func (c *Coordinator) materialize(ctx context.Context, f dataset.Format, s dataset.Schema, d state.Dataset) (path, etag string, err error) {
	c.dlMu.Lock()
	defer c.dlMu.Unlock()
	dir := filepath.Join(c.cfg.DataDir, "downloads")
	path = filepath.Join(dir, d.ID+f.Ext())
	if b, err := os.ReadFile(path + ".etag"); err == nil {
		if _, err := os.Stat(path); err == nil {
			now := time.Now()
			_ = os.Chtimes(path, now, now) // recently served: pruned last
			return path, string(b), nil
		}
	}
	defer func() {
		if err == nil {
			c.pruneDownloads(dir, path)
		}
	}()
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return "", "", err
	}
	tmp, err := os.CreateTemp(dir, d.ID+"-*.tmp")
	if err != nil {
		return "", "", err
	}
	defer os.Remove(tmp.Name())
	h := sha256.New()
	bw := bufio.NewWriterSize(io.MultiWriter(tmp, h), 1<<20)
	if err := c.writeDataset(ctx, bw, f, s, d); err != nil {
		tmp.Close()
		return "", "", err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return "", "", err
	}
	if err := tmp.Close(); err != nil {
		return "", "", err
	}
	etag = `"` + hex.EncodeToString(h.Sum(nil)) + `"`
	if err := os.Rename(tmp.Name(), path); err != nil {
		return "", "", err
	}
	if err := os.WriteFile(path+".etag", []byte(etag), 0o640); err != nil {
		return "", "", err
	}
	return path, etag, nil
}

// pruneDownloads removes the least recently served files of the download
// cache until it holds at most Config.DownloadCache bytes, keeping keep (the
// file just written) whatever its size. A file being served when it is
// removed is still read to its end: the open descriptor keeps it.
func (c *Coordinator) pruneDownloads(dir, keep string) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	type file struct {
		path string
		size int64
		mod  time.Time
	}
	var (
		files []file
		total int64
	)
	for _, e := range ents {
		if e.IsDir() || strings.HasSuffix(e.Name(), ".etag") || strings.HasSuffix(e.Name(), ".tmp") {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue
		}
		p := filepath.Join(dir, e.Name())
		total += info.Size()
		if p != keep {
			files = append(files, file{p, info.Size(), info.ModTime()})
		}
	}
	slices.SortFunc(files, func(a, b file) int { return a.mod.Compare(b.mod) })
	for _, f := range files {
		if total <= c.cfg.DownloadCache {
			return
		}
		os.Remove(f.path + ".etag")
		if os.Remove(f.path) == nil {
			total -= f.size
			c.log.Info("download cache: removed", "file", filepath.Base(f.path), "bytes", f.size)
		}
	}
}

func (c *Coordinator) writeDataset(ctx context.Context, out *bufio.Writer, f dataset.Format, s dataset.Schema, d state.Dataset) error {
	w, err := dataset.NewWriter(out, f, s)
	if err != nil {
		return err
	}
	for _, t := range d.Tasks {
		r, done, err := c.openBlob(ctx, *t.Blob)
		if err != nil {
			return err
		}
		for r.Next() {
			if err := w.Write(r.Row()); err != nil {
				done()
				return err
			}
		}
		err = r.Err()
		done()
		if err != nil {
			return err
		}
	}
	if err := w.Close(); err != nil {
		return err
	}
	return out.Flush()
}

func contentType(f dataset.Format) string {
	if strings.Contains(f.String(), "parquet") {
		return "application/vnd.apache.parquet"
	}
	return "application/vnd.apache.arrow.file"
}
