// Package vectors builds Meadow's golden test vectors for the dataset
// formats: text normalization, canonical row encodings and row hashes,
// Merkle roots, inclusion proofs, rejected encodings and a signed manifest.
// cmd genvectors writes them to dataset/testdata; the dataset package's
// tests rebuild them in memory, compare with the files and recompute what
// they can from the specification alone. Every other implementation (the
// extension's JavaScript, the contracts) reproduces the files byte for byte.
package vectors

import (
	"bytes"
	"crypto/ecdsa"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/crypto"
	"github.com/meadow-net/meadow/dataset"
)

// Files returns each vector file's name and contents.
func Files() (map[string][]byte, error) {
	out := map[string][]byte{}
	for name, build := range map[string]func() (any, error){
		"normalize.json":         normalizeFile,
		"rows.json":              rowsFile,
		"roots.json":             rootsFile,
		"proofs.json":            proofsFile,
		"invalid_canonical.json": invalidFile,
		"manifest.json":          manifestFile,
		"provenance.json":        provenanceFile,
	} {
		v, err := build()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(v); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		out[name] = buf.Bytes()
	}
	return out, nil
}

// TextCase is one normalization vector.
type TextCase struct {
	Name      string `json:"name"`
	Input     string `json:"input"`
	InputHex  string `json:"input_utf8_hex"`
	Output    string `json:"output"`
	OutputHex string `json:"output_utf8_hex"`
}

// Texts are the normalization cases, also used as row values.
var Texts = []struct{ Name, Text string }{
	{"empty", ""},
	{"ascii", "Hello, world"},
	{"only spaces", " \t\n "},
	{"leading and trailing", "  padded  "},
	{"runs of spaces", "a   b    c"},
	{"tab newline carriage return", "line one\r\n\tline two\n\nline three"},
	{"vertical tab and form feed", "a\vb\fc"},
	{"no-break space U+00A0", "100\u00a0km"},
	{"ideographic space U+3000", "東京\u3000大阪"},
	{"next line U+0085", "a\u0085b"},
	{"line and paragraph separators", "a\u2028b\u2029c"},
	{"en quad U+2000 (decomposes to en space)", "a\u2000b"},
	{"narrow no-break and math spaces", "a\u202fb\u205fc"},
	{"ogham space mark", "a\u1680b"},
	{"zero width space is not white space", "a\u200bb"},
	{"byte order mark is not white space", "\ufeffa"},
	{"decomposed e acute", "Cafe\u0301"},
	{"precomposed e acute", "Caf\u00e9"},
	{"Hangul jamo compose", "\u1100\u1161\u11a8\u1100\u1161"},
	{"Hangul syllables stay", "한국어"},
	{"ligature fi is not folded", "\ufb01le"},
	{"fullwidth letters are not folded", "\uff21\uff22\uff23"},
	{"circled digit is not folded", "\u2460"},
	{"ohm sign becomes omega", "\u2126"},
	{"angstrom sign becomes A ring", "\u212b"},
	{"combining marks reordered", "q\u0307\u0323"},
	{"leading combining mark", " \u0301a"},
	{"CJK", "中文文本，日本語のテキスト"},
	{"emoji", "smile 😀 family 👨‍👩‍👧 flag 🇯🇵"},
	{"Hebrew (right to left)", "שלום עולם"},
	{"Arabic with marks", "مَرْحَبًا بِالْعَالَم"},
	{"mixed direction with RLM", "abc \u200fאבג\u200e def"},
	{"control characters other than white space stay", "a\x00b\x1bc\x7f"},
}

func normalizeFile() (any, error) {
	cases := make([]TextCase, len(Texts))
	for i, t := range Texts {
		out := dataset.NormalizeText(t.Text)
		cases[i] = TextCase{Name: t.Name, Input: t.Text, InputHex: hex.EncodeToString([]byte(t.Text)), Output: out, OutputHex: hex.EncodeToString([]byte(out))}
	}
	return map[string]any{
		"description": "NormalizeText: Unicode NFC, then every run of White_Space characters (U+0009-000D, U+0020, U+0085, U+00A0, U+1680, U+2000-200A, U+2028, U+2029, U+202F, U+205F, U+3000) replaced by one U+0020, then no space at either end. Hex fields are the UTF-8 bytes.",
		"cases":       cases,
	}, nil
}

