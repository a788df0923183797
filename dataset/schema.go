package dataset

import (
	"fmt"
	"strings"

	"github.com/meadow-net/meadow/api"
)

// Kind says what produced a dataset's rows.
type Kind string

// The kinds of dataset.
const (
	KindCrawl   Kind = "crawl"
	KindCompute Kind = "compute"
)

// ColumnType is the logical type of a column. Each maps to one Arrow type and
// one CBOR encoding; the set is closed so that every implementation (Go, the
// extension's JavaScript) encodes the same bytes.
type ColumnType uint8

// Column types. Values are appended only; they appear in manifests by name.
const (
	TypeString     ColumnType = 1  // Arrow utf8; CBOR text string, normalized
	TypeInt64      ColumnType = 2  // Arrow int64; CBOR major type 0 or 1
	TypeBytes      ColumnType = 3  // Arrow binary; CBOR byte string
	TypeUint32List ColumnType = 4  // Arrow list<uint32>; CBOR array of uints
	TypeInt32List  ColumnType = 5  // Arrow list<int32>; CBOR array of ints
	TypeUint64List ColumnType = 6  // Arrow list<uint64>; CBOR array of uints
	TypeFloat64    ColumnType = 7  // Arrow float64; CBOR float64 (0xfb), finite, never -0
	TypeBool       ColumnType = 8  // Arrow boolean; CBOR true (0xf5) or false (0xf4)
	TypeStringList ColumnType = 9  // Arrow list<utf8>; CBOR array of text strings, verbatim
	TypeInt64List  ColumnType = 10 // Arrow list<int64>; CBOR array of ints
)

// columnTypes lists the types in the order of their values, for messages.
var columnTypes = []ColumnType{TypeString, TypeInt64, TypeBytes, TypeUint32List, TypeInt32List, TypeUint64List, TypeFloat64, TypeBool, TypeStringList, TypeInt64List}

var typeNames = map[ColumnType]string{
	TypeString:     "string",
	TypeInt64:      "int64",
	TypeBytes:      "bytes",
	TypeUint32List: "list<uint32>",
	TypeInt32List:  "list<int32>",
	TypeUint64List: "list<uint64>",
	TypeFloat64:    "float64",
	TypeBool:       "bool",
	TypeStringList: "list<string>",
	TypeInt64List:  "list<int64>",
}

// typeNameList is "string, int64, …": every type name, for error messages.
func typeNameList() string {
	names := make([]string, len(columnTypes))
	for i, t := range columnTypes {
		names[i] = typeNames[t]
	}
	return strings.Join(names, ", ")
}

// String returns the type's name as manifests spell it.
func (t ColumnType) String() string {
	if n, ok := typeNames[t]; ok {
		return n
	}
	return fmt.Sprintf("type(%d)", uint8(t))
}

// MarshalText writes the type's name.
func (t ColumnType) MarshalText() ([]byte, error) {
	n, ok := typeNames[t]
	if !ok {
		return nil, fmt.Errorf("dataset: unknown column type %d", uint8(t))
	}
	return []byte(n), nil
}

// UnmarshalText reads a type's name.
func (t *ColumnType) UnmarshalText(b []byte) error {
	for k, n := range typeNames {
		if n == string(b) {
			*t = k
			return nil
		}
	}
	return fmt.Errorf("dataset: column type %q: expected one of %s", b, typeNameList())
}

// Role says whether a column is content (hashed, cross-checked) or provenance
// (who and when; stored and signed, never hashed).
type Role string

// The roles of a column.
const (
	RoleContent    Role = "content"
	RoleProvenance Role = "provenance"
)

// Column is one column of a schema.
type Column struct {
	Name     string     `json:"name"`
	Type     ColumnType `json:"type"`
	Role     Role       `json:"role"`
	Nullable bool       `json:"nullable,omitempty"`
}

// Schema is the ordered list of a dataset's columns. Content columns are
// encoded in this order; provenance columns always come last.
type Schema struct {
	Kind    Kind     `json:"kind"`
	Columns []Column `json:"columns"`
}

// Names of the fixed columns.
const (
	ColURL         = "url"
	ColFinalURL    = "final_url"
	ColStatus      = "status"
	ColContentType = "content_type"
	ColText        = "text"
	ColSourceHash  = "source_hash"
	ColNode        = "node"
	ColFetchedAt   = "fetched_at"
	ColSignature   = "signature"

	// FieldPrefix starts the column name of each extracted field, so that a
	// field called "url" cannot collide with the fixed url column.
	FieldPrefix = "f_"
)

