package golden

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/dataset"
)

// DedupSet is the dedup kernel's golden vectors: a minhash dataset made
// the way nodes make one (crawl rows of DedupTexts, their row hashes the
// source hashes, the minhash kernel with its defaults), two rows no honest
// node writes (DedupAltered), and the dedup task's output over all of it.
// The output is recorded in full; RowsSHA256 pins the rows' encoding.
type DedupSet struct {
	// Texts are the crawl rows' texts, DedupTexts.
	Texts []Text `json:"texts"`
	// Inputs are the minhash dataset's rows, in the dedup task's order.
	Inputs []DedupInput `json:"inputs"`
	// Columns are the output's content columns, in order.
	Columns []string `json:"columns"`
	// Rows are the output, one per input row, in input order.
	Rows []DedupRow `json:"rows"`
	// RowsSHA256 is SHA-256 of the output rows' canonical encodings
	// (dataset.Hasher.Canonical: every content column, source_hash
	// included), concatenated in order, hex.
	RowsSHA256 string `json:"rows_sha256"`
	// Clusters is how many clusters there are (rows kept); NearClusters
	// how many of them hold more than one text hash; ExactGroups how many
	// text hashes more than one row has. For a reader: they follow from
	// Rows and Inputs.
	Clusters     int `json:"clusters"`
	NearClusters int `json:"near_clusters"`
	ExactGroups  int `json:"exact_groups"`
}

// DedupInput is one row of the dedup kernel's input, hashes in hex.
type DedupInput struct {
	Text       int    `json:"text"`        // index in DedupSet.Texts of the crawl row it was computed from
	SourceHash string `json:"source_hash"` // the crawl row's hash
	RowHash    string `json:"row_hash"`    // the minhash row's own hash: the output row's source_hash
	TextSHA256 string `json:"text_sha256"`
	Altered    string `json:"altered,omitempty"` // for a row no node writes, how it was made
}

// DedupRow is one output row of the dedup kernel: its columns after
// source_hash, hashes in hex.
type DedupRow struct {
	Cluster      string `json:"cluster"`
	Keep         bool   `json:"keep"`
	ClusterSize  int64  `json:"cluster_size"`
	ExactCluster string `json:"exact_cluster"`
	ExactSize    int64  `json:"exact_size"`
}

// Runner runs one compute task as a node does (compute.New; the rows
// projected onto the kernel's input columns, Project; compute.RunStage)
// over rows of s whose row hashes are hashes, and returns the output's
// schema and rows. The generator and the tests pass the same one: golden
// cannot call compute itself, as compute's tests import it.
type Runner func(spec api.ComputeSpec, s dataset.Schema, rows []dataset.Row, hashes [][]byte) (dataset.Schema, []dataset.Row, error)

// Project is a node's projection of a shard onto a kernel's input columns
// cols (node.readShard): the rows' values of those columns, as rows of a
// schema of s's kind with those columns alone. The row hashes stay those
// of the whole rows.
func Project(s dataset.Schema, rows []dataset.Row, cols []dataset.Column) (dataset.Schema, []dataset.Row, error) {
	ps := dataset.Schema{Kind: s.Kind}
	idx := make([]int, len(cols))
	for j, c := range cols {
		ci := s.Index(c.Name)
		if ci < 0 {
			return dataset.Schema{}, nil, fmt.Errorf("golden: no column %q in the input schema", c.Name)
		}
		idx[j] = ci
		ps.Columns = append(ps.Columns, s.Columns[ci])
	}
	out := make([]dataset.Row, len(rows))
	for i, r := range rows {
		p := make(dataset.Row, len(idx))
		for j, ci := range idx {
			p[j] = r[ci]
		}
		out[i] = p
	}
	return ps, out, nil
}

// DedupProvenance is the provenance of every row the dedup vectors make:
// it is not hashed, so it changes no vector.
var DedupProvenance = dataset.Provenance{Node: "0x00000000000000000000000000000000000a11ce", FetchedAt: 1767225600000}