// RowCase is one row with its canonical encoding and hash.
type RowCase struct {
	Name      string `json:"name"`
	Row       []any  `json:"row"`
	Canonical string `json:"canonical_hex"`
	RowHash   string `json:"row_hash"`
}

// RowSet is a schema and rows of it.
type RowSet struct {
	Name   string         `json:"name"`
	Schema dataset.Schema `json:"schema"`
	Cases  []RowCase      `json:"cases"`
}

// CrawlSchema is the schema of the crawl row vectors.
func CrawlSchema() dataset.Schema {
	s, err := dataset.CrawlSchema([]string{"title", "lang"})
	if err != nil {
		panic(err)
	}
	return s
}

// ComputeSchema is the schema of the compute row vectors.
func ComputeSchema() dataset.Schema {
	s, err := dataset.ComputeSchema([]dataset.Column{
		{Name: "tokens", Type: dataset.TypeUint32List},
		{Name: "offsets", Type: dataset.TypeInt32List, Nullable: true},
		{Name: "minhash", Type: dataset.TypeUint64List},
		{Name: "score", Type: dataset.TypeInt64},
		{Name: "label", Type: dataset.TypeString, Nullable: true},
	})
	if err != nil {
		panic(err)
	}
	return s
}

func str(s string) *string { return &s }

// crawlRows are the crawl vectors' rows.
func crawlRows() []struct {
	name string
	row  dataset.Row
} {
	s := CrawlSchema()
	prov := dataset.Provenance{Node: "0x00000000000000000000000000000000000000a1", FetchedAt: 1767225600000}
	page := func(text string, status int64, title, lang *string) dataset.Row {
		return dataset.CrawlRow(s, dataset.Page{
			URL: "https://example.org/a", FinalURL: "https://example.org/a", Status: status,
			ContentType: "text/html; charset=utf-8",
			Fields:      map[string]*string{"title": title, "lang": lang},
			Text:        text,
		}, prov)
	}
	var out []struct {
		name string
		row  dataset.Row
	}
	add := func(name string, r dataset.Row) {
		out = append(out, struct {
			name string
			row  dataset.Row
		}{name, r})
	}
	for _, t := range Texts {
		add("text: "+t.Name, page(t.Text, 200, str("Title"), str("en")))
	}
	add("null fields", page("body", 200, nil, nil))
	add("empty fields (not null)", page("body", 200, str(""), str("")))
	add("field of white space becomes empty", page("body", 200, str(" \u00a0\t"), nil))
	for _, st := range []int64{0, 23, 24, 255, 256, 65535, 65536, 4294967295, 4294967296, math.MaxInt64, -1, -24, -25, -256, -257, -65537, math.MinInt64} {
		add("status "+strconv.FormatInt(st, 10), page("body", st, nil, nil))
	}
	long := strings.Repeat("abcdefghij", 7000)
	add("long text: 70,000 ASCII characters (4-byte length)", page(long, 200, nil, nil))
	add("long text: 300 characters (2-byte length)", page(strings.Repeat("xyz", 100), 200, nil, nil))
	add("long text: 24,000 non-ASCII characters, decomposed", page(strings.Repeat("e\u0301 ", 12000), 200, nil, nil))
	other := page("Hello, world", 200, str("Title"), str("en"))
	other[s.Index(dataset.ColNode)] = "0x00000000000000000000000000000000000000b2"
	other[s.Index(dataset.ColFetchedAt)] = int64(1767312000000)
	other[s.Index(dataset.ColSignature)] = []byte{0xde, 0xad}
	add("other provenance, same hash as 'text: ascii'", other)
	return out
}

// computeRows are the compute vectors' rows.
func computeRows() []struct {
	name string
	row  dataset.Row
} {
	prov := []any{"0x00000000000000000000000000000000000000a1", int64(1767225600000), nil}
	src := bytes.Repeat([]byte{0xab}, 32)
	mk := func(tokens []uint32, offsets any, minhash []uint64, score int64, label any) dataset.Row {
		return append(dataset.Row{src, tokens, offsets, minhash, score, label}, prov...)
	}
	return []struct {
		name string
		row  dataset.Row
	}{
		{"typical", mk([]uint32{15496, 11, 995}, []int32{0, 5, 7}, []uint64{12345678901234567890, 42}, 1000, "en")},
		{"empty lists", mk([]uint32{}, []int32{}, []uint64{}, 0, "")},
		{"null list and null label", mk([]uint32{1}, nil, []uint64{1}, -1, nil)},
		{"boundaries", mk([]uint32{0, 23, 24, 255, 256, 65535, 65536, math.MaxUint32},
			[]int32{math.MinInt32, -65537, -257, -25, -24, -1, 0, math.MaxInt32},
			[]uint64{math.MaxUint32 + 1, math.MaxUint64}, math.MinInt64, "ﬁ")},
		{"label normalized", mk([]uint32{7}, []int32{-7}, []uint64{7}, math.MaxInt64, "  mixed\u3000label ")},
	}
}