// Names of the main-text columns a crawl with crawl.extract on adds after
// text (issue 13), in this order. Their names follow FineWeb's schema
// where it has the column (date, later text and language: a pretraining
// stage renames main_text to text); text keeps the CSS-selected text.
const (
	// ColExtractStatus is api.ExtractOK or the extractor's refusal
	// (api.ExtractStatuses); never null.
	ColExtractStatus = "extract_status"
	// ColMainText is the main text as its lines (list<string>): one
	// paragraph, heading, list item or table row per line, as the
	// extractor writes it; null unless the status is ok. A list, not a
	// string: string columns are stored normalized (white space runs,
	// line breaks included, become one space), and FineWeb's line rules
	// need the lines. The text is the elements joined with LF.
	ColMainText = "main_text"
	// ColMarkdown is the same content as CommonMark, as its lines (blank
	// lines between blocks kept); null unless ok.
	ColMarkdown = "markdown"
	// ColTitle, ColAuthor: as the page gives them; null when it does not.
	ColTitle  = "title"
	ColAuthor = "author"
	// ColDate is the publication date the page gives, YYYY-MM-DD; null
	// when none (or a later one than the job's latest_date).
	ColDate = "date"
	// ColLanguageHint is the language the page declares (<html lang>, or
	// the Content-Language meta tag), its primary subtag lowercased; null
	// when none. A hint: language identification is a later stage's.
	ColLanguageHint = "language_hint"
)

// mainTextColumns are the columns CrawlOptions.MainText adds.
var mainTextColumns = []Column{
	{Name: ColExtractStatus, Type: TypeString, Role: RoleContent},
	{Name: ColMainText, Type: TypeStringList, Role: RoleContent, Nullable: true},
	{Name: ColMarkdown, Type: TypeStringList, Role: RoleContent, Nullable: true},
	{Name: ColTitle, Type: TypeString, Role: RoleContent, Nullable: true},
	{Name: ColAuthor, Type: TypeString, Role: RoleContent, Nullable: true},
	{Name: ColDate, Type: TypeString, Role: RoleContent, Nullable: true},
	{Name: ColLanguageHint, Type: TypeString, Role: RoleContent, Nullable: true},
}

// CrawlOptions choose the optional column groups of a crawl schema.
type CrawlOptions struct {
	// MainText adds the main-text columns (crawl.extract on): content
	// columns, so the row hash and the replicas' cross-check cover them.
	MainText bool
}

// provenanceColumns end every schema: the node's address (0x-hex), when the
// row was made (Unix milliseconds), and the node's signature of the row
// (provenance.go: it verifies from the row alone).
var provenanceColumns = []Column{
	{Name: ColNode, Type: TypeString, Role: RoleProvenance},
	{Name: ColFetchedAt, Type: TypeInt64, Role: RoleProvenance},
	{Name: ColSignature, Type: TypeBytes, Role: RoleProvenance, Nullable: true},
}

// CrawlSchema is the schema of a crawl job whose extraction rules name fields,
// in the job spec's order: url, final_url, status, content_type, one nullable
// string column per field (FieldPrefix + name; null when the selector matched
// nothing), text (the page's main text), then provenance.
func CrawlSchema(fields []string) (Schema, error) {
	return CrawlSchemaWith(fields, CrawlOptions{})
}

// CrawlSchemaWith is CrawlSchema with the optional column groups of o:
// with MainText, the main-text columns (extract_status, main_text,
// markdown, title, author, date, language_hint) follow text.
func CrawlSchemaWith(fields []string, o CrawlOptions) (Schema, error) {
	cols := []Column{
		{Name: ColURL, Type: TypeString, Role: RoleContent},
		{Name: ColFinalURL, Type: TypeString, Role: RoleContent},
		{Name: ColStatus, Type: TypeInt64, Role: RoleContent},
		{Name: ColContentType, Type: TypeString, Role: RoleContent},
	}
	for _, f := range fields {
		cols = append(cols, Column{Name: FieldPrefix + f, Type: TypeString, Role: RoleContent, Nullable: true})
	}
	cols = append(cols, Column{Name: ColText, Type: TypeString, Role: RoleContent})
	if o.MainText {
		cols = append(cols, mainTextColumns...)
	}
	cols = append(cols, provenanceColumns...)
	s := Schema{Kind: KindCrawl, Columns: cols}
	return s, s.Validate()
}

// ComputeSchema is the schema of a compute job: source_hash (the row hash of
// the input row the output was computed from), the kernel's output columns,
// then provenance.
func ComputeSchema(outputs []Column) (Schema, error) {
	cols := []Column{{Name: ColSourceHash, Type: TypeBytes, Role: RoleContent}}
	for _, c := range outputs {
		c.Role = RoleContent
		cols = append(cols, c)
	}
	cols = append(cols, provenanceColumns...)
	s := Schema{Kind: KindCompute, Columns: cols}
	return s, s.Validate()
}