// DedupExtra are the dedup kernel's inputs beside Texts: a page (the
// quality stage's prose) three times at three addresses (exact
// duplicates), with a word changed and with a footer (near duplicates),
// and with its line breaks as other white space (an exact duplicate by
// the normalized-text hash, not by its bytes); Texts[7] with its white
// space collapsed; a sentence and a copy with one word changed.
func DedupExtra() []string {
	page := StageExtra()[0]
	sentence := LanguageExtra()[0]
	return []string{
		page,
		page,
		page,
		strings.Replace(page, "two or more nodes", "three or more nodes", 1),
		page + "Copyright 2026 Example Inc. All rights reserved.",
		strings.ReplaceAll(page, "\n", " \t "),
		"tabs and newlines and double spaces",
		sentence,
		strings.Replace(sentence, "Tuesday", "Wednesday", 1),
	}
}

// DedupTexts are the crawl rows' texts: Texts a dataset can hold (valid
// UTF-8; a row with other bytes does not encode), then DedupExtra.
func DedupTexts() []string {
	var out []string
	for _, t := range Texts() {
		if utf8.ValidString(t) {
			out = append(out, t)
		}
	}
	return append(out, DedupExtra()...)
}

// DedupURL is the address of the crawl row of DedupTexts()[i].
func DedupURL(i int) string { return fmt.Sprintf("https://golden.meadow.example/page/%d", i) }

// DedupAltered says how the last two input rows are made; no honest node
// writes either, but the definition orders and joins them all the same.
var DedupAltered = []string{
	// Same source hash as its cluster's first row: the tie between them is
	// broken by the row hash (the keep rule's second key).
	"copy of the minhash row with the smallest source hash among the page's copies (DedupExtra 0-5), band 0's key plus 1",
	// Same source hash, joined to nothing: two clusters with one id.
	"copy of the minhash row of \"abcd\", every band key XOR 0x5a5a5a5a5a5a5a5a, text_sha256 SHA-256(\"golden: no other text\")",
}

// DedupInputs makes the dedup task's input: crawl rows of DedupTexts (at
// DedupURL, status 200), the minhash kernel with its defaults over them
// (through run, as a node), then the rows DedupAltered describes. It
// returns the minhash dataset's schema and rows, the rows' hashes, and
// each row's text index and alteration.
func DedupInputs(run Runner) (dataset.Schema, []dataset.Row, [][]byte, []DedupInput, error) {
	fail := func(err error) (dataset.Schema, []dataset.Row, [][]byte, []DedupInput, error) {
		return dataset.Schema{}, nil, nil, nil, fmt.Errorf("golden: dedup inputs: %w", err)
	}
	texts := DedupTexts()
	crawl, err := dataset.CrawlSchema(nil)
	if err != nil {
		return fail(err)
	}
	ch, err := dataset.NewHasher(crawl)
	if err != nil {
		return fail(err)
	}
	crows := make([]dataset.Row, len(texts))
	chashes := make([][]byte, len(texts))
	for i, t := range texts {
		crows[i] = dataset.Row{DedupURL(i), DedupURL(i), int64(200), "text/plain; charset=utf-8", t,
			DedupProvenance.Node, DedupProvenance.FetchedAt, nil}
		h, err := ch.Hash(crows[i])
		if err != nil {
			return fail(fmt.Errorf("crawl row %d: %w", i, err))
		}
		chashes[i] = h[:]
	}
	schema, rows, err := run(api.ComputeSpec{Kernel: api.KernelMinHash}, crawl, crows, chashes)
	if err != nil {
		return fail(err)
	}
	src, bi, ti := schema.Index(dataset.ColSourceHash), schema.Index("minhash_bands"), schema.Index("text_sha256")
	if src < 0 || bi < 0 || ti < 0 || len(rows) != len(texts) {
		return fail(fmt.Errorf("minhash output: %d rows of %v, expected %d with source_hash, minhash_bands, text_sha256", len(rows), schema.Columns, len(texts)))
	}
	textOf := make([]int, len(rows))
	for i := range textOf {
		textOf[i] = i
	}
	// The page's copies are DedupExtra 0-5.
	first := len(texts) - len(DedupExtra())
	root := first
	for i := first; i < first+6; i++ {
		if bytes.Compare(rows[i][src].([]byte), rows[root][src].([]byte)) < 0 {
			root = i
		}
	}
	tie := slices.Clone(rows[root])
	tie[bi] = slices.Clone(tie[bi].([]uint64))
	tie[bi].([]uint64)[0]++
	abcd := slices.Index(texts, "abcd")
	other := slices.Clone(rows[abcd])
	bands := slices.Clone(other[bi].([]uint64))
	for j := range bands {
		bands[j] ^= 0x5a5a5a5a5a5a5a5a
	}
	other[bi] = bands
	th := sha256.Sum256([]byte("golden: no other text"))
	other[ti] = th[:]
	rows = append(rows, tie, other)
	textOf = append(textOf, root, abcd)

	h, err := dataset.NewHasher(schema)
	if err != nil {
		return fail(err)
	}
	hashes := make([][]byte, len(rows))
	inputs := make([]DedupInput, len(rows))
	for i, r := range rows {
		rh, err := h.Hash(r)
		if err != nil {
			return fail(fmt.Errorf("minhash row %d: %w", i, err))
		}
		hashes[i] = rh[:]
		inputs[i] = DedupInput{Text: textOf[i], SourceHash: hex.EncodeToString(r[src].([]byte)),
			RowHash: hex.EncodeToString(rh[:]), TextSHA256: hex.EncodeToString(r[ti].([]byte))}
		if k := i - len(texts); k >= 0 {
			inputs[i].Altered = DedupAltered[k]
		}
	}
	return schema, rows, hashes, inputs, nil
}