func rowsFile() (any, error) {
	var sets []RowSet
	for _, set := range []struct {
		name   string
		schema dataset.Schema
		rows   []struct {
			name string
			row  dataset.Row
		}
	}{{"crawl", CrawlSchema(), crawlRows()}, {"compute", ComputeSchema(), computeRows()}} {
		rs := RowSet{Name: set.name, Schema: set.schema}
		for _, r := range set.rows {
			enc, err := dataset.AppendCanonical(nil, set.schema, r.row)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", r.name, err)
			}
			h, err := dataset.HashRow(set.schema, r.row)
			if err != nil {
				return nil, err
			}
			js, err := RowJSON(set.schema, r.row)
			if err != nil {
				return nil, err
			}
			rs.Cases = append(rs.Cases, RowCase{Name: r.name, Row: js, Canonical: hex.EncodeToString(enc), RowHash: h.String()})
		}
		sets = append(sets, rs)
	}
	return map[string]any{
		"description": "Rows, each value in schema order: null; string as a JSON string; int64 as a decimal string; bytes as lowercase hex; lists as arrays of decimal strings. canonical_hex is RFC 8949 core deterministic CBOR of the content columns (an array, schema order, text normalized as in normalize.json); row_hash is SHA-256 of it. Provenance columns never enter either.",
		"sets":        sets,
	}, nil
}

// RowJSON writes a row in the vectors' JSON value form.
func RowJSON(s dataset.Schema, row dataset.Row) ([]any, error) {
	out := make([]any, len(row))
	for i, v := range row {
		switch x := v.(type) {
		case nil:
			out[i] = nil
		case string:
			out[i] = x
		case int64:
			out[i] = strconv.FormatInt(x, 10)
		case []byte:
			out[i] = hex.EncodeToString(x)
		case []uint32:
			l := make([]string, len(x))
			for j, e := range x {
				l[j] = strconv.FormatUint(uint64(e), 10)
			}
			out[i] = l
		case []int32:
			l := make([]string, len(x))
			for j, e := range x {
				l[j] = strconv.FormatInt(int64(e), 10)
			}
			out[i] = l
		case []uint64:
			l := make([]string, len(x))
			for j, e := range x {
				l[j] = strconv.FormatUint(e, 10)
			}
			out[i] = l
		case float64:
			out[i] = FloatJSON(x)
		case bool:
			out[i] = x
		case []string:
			out[i] = append([]string{}, x...)
		case []int64:
			l := make([]string, len(x))
			for j, e := range x {
				l[j] = strconv.FormatInt(e, 10)
			}
			out[i] = l
		default:
			return nil, fmt.Errorf("column %q: value of type %T", s.Columns[i].Name, v)
		}
	}
	return out, nil
}

// FloatJSON is a float64 in the vectors' JSON value form: "f64:" and the 16
// lowercase hex digits of its IEEE 754 bits, exact in every language.
func FloatJSON(f float64) string { return fmt.Sprintf("f64:%016x", math.Float64bits(f)) }