// Validate checks that the schema is well formed: a known kind, unique
// non-empty names, known types and roles, content columns before provenance.
func (s Schema) Validate() error {
	if s.Kind != KindCrawl && s.Kind != KindCompute {
		return fmt.Errorf("dataset: schema.kind %q: expected crawl or compute", s.Kind)
	}
	if len(s.Columns) == 0 {
		return fmt.Errorf("dataset: schema.columns: expected at least one column")
	}
	seen := make(map[string]bool, len(s.Columns))
	provenance := false
	content := 0
	for i, c := range s.Columns {
		switch {
		case c.Name == "" || strings.TrimSpace(c.Name) != c.Name:
			return fmt.Errorf("dataset: schema.columns[%d].name %q: expected a non-empty name without surrounding space", i, c.Name)
		case seen[c.Name]:
			return fmt.Errorf("dataset: schema.columns[%d].name %q: duplicate column", i, c.Name)
		case typeNames[c.Type] == "":
			return fmt.Errorf("dataset: schema.columns[%d].type %d: unknown type", i, uint8(c.Type))
		}
		seen[c.Name] = true
		switch c.Role {
		case RoleContent:
			if provenance {
				return fmt.Errorf("dataset: schema.columns[%d] %q: content column after a provenance column", i, c.Name)
			}
			content++
		case RoleProvenance:
			provenance = true
		default:
			return fmt.Errorf("dataset: schema.columns[%d].role %q: expected content or provenance", i, c.Role)
		}
	}
	if content == 0 {
		return fmt.Errorf("dataset: schema.columns: expected at least one content column")
	}
	return nil
}

// Index returns the position of the named column, or -1.
func (s Schema) Index(name string) int {
	for i, c := range s.Columns {
		if c.Name == name {
			return i
		}
	}
	return -1
}

// NumContent returns how many leading columns are content columns.
func (s Schema) NumContent() int {
	n := 0
	for _, c := range s.Columns {
		if c.Role == RoleContent {
			n++
		}
	}
	return n
}

// Row is one row: a value per schema column, in schema order. A value is nil
// (null) or of the Go type its column type names: string, int64, []byte,
// []uint32, []int32, []uint64, float64, bool, []string or []int64.
type Row []any

// Provenance is who made a row and when; it is stored, signed, never hashed.
type Provenance struct {
	Node      string // 0x-prefixed address of the node
	FetchedAt int64  // Unix milliseconds
	Signature []byte // the node's signature of the row (SignRows); nil until signed
}

// Page is what the crawler extracted from one fetched page.
type Page struct {
	URL         string
	FinalURL    string
	Status      int64
	ContentType string
	Fields      map[string]*string // by field name; nil when the selector matched nothing
	Text        string
	// Main is the main-text extraction's result when the crawl asked for
	// it (CrawlOptions.MainText), else nil.
	Main *MainText
}

// MainText is what main-text extraction made of a page. Status is
// api.ExtractOK, and the other fields the extractor's result ("" where the
// page gives nothing), or one of the other api.ExtractStatuses with every
// other field empty.
type MainText struct {
	Status   string
	Text     string
	Markdown string
	Title    string
	Author   string
	Date     string
	Language string
}

// CrawlRow lays a page out as a row of s, a schema made by CrawlSchema.
func CrawlRow(s Schema, p Page, prov Provenance) Row {
	r := make(Row, len(s.Columns))
	for i, c := range s.Columns {
		switch {
		case c.Name == ColURL:
			r[i] = p.URL
		case c.Name == ColFinalURL:
			r[i] = p.FinalURL
		case c.Name == ColStatus:
			r[i] = p.Status
		case c.Name == ColContentType:
			r[i] = p.ContentType
		case c.Name == ColText:
			r[i] = p.Text
		case c.Name == ColExtractStatus:
			if p.Main != nil {
				r[i] = p.Main.Status
			}
		case c.Name == ColMainText, c.Name == ColMarkdown:
			if m := p.Main; m != nil && m.Status == api.ExtractOK {
				r[i] = Lines(m.Text)
				if c.Name == ColMarkdown {
					r[i] = Lines(m.Markdown)
				}
			}
		case c.Name == ColTitle:
			r[i] = nonEmpty(p.Main, func(m *MainText) string { return m.Title })
		case c.Name == ColAuthor:
			r[i] = nonEmpty(p.Main, func(m *MainText) string { return m.Author })
		case c.Name == ColDate:
			r[i] = nonEmpty(p.Main, func(m *MainText) string { return m.Date })
		case c.Name == ColLanguageHint:
			r[i] = nonEmpty(p.Main, func(m *MainText) string { return m.Language })
		case c.Name == ColNode:
			r[i] = prov.Node
		case c.Name == ColFetchedAt:
			r[i] = prov.FetchedAt
		case c.Name == ColSignature:
			if prov.Signature != nil {
				r[i] = prov.Signature
			}
		case strings.HasPrefix(c.Name, FieldPrefix):
			if v := p.Fields[strings.TrimPrefix(c.Name, FieldPrefix)]; v != nil {
				r[i] = *v
			}
		}
	}
	return r
}

// nonEmpty is a main-text metadata value for a row: the string, or nil
// (null) when there is none, the page gave none, or extraction refused it.
func nonEmpty(m *MainText, get func(*MainText) string) any {
	if m == nil || m.Status != api.ExtractOK {
		return nil
	}
	if v := get(m); v != "" {
		return v
	}
	return nil
}

// Lines splits a text at LF into the elements of a main_text or markdown
// value; strings.Join(Lines(s), "\n") is s. An empty text is no lines.
func Lines(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(s, "\n")
}