// Dedup computes the dedup kernel's golden vectors with run.
func Dedup(run Runner) (DedupSet, error) {
	schema, rows, hashes, inputs, err := DedupInputs(run)
	if err != nil {
		return DedupSet{}, err
	}
	out, res, err := run(api.ComputeSpec{Kernel: api.KernelDedup}, schema, rows, hashes)
	if err != nil {
		return DedupSet{}, fmt.Errorf("golden: dedup: %w", err)
	}
	return DedupOutput(inputs, out, res)
}

// DedupOutput lays out the dedup kernel's output rows res, of schema out,
// over inputs.
func DedupOutput(inputs []DedupInput, out dataset.Schema, res []dataset.Row) (DedupSet, error) {
	set := DedupSet{Texts: EncodeTexts(DedupTexts()), Inputs: inputs}
	if len(res) != len(inputs) {
		return set, fmt.Errorf("golden: dedup: %d output rows for %d input rows", len(res), len(inputs))
	}
	var (
		cols []int
		hx   = hex.EncodeToString
	)
	for ci, c := range out.Columns {
		if c.Role == dataset.RoleContent {
			set.Columns = append(set.Columns, c.Name)
			cols = append(cols, ci)
		}
	}
	if !slices.Equal(set.Columns, []string{dataset.ColSourceHash, "cluster", "keep", "cluster_size", "exact_cluster", "exact_size"}) {
		return set, fmt.Errorf("golden: dedup: output columns %v: the layout here needs updating", set.Columns)
	}
	h, err := dataset.NewHasher(out)
	if err != nil {
		return set, err
	}
	all := sha256.New()
	byText := map[string]int{}
	for i, r := range res {
		b, err := h.Canonical(r)
		if err != nil {
			return set, fmt.Errorf("golden: dedup: output row %d: %w", i, err)
		}
		all.Write(b)
		v := func(j int) any { return r[cols[j]] }
		if hx(v(0).([]byte)) != inputs[i].RowHash {
			return set, fmt.Errorf("golden: dedup: output row %d: source_hash %x, expected the input row's hash %s", i, v(0), inputs[i].RowHash)
		}
		d := DedupRow{Cluster: hx(v(1).([]byte)), Keep: v(2).(bool), ClusterSize: v(3).(int64), ExactCluster: hx(v(4).([]byte)), ExactSize: v(5).(int64)}
		set.Rows = append(set.Rows, d)
		if d.Keep {
			set.Clusters++
			if d.ClusterSize > d.ExactSize {
				set.NearClusters++
			}
		}
		if byText[inputs[i].TextSHA256]++; byText[inputs[i].TextSHA256] == 2 {
			set.ExactGroups++
		}
	}
	set.RowsSHA256 = hx(all.Sum(nil))
	return set, nil
}