// RowFromJSON reads a row in the vectors' JSON value form.
func RowFromJSON(s dataset.Schema, vals []any) (dataset.Row, error) {
	if len(vals) != len(s.Columns) {
		return nil, fmt.Errorf("%d values for %d columns", len(vals), len(s.Columns))
	}
	row := make(dataset.Row, len(vals))
	for i, c := range s.Columns {
		if vals[i] == nil {
			continue
		}
		var err error
		switch c.Type {
		case dataset.TypeString:
			row[i] = vals[i].(string)
		case dataset.TypeInt64:
			row[i], err = strconv.ParseInt(vals[i].(string), 10, 64)
		case dataset.TypeBytes:
			row[i], err = hex.DecodeString(vals[i].(string))
		case dataset.TypeFloat64:
			var u uint64
			u, err = strconv.ParseUint(strings.TrimPrefix(vals[i].(string), "f64:"), 16, 64)
			row[i] = math.Float64frombits(u)
		case dataset.TypeBool:
			row[i] = vals[i].(bool)
		case dataset.TypeStringList:
			l := vals[i].([]any)
			v := make([]string, len(l))
			for j, e := range l {
				v[j] = e.(string)
			}
			row[i] = v
		case dataset.TypeInt64List:
			l := vals[i].([]any)
			v := make([]int64, len(l))
			for j, e := range l {
				v[j], err = strconv.ParseInt(e.(string), 10, 64)
			}
			row[i] = v
		case dataset.TypeUint32List, dataset.TypeInt32List, dataset.TypeUint64List:
			l := vals[i].([]any)
			switch c.Type {
			case dataset.TypeUint32List:
				v := make([]uint32, len(l))
				for j, e := range l {
					var n uint64
					n, err = strconv.ParseUint(e.(string), 10, 32)
					v[j] = uint32(n)
				}
				row[i] = v
			case dataset.TypeInt32List:
				v := make([]int32, len(l))
				for j, e := range l {
					var n int64
					n, err = strconv.ParseInt(e.(string), 10, 32)
					v[j] = int32(n)
				}
				row[i] = v
			default:
				v := make([]uint64, len(l))
				for j, e := range l {
					v[j], err = strconv.ParseUint(e.(string), 10, 64)
				}
				row[i] = v
			}
		}
		if err != nil {
			return nil, fmt.Errorf("column %q: %w", c.Name, err)
		}
	}
	return row, nil
}

// RootCase is a set of row hashes and its root.
type RootCase struct {
	Name      string   `json:"name"`
	RowHashes []string `json:"row_hashes"`
	Sorted    []string `json:"sorted"`
	Root      string   `json:"root"`
}

// hashSets are the row hash sets of the root and proof vectors: hashes of
// the strings "row 0", "row 1", ... and the rows of rows.json.
func hashSets() ([]struct {
	name   string
	hashes []dataset.Hash
}, error) {
	seq := func(n int) []dataset.Hash {
		hs := make([]dataset.Hash, n)
		for i := range hs {
			hs[i] = dataset.Hash(sha256Sum([]byte("row " + strconv.Itoa(i))))
		}
		return hs
	}
	var sets []struct {
		name   string
		hashes []dataset.Hash
	}
	add := func(name string, hs []dataset.Hash) {
		sets = append(sets, struct {
			name   string
			hashes []dataset.Hash
		}{name, hs})
	}
	add("empty set", nil)
	for _, n := range []int{1, 2, 3, 4, 5, 7, 8, 9, 16, 17} {
		add(fmt.Sprintf("%d rows", n), seq(n))
	}
	dup := seq(3)
	dup = append(dup, dup[1], dup[1])
	add("duplicates kept: 5 rows, one of them three times", dup)
	for _, set := range []struct {
		name   string
		schema dataset.Schema
		rows   []struct {
			name string
			row  dataset.Row
		}
	}{{"crawl rows of rows.json", CrawlSchema(), crawlRows()}, {"compute rows of rows.json", ComputeSchema(), computeRows()}} {
		var hs []dataset.Hash
		for _, r := range set.rows {
			h, err := dataset.HashRow(set.schema, r.row)
			if err != nil {
				return nil, err
			}
			hs = append(hs, h)
		}
		add(set.name, hs)
	}
	return sets, nil
}

func hexes(hs []dataset.Hash) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = h.String()
	}
	return out
}

func rootsFile() (any, error) {
	sets, err := hashSets()
	if err != nil {
		return nil, err
	}
	var cases []RootCase
	for _, s := range sets {
		in := hexes(s.hashes)
		sorted := append([]dataset.Hash(nil), s.hashes...)
		root := dataset.ContentRoot(sorted)
		cases = append(cases, RootCase{Name: s.name, RowHashes: in, Sorted: hexes(sorted), Root: root.String()})
	}
	return map[string]any{
		"description": "Content roots: the row hashes (in the order rows came) are sorted ascending as bytes; the root is the RFC 6962 Merkle Tree Hash over them: leaf SHA-256(0x00 || h), node SHA-256(0x01 || left || right), split at the largest power of two smaller than n; the empty set's root is SHA-256 of nothing. Duplicate hashes stay in the tree. The sequence sets hash the ASCII strings \"row 0\", \"row 1\", ...",
		"cases":       cases,
	}, nil
}

// ProofCase is an inclusion proof.
type ProofCase struct {
	Set     string   `json:"set"`
	Index   uint64   `json:"index"`
	Size    uint64   `json:"size"`
	RowHash string   `json:"row_hash"`
	Path    []string `json:"path"`
	Root    string   `json:"root"`
}

func proofsFile() (any, error) {
	sets, err := hashSets()
	if err != nil {
		return nil, err
	}
	var cases []ProofCase
	for _, s := range sets {
		sorted := append([]dataset.Hash(nil), s.hashes...)
		root := dataset.ContentRoot(sorted)
		for i := range sorted {
			path, err := dataset.AuditPath(sorted, i)
			if err != nil {
				return nil, err
			}
			cases = append(cases, ProofCase{Set: s.name, Index: uint64(i), Size: uint64(len(sorted)), RowHash: sorted[i].String(), Path: hexes(path), Root: root.String()})
		}
	}
	return map[string]any{
		"description": "Inclusion proofs for every row of every non-empty set of roots.json: index is the row hash's position in the sorted order, path is RFC 6962's audit path PATH(index, D[size]) with the sibling nearest the leaf first, checked as in RFC 9162 section 2.1.3.2 with the leaf hash SHA-256(0x00 || row_hash).",
		"cases":       cases,
	}, nil
}

// InvalidCase is bytes the strict decoder must reject.
type InvalidCase struct {
	Name  string `json:"name"`
	Hex   string `json:"hex"`
	Error string `json:"error"`
}

func invalidFile() (any, error) {
	s := dataset.Schema{Kind: dataset.KindCompute, Columns: []dataset.Column{
		{Name: "text", Type: dataset.TypeString, Role: dataset.RoleContent},
		{Name: "n", Type: dataset.TypeInt64, Role: dataset.RoleContent},
		{Name: "list", Type: dataset.TypeUint32List, Role: dataset.RoleContent, Nullable: true},
	}}
	valid := "83" + "6161" + "01" + "80" // ["a", 1, []]
	cases := []InvalidCase{
		{"valid, for reference (decodes)", valid, ""},
		{"trailing byte", valid + "00", ""},
		{"indefinite-length array", "9f" + "6161" + "01" + "80" + "ff", ""},
		{"indefinite-length text", "83" + "7f6161ff" + "01" + "80", ""},
		{"non-shortest array length", "9803" + "6161" + "01" + "80", ""},
		{"non-shortest text length", "83" + "780161" + "01" + "80", ""},
		{"non-shortest integer", "83" + "6161" + "1801" + "80", ""},
		{"non-shortest negative integer", "83" + "6161" + "3800" + "80", ""},
		{"integer beyond int64", "83" + "6161" + "1b8000000000000000" + "80", ""},
		{"list element beyond uint32", "83" + "6161" + "01" + "811b0000000100000000", ""},
		{"negative list element in list<uint32>", "83" + "6161" + "01" + "8120", ""},
		{"text not NFC (e + U+0301)", "83" + "6365cc81" + "01" + "80", ""},
		{"text with two spaces", "83" + "6461202062" + "01" + "80", ""},
		{"text with a leading space", "83" + "622061" + "01" + "80", ""},
		{"text with a tab", "83" + "63610962" + "01" + "80", ""},
		{"invalid UTF-8", "83" + "61ff" + "01" + "80", ""},
		{"byte string for text", "83" + "4161" + "01" + "80", ""},
		{"float for integer", "83" + "6161" + "f93c00" + "80", ""},
		{"tag", "83" + "6161" + "c101" + "80", ""},
		{"map", "83" + "a0" + "01" + "80", ""},
		{"null in a column that is not nullable", "83" + "f6" + "01" + "80", ""},
		{"undefined for null", "83" + "6161" + "01" + "f7", ""},
		{"too few elements", "82" + "6161" + "01", ""},
		{"truncated", "83" + "6161" + "1a0000", ""},
	}
	for i := range cases {
		b, _ := hex.DecodeString(cases[i].Hex)
		_, err := dataset.DecodeCanonical(s, b)
		if i == 0 {
			if err != nil {
				return nil, fmt.Errorf("reference case: %w", err)
			}
			continue
		}
		if err == nil {
			return nil, fmt.Errorf("%s: accepted", cases[i].Name)
		}
		cases[i].Error = err.Error()
	}
	return map[string]any{
		"description": "Bytes a strict decoder of canonical rows rejects, for the schema given (text string, int64, nullable list<uint32>). The first case is valid. error is this implementation's message, for information; other implementations need only reject.",
		"schema":      s,
		"cases":       cases,
	}, nil
}

// TestKeyHex is the private key the manifest vector is signed with. It is
// a test key: never use it for anything else.
const TestKeyHex = "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"

func manifestFile() (any, error) {
	crawl := CrawlSchema()
	var hs []dataset.Hash
	for _, r := range crawlRows()[:4] {
		h, err := dataset.HashRow(crawl, r.row)
		if err != nil {
			return nil, err
		}
		hs = append(hs, h)
	}
	t0 := append([]dataset.Hash(nil), hs[:2]...)
	t1 := append([]dataset.Hash(nil), hs[2:]...)
	all := append([]dataset.Hash(nil), hs...)
	var rs []dataset.Hash
	for _, r := range crawlRows()[:4] {
		h, err := dataset.RecordHash(crawl, r.row)
		if err != nil {
			return nil, err
		}
		rs = append(rs, h)
	}
	p0 := dataset.ProvenanceRoot(append([]dataset.Hash(nil), rs[:2]...))
	p1 := dataset.ProvenanceRoot(append([]dataset.Hash(nil), rs[2:]...))
	pall := dataset.ProvenanceRoot(rs)
	m := &dataset.Manifest{
		Version: dataset.ManifestVersion, DatasetID: "ds-vectors", JobID: "job-vectors", Kind: dataset.KindCrawl, Schema: crawl,
		Tasks: []dataset.ManifestTask{
			{TaskID: "job-vectors:0", Root: dataset.ContentRoot(t0), Rows: 2, BlobSHA256: dataset.Hash(sha256Sum([]byte("blob 0"))), ProvenanceRoot: &p0},
			{TaskID: "job-vectors:1", Root: dataset.ContentRoot(t1), Rows: 2, BlobSHA256: dataset.Hash(sha256Sum([]byte("blob 1"))), ProvenanceRoot: &p1},
		},
		TotalRows: 4, Root: dataset.ContentRoot(all), ProvenanceRoot: &pall, CreatedAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
	}
	key, err := crypto.HexToECDSA(TestKeyHex)
	if err != nil {
		return nil, err
	}
	addr := crypto.PubkeyToAddress(key.PublicKey).Hex()
	if err := m.AddSignature(addr, func(d dataset.Hash) ([]byte, error) { return sign(d, key) }); err != nil {
		return nil, err
	}
	d, err := m.Digest()
	if err != nil {
		return nil, err
	}
	return map[string]any{
		"description":      "A signed manifest. Each task's provenance_root, and the dataset's, is the RFC 6962 root (as in roots.json) over the sorted record hashes of its rows (provenance.json: SHA-256 of the CBOR array of every column, content and provenance). digest = SHA-256(\"meadow-manifest-v1\\n\" || JCS(manifest without \"signatures\")), RFC 8785 JSON canonicalization; jcs is that canonical text. The signature is secp256k1 over the digest as is, 65 bytes r || s || v with v in {0, 1}, by the test key test_private_key (RFC 6979 nonces, so it is reproducible).",
		"manifest":         m,
		"jcs":              mustJCS(m),
		"digest":           d.String(),
		"signer":           addr,
		"test_private_key": TestKeyHex,
	}, nil
}

func sign(d dataset.Hash, key *ecdsa.PrivateKey) ([]byte, error) { return crypto.Sign(d[:], key) }

// ProvenanceCase is one signed row: its values (all columns, signature
// included), content hash, the bytes the signature covers and their
// SHA-256, the signature, and the record encoding and hash.
type ProvenanceCase struct {
	Name         string `json:"name"`
	Row          []any  `json:"row"`
	RowHash      string `json:"row_hash"`
	SigningInput string `json:"signing_input_hex"`
	SigningHash  string `json:"signing_hash"`
	Signature    string `json:"signature"`
	Record       string `json:"record_hex"`
	RecordHash   string `json:"record_hash"`
}

// ProvenanceSet is the signed rows of one schema and the provenance root
// over their record hashes.
type ProvenanceSet struct {
	Name           string           `json:"name"`
	Schema         dataset.Schema   `json:"schema"`
	Cases          []ProvenanceCase `json:"cases"`
	ProvenanceRoot string           `json:"provenance_root"`
}

// signingInput is the preimage of dataset.RowSigningHash, written out
// again here so that the file shows the bytes.
func signingInput(rowHash dataset.Hash, fetchedAt int64, node []byte) []byte {
	b := append([]byte(dataset.RowSignatureDomain), 0)
	b = append(b, rowHash[:]...)
	for i := 7; i >= 0; i-- {
		b = append(b, byte(uint64(fetchedAt)>>(8*i)))
	}
	return append(b, node...)
}

func provenanceFile() (any, error) {
	key, err := crypto.HexToECDSA(TestKeyHex)
	if err != nil {
		return nil, err
	}
	addr := crypto.PubkeyToAddress(key.PublicKey)
	type named struct {
		name string
		row  dataset.Row
	}
	crawl := CrawlSchema()
	var crows []named
	for _, r := range crawlRows()[:3] {
		crows = append(crows, named{r.name, r.row})
	}
	// Times: an ordinary one, 0, a negative one (int64 big-endian, two's
	// complement) and the largest.
	times := []int64{1767225600000, 0, -1, math.MaxInt64}
	var lower = "0x" + hex.EncodeToString(addr[:])
	crows = append(crows, named{"node column in lower case", crawlRows()[0].row})
	var comp []named
	for _, r := range computeRows()[:2] {
		comp = append(comp, named{r.name, r.row})
	}
	var sets []ProvenanceSet
	for _, set := range []struct {
		name   string
		schema dataset.Schema
		rows   []named
	}{{"crawl", crawl, crows}, {"compute", ComputeSchema(), comp}} {
		ps := ProvenanceSet{Name: set.name, Schema: set.schema}
		var recs []dataset.Hash
		for i, r := range set.rows {
			row := append(dataset.Row(nil), r.row...)
			node := addr.Hex()
			if strings.HasPrefix(r.name, "node column in lower case") {
				node = lower
			}
			at := times[i%len(times)]
			row[set.schema.Index(dataset.ColNode)] = node
			row[set.schema.Index(dataset.ColFetchedAt)] = at
			if err := dataset.SignRows(set.schema, []dataset.Row{row}, key); err != nil {
				return nil, fmt.Errorf("%s: %w", r.name, err)
			}
			h, err := dataset.HashRow(set.schema, row)
			if err != nil {
				return nil, err
			}
			in := signingInput(h, at, addr[:])
			sh := dataset.RowSigningHash(h, at, addr)
			if sh != dataset.Hash(sha256Sum(in)) {
				return nil, fmt.Errorf("%s: RowSigningHash differs from SHA-256 of the written-out input", r.name)
			}
			rec, err := dataset.AppendRecord(nil, set.schema, row)
			if err != nil {
				return nil, err
			}
			rh := dataset.Hash(sha256Sum(rec))
			recs = append(recs, rh)
			js, err := RowJSON(set.schema, row)
			if err != nil {
				return nil, err
			}
			ps.Cases = append(ps.Cases, ProvenanceCase{
				Name: r.name, Row: js, RowHash: h.String(),
				SigningInput: hex.EncodeToString(in), SigningHash: sh.String(),
				Signature: hex.EncodeToString(row[set.schema.Index(dataset.ColSignature)].([]byte)),
				Record:    hex.EncodeToString(rec), RecordHash: rh.String(),
			})
		}
		ps.ProvenanceRoot = dataset.ProvenanceRoot(recs).String()
		sets = append(sets, ps)
	}
	return map[string]any{
		"description": "Row signatures and record hashes. A node signs each row with secp256k1 over signing_hash = SHA-256(signing_input), signing_input = \"meadow.row.v1\" || 0x00 || row_hash (32 bytes, rows.json) || fetched_at (int64, big-endian, two's complement) || node address (20 bytes); the signature column holds 65 bytes r || s || v with v 27 or 28 (RFC 6979 nonces, so reproducible), by the test key of manifest.json. Anyone recovers the signer and checks it equals the row's node column (0x and 40 hex digits, either case). record_hex is the CBOR array of every column in schema order, content and provenance, each value encoded as in rows.json; record_hash is its SHA-256; provenance_root is the RFC 6962 root (roots.json) over the sorted record hashes of the set.",
		"signer":      addr.Hex(),
		"sets":        sets,
	}, nil
}
