package dataset

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// ManifestVersion is the version of the manifest format this package reads
// and writes.
const ManifestVersion = 1

// maxSafeInteger is the largest integer every JSON reader (JavaScript's
// included) holds exactly, 2^53 - 1; row counts stay below it.
const maxSafeInteger = 1<<53 - 1

// Manifest describes a dataset: which task blobs it is made of, in order,
// with each blob's content root, row count and SHA-256; the schema; the
// dataset root over all its row hashes; and the coordinators' signatures
// over all of that. Its JSON form is what `meadow verify --manifest` reads.
type Manifest struct {
	Version   int            `json:"version"`
	DatasetID string         `json:"dataset_id"`
	JobID     string         `json:"job_id"`
	Kind      Kind           `json:"kind"`
	Schema    Schema         `json:"schema"`
	Tasks     []ManifestTask `json:"tasks"`
	TotalRows int64          `json:"total_rows"`
	Root      Hash           `json:"root"` // RFC 6962 root over every row hash of the dataset, sorted
	// ProvenanceRoot is the RFC 6962 root over the record hash (RecordHash:
	// content and provenance columns) of every row of the dataset, sorted.
	// Manifests made before provenance was covered have none (nil), and
	// then neither has any task.
	ProvenanceRoot *Hash       `json:"provenance_root,omitempty"`
	CreatedAt      time.Time   `json:"created_at"`
	Signatures     []Signature `json:"signatures"`
}

// ManifestTask is one verified task blob of a dataset.
type ManifestTask struct {
	TaskID     string `json:"task_id"`
	Root       Hash   `json:"root"` // content root of the blob's rows
	Rows       int64  `json:"rows"`
	BlobSHA256 Hash   `json:"blob_sha256"` // SHA-256 of the blob file's bytes
	// ProvenanceRoot is the provenance root of the blob's rows (see
	// Manifest.ProvenanceRoot).
	ProvenanceRoot *Hash `json:"provenance_root,omitempty"`
}

// Signature is one signer's signature over a manifest's Digest: Signer is
// an Ethereum address (0x and 40 hex digits, any case), Signature 0x and
// the hex of the signature bytes (65 for secp256k1: r ‖ s ‖ v).
type Signature struct {
	Signer    string `json:"signer"`
	Signature string `json:"signature"`
}

// Bytes decodes the signature's hex.
func (s Signature) Bytes() ([]byte, error) {
	if !strings.HasPrefix(s.Signature, "0x") {
		return nil, fmt.Errorf("dataset: signature %q: expected 0x and hex digits", truncate(s.Signature, 80))
	}
	b, err := hex.DecodeString(s.Signature[2:])
	if err != nil {
		return nil, fmt.Errorf("dataset: signature %q: expected 0x and hex digits", truncate(s.Signature, 80))
	}
	return b, nil
}

// ManifestError is a manifest that does not parse or validate: Field is the
// JSON path of the offending value (e.g. "tasks[3].root"), Value the value
// as found, Expected what was expected. It wraps ErrInvalidManifest.
type ManifestError struct {
	Field    string
	Value    string
	Expected string
}

// Error reads like `dataset: manifest: tasks[3].root "zz": expected 64 hex digits`.
func (e *ManifestError) Error() string {
	s := "dataset: manifest: " + e.Field
	if e.Value != "" {
		s += " " + fmt.Sprintf("%q", truncate(e.Value, 80))
	}
	return s + ": " + e.Expected
}

// Unwrap returns ErrInvalidManifest.
func (e *ManifestError) Unwrap() error { return ErrInvalidManifest }

func merr(field, value, expected string, args ...any) error {
	return &ManifestError{Field: field, Value: value, Expected: fmt.Sprintf(expected, args...)}
}

// manifestJSON is the wire form ParseManifest decodes into: hashes and
// times as strings, so that a bad one is reported with its field's path.
type manifestJSON struct {
	Version   *int            `json:"version"`
	DatasetID string          `json:"dataset_id"`
	JobID     string          `json:"job_id"`
	Kind      Kind            `json:"kind"`
	Schema    json.RawMessage `json:"schema"`
	Tasks     []taskJSON      `json:"tasks"`
	TotalRows *int64          `json:"total_rows"`
	Root      string          `json:"root"`
	// ProvenanceRoot is absent from older manifests.
	ProvenanceRoot *string     `json:"provenance_root"`
	CreatedAt      string      `json:"created_at"`
	Signatures     []Signature `json:"signatures"`
}

type taskJSON struct {
	TaskID     string `json:"task_id"`
	Root       string `json:"root"`
	Rows       *int64 `json:"rows"`
	BlobSHA256 string `json:"blob_sha256"`
	// ProvenanceRoot is absent from older manifests.
	ProvenanceRoot *string `json:"provenance_root"`
}

// ParseManifest reads a manifest's JSON strictly: no unknown fields, no
// missing ones, nothing after the object, then Validate. Errors are
// *ManifestError values naming the field.
func ParseManifest(data []byte) (*Manifest, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var w manifestJSON
	if err := dec.Decode(&w); err != nil {
		return nil, jsonError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, merr("(document)", "", "expected nothing after the manifest object")
	}
	m := &Manifest{DatasetID: w.DatasetID, JobID: w.JobID, Kind: w.Kind, Signatures: w.Signatures}
	if w.Version == nil {
		return nil, merr("version", "", "missing")
	}
	m.Version = *w.Version
	if w.Schema == nil {
		return nil, merr("schema", "", "missing")
	}
	var err error
	if m.Schema, err = parseSchemaJSON(w.Schema); err != nil {
		return nil, err
	}
	if w.Tasks == nil {
		return nil, merr("tasks", "", "missing (an empty dataset has [])")
	}
	m.Tasks = make([]ManifestTask, len(w.Tasks))
	for i, t := range w.Tasks {
		f := fmt.Sprintf("tasks[%d]", i)
		var err error
		m.Tasks[i].TaskID = t.TaskID
		if m.Tasks[i].Root, err = parseHashField(f+".root", t.Root); err != nil {
			return nil, err
		}
		if t.Rows == nil {
			return nil, merr(f+".rows", "", "missing")
		}
		m.Tasks[i].Rows = *t.Rows
		if m.Tasks[i].BlobSHA256, err = parseHashField(f+".blob_sha256", t.BlobSHA256); err != nil {
			return nil, err
		}
		if t.ProvenanceRoot != nil {
			h, err := parseHashField(f+".provenance_root", *t.ProvenanceRoot)
			if err != nil {
				return nil, err
			}
			m.Tasks[i].ProvenanceRoot = &h
		}
	}
	if w.TotalRows == nil {
		return nil, merr("total_rows", "", "missing")
	}
	m.TotalRows = *w.TotalRows
	if m.Root, err = parseHashField("root", w.Root); err != nil {
		return nil, err
	}
	if w.ProvenanceRoot != nil {
		h, err := parseHashField("provenance_root", *w.ProvenanceRoot)
		if err != nil {
			return nil, err
		}
		m.ProvenanceRoot = &h
	}
	if m.CreatedAt, err = parseTimeField("created_at", w.CreatedAt); err != nil {
		return nil, err
	}
	if m.Signatures == nil {
		return nil, merr("signatures", "", "missing (an unsigned manifest has [])")
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	return m, nil
}

// parseSchemaJSON reads the manifest's schema object strictly, naming
// the column of a bad value.
func parseSchemaJSON(raw json.RawMessage) (Schema, error) {
	var w struct {
		Kind    Kind              `json:"kind"`
		Columns []json.RawMessage `json:"columns"`
	}
	if err := strictJSON(raw, &w); err != nil {
		return Schema{}, prefixField("schema", jsonError(err))
	}
	s := Schema{Kind: w.Kind, Columns: make([]Column, len(w.Columns))}
	for i, c := range w.Columns {
		f := fmt.Sprintf("schema.columns[%d]", i)
		var col struct {
			Name     string `json:"name"`
			Type     string `json:"type"`
			Role     Role   `json:"role"`
			Nullable bool   `json:"nullable"`
		}
		if err := strictJSON(c, &col); err != nil {
			return Schema{}, prefixField(f, jsonError(err))
		}
		if err := s.Columns[i].Type.UnmarshalText([]byte(col.Type)); err != nil {
			return Schema{}, merr(f+".type", col.Type, "expected one of %s", typeNameList())
		}
		s.Columns[i].Name, s.Columns[i].Role, s.Columns[i].Nullable = col.Name, col.Role, col.Nullable
	}
	return s, nil
}

func strictJSON(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

// prefixField puts prefix in front of a ManifestError's field.
func prefixField(prefix string, err error) error {
	var me *ManifestError
	if errors.As(err, &me) {
		c := *me
		if c.Field == "(document)" {
			c.Field = prefix
		} else {
			c.Field = prefix + "." + c.Field
		}
		return &c
	}
	return err
}

// jsonError turns an encoding/json error into a ManifestError naming the
// field where it can.
func jsonError(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return merr(te.Field, "", "expected %s, got a JSON %s", jsonKind(te.Type.Kind().String()), te.Value)
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return merr("(document)", "", "invalid JSON at byte %d: %v", se.Offset, err)
	}
	msg := err.Error()
	if f, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		return merr(strings.Trim(f, `"`), "", "unknown field")
	}
	if errors.Is(err, io.EOF) {
		return merr("(document)", "", "empty: expected a JSON object")
	}
	return merr("(document)", "", "%s", trimPrefix(msg))
}

func jsonKind(k string) string {
	switch k {
	case "int", "int64":
		return "an integer"
	case "string":
		return "a string"
	case "slice":
		return "an array"
	case "struct":
		return "an object"
	}
	return "a " + k
}

// parseHashField reads a manifest hash: exactly 64 lowercase hex digits,
// the form Marshal writes, so that a manifest has one spelling.
func parseHashField(field, s string) (Hash, error) {
	var h Hash
	if len(s) != 64 || strings.ToLower(s) != s {
		return h, merr(field, s, "expected 64 lowercase hex digits")
	}
	if _, err := hex.Decode(h[:], []byte(s)); err != nil {
		return h, merr(field, s, "expected 64 lowercase hex digits")
	}
	return h, nil
}

// timeLayout is how manifests spell times: RFC 3339 in UTC, fractional
// seconds only where not zero (Go's time.RFC3339Nano on a UTC time).
const timeLayout = time.RFC3339Nano

func parseTimeField(field, s string) (time.Time, error) {
	t, err := time.Parse(timeLayout, s)
	if err != nil || t.Location() != time.UTC || t.Format(timeLayout) != s {
		return time.Time{}, merr(field, s, "expected an RFC 3339 time in UTC like 2026-11-23T05:00:00Z, without trailing zeros in fractions")
	}
	return t, nil
}

// MarshalJSON writes the manifest in the form ParseManifest reads:
// created_at in UTC, empty lists as [] rather than null.
func (m Manifest) MarshalJSON() ([]byte, error) {
	tasks := make([]taskOut, len(m.Tasks))
	for i, t := range m.Tasks {
		tasks[i] = taskOut(t)
	}
	sigs := m.Signatures
	if sigs == nil {
		sigs = []Signature{}
	}
	return json.Marshal(manifestOut{
		Version:        m.Version,
		DatasetID:      m.DatasetID,
		JobID:          m.JobID,
		Kind:           m.Kind,
		Schema:         m.Schema,
		Tasks:          tasks,
		TotalRows:      m.TotalRows,
		Root:           m.Root,
		ProvenanceRoot: m.ProvenanceRoot,
		CreatedAt:      m.CreatedAt.UTC().Format(timeLayout),
		Signatures:     sigs,
	})
}

// manifestOut is the JSON layout of a Manifest, field for field.
type manifestOut struct {
	Version   int       `json:"version"`
	DatasetID string    `json:"dataset_id"`
	JobID     string    `json:"job_id"`
	Kind      Kind      `json:"kind"`
	Schema    Schema    `json:"schema"`
	Tasks     []taskOut `json:"tasks"`
	TotalRows int64     `json:"total_rows"`
	Root      Hash      `json:"root"`
	// ProvenanceRoot is left out when nil, so that an older manifest's
	// canonical JSON, hence its digest and signatures, is unchanged.
	ProvenanceRoot *Hash       `json:"provenance_root,omitempty"`
	CreatedAt      string      `json:"created_at"`
	Signatures     []Signature `json:"signatures"`
}

type taskOut struct {
	TaskID         string `json:"task_id"`
	Root           Hash   `json:"root"`
	Rows           int64  `json:"rows"`
	BlobSHA256     Hash   `json:"blob_sha256"`
	ProvenanceRoot *Hash  `json:"provenance_root,omitempty"`
}

// idOK reports whether s is a usable id: 1 to 128 characters from
// [A-Za-z0-9._:-].
func idOK(s string) bool {
	if len(s) == 0 || len(s) > 128 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == ':' || c == '-') {
			return false
		}
	}
	return true
}

const idExpected = "expected 1 to 128 characters from A-Z a-z 0-9 . _ : -"

// Validate checks the manifest's fields and the rules across them: the
// version, ids, kind (equal to the schema's), a valid schema, unique task
// ids, row counts that add up to total_rows, an empty root wherever there
// are no rows, the dataset root equal to the task root when there is one
// task, a created_at time, well-formed and distinct signers. Errors are
// *ManifestError values naming the field.
func (m *Manifest) Validate() error {
	if m.Version != ManifestVersion {
		return merr("version", fmt.Sprint(m.Version), "expected %d", ManifestVersion)
	}
	if !idOK(m.DatasetID) {
		return merr("dataset_id", m.DatasetID, idExpected)
	}
	if !idOK(m.JobID) {
		return merr("job_id", m.JobID, idExpected)
	}
	if m.Kind != KindCrawl && m.Kind != KindCompute {
		return merr("kind", string(m.Kind), "expected crawl or compute")
	}
	if err := m.Schema.Validate(); err != nil {
		// Schema.Validate names the field itself ("schema.columns[2].name ...").
		msg := trimPrefix(err.Error())
		field, rest, ok := strings.Cut(msg, " ")
		if !ok || !strings.HasPrefix(field, "schema.") {
			return merr("schema", "", "%s", msg)
		}
		field = strings.TrimSuffix(field, ":")
		if v, exp, ok := strings.Cut(rest, ": "); ok && strings.HasPrefix(v, `"`) {
			return &ManifestError{Field: field, Value: strings.Trim(v, `"`), Expected: exp}
		}
		return &ManifestError{Field: field, Expected: strings.TrimPrefix(rest, ": ")}
	}
	if m.Schema.Kind != m.Kind {
		return merr("schema.kind", string(m.Schema.Kind), "expected %q, the manifest's kind", m.Kind)
	}
	seen := make(map[string]int, len(m.Tasks))
	var total int64
	for i, t := range m.Tasks {
		f := fmt.Sprintf("tasks[%d]", i)
		if !idOK(t.TaskID) {
			return merr(f+".task_id", t.TaskID, idExpected)
		}
		if j, dup := seen[t.TaskID]; dup {
			return merr(f+".task_id", t.TaskID, "duplicate of tasks[%d]", j)
		}
		seen[t.TaskID] = i
		if t.Rows < 0 || t.Rows > maxSafeInteger {
			return merr(f+".rows", fmt.Sprint(t.Rows), "expected 0 to %d", int64(maxSafeInteger))
		}
		if t.Rows == 0 && t.Root != EmptyRoot {
			return merr(f+".root", t.Root.String(), "expected the empty root %s for a task with no rows", EmptyRoot)
		}
		if t.BlobSHA256.IsZero() {
			return merr(f+".blob_sha256", t.BlobSHA256.String(), "expected the SHA-256 of the blob, not zeros")
		}
		if total += t.Rows; total > maxSafeInteger {
			return merr("tasks", "", "more than %d rows in all", int64(maxSafeInteger))
		}
	}
	if m.TotalRows != total {
		return merr("total_rows", fmt.Sprint(m.TotalRows), "expected %d, the sum of the tasks' rows", total)
	}
	if total == 0 && m.Root != EmptyRoot {
		return merr("root", m.Root.String(), "expected the empty root %s for a dataset with no rows", EmptyRoot)
	}
	if len(m.Tasks) == 1 && m.Root != m.Tasks[0].Root {
		return merr("root", m.Root.String(), "expected %s, the root of the only task", m.Tasks[0].Root)
	}
	if err := m.validateProvenance(total); err != nil {
		return err
	}
	if m.CreatedAt.IsZero() {
		return merr("created_at", "", "missing")
	}
	signers := make(map[string]int, len(m.Signatures))
	for i, s := range m.Signatures {
		f := fmt.Sprintf("signatures[%d]", i)
		if !common.IsHexAddress(s.Signer) || !strings.HasPrefix(s.Signer, "0x") {
			return merr(f+".signer", s.Signer, "expected an address: 0x and 40 hex digits")
		}
		key := strings.ToLower(s.Signer)
		if j, dup := signers[key]; dup {
			return merr(f+".signer", s.Signer, "duplicate of signatures[%d]", j)
		}
		signers[key] = i
		b, err := s.Bytes()
		if err != nil || len(b) == 0 {
			return merr(f+".signature", s.Signature, "expected 0x and hex digits")
		}
	}
	return nil
}

// validateProvenance checks the provenance roots: all present (the
// dataset's and every task's) or all absent (an older manifest), the empty
// root where there are no rows, the only task's root as the dataset's.
func (m *Manifest) validateProvenance(total int64) error {
	has := m.ProvenanceRoot != nil
	for i, t := range m.Tasks {
		f := fmt.Sprintf("tasks[%d].provenance_root", i)
		if (t.ProvenanceRoot != nil) != has {
			if has {
				return merr(f, "", "missing: expected one on every task, as the manifest has a provenance_root")
			}
			return merr("provenance_root", "", "missing: expected one, as %s is set (all provenance roots or none)", f)
		}
		if has && t.Rows == 0 && *t.ProvenanceRoot != EmptyRoot {
			return merr(f, t.ProvenanceRoot.String(), "expected the empty root %s for a task with no rows", EmptyRoot)
		}
	}
	if !has {
		return nil
	}
	if total == 0 && *m.ProvenanceRoot != EmptyRoot {
		return merr("provenance_root", m.ProvenanceRoot.String(), "expected the empty root %s for a dataset with no rows", EmptyRoot)
	}
	if len(m.Tasks) == 1 && *m.ProvenanceRoot != *m.Tasks[0].ProvenanceRoot {
		return merr("provenance_root", m.ProvenanceRoot.String(), "expected %s, the provenance root of the only task", *m.Tasks[0].ProvenanceRoot)
	}
	return nil
}

// HasProvenance reports whether the manifest commits to its rows'
// provenance (provenance roots); older manifests do not.
func (m *Manifest) HasProvenance() bool { return m.ProvenanceRoot != nil }

// manifestDomain prefixes the bytes a manifest signature covers, so that
// such a signature can never pass for a signature of anything else.
const manifestDomain = "meadow-manifest-v1\n"

// Digest returns what signers sign: SHA-256 of "meadow-manifest-v1\n"
// followed by CanonicalJSON. Any RFC 8785 implementation reproduces it
// from the manifest's JSON.
func (m *Manifest) Digest() (Hash, error) {
	canon, err := m.CanonicalJSON()
	if err != nil {
		return Hash{}, err
	}
	return sha256.Sum256(append([]byte(manifestDomain), canon...)), nil
}

// CanonicalJSON returns the RFC 8785 (JSON Canonicalization Scheme) form
// of the manifest without its signatures field: keys sorted, no white
// space, strings escaped as ECMAScript's JSON.stringify does.
func (m *Manifest) CanonicalJSON() ([]byte, error) {
	c := *m
	c.Signatures = nil
	js, err := json.Marshal(c)
	if err != nil {
		return nil, fmt.Errorf("dataset: manifest: %w", err)
	}
	var v map[string]any
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("dataset: manifest: %w", err)
	}
	delete(v, "signatures")
	return appendJCS(nil, v)
}

// SignatureVerifier checks that sig is signer's signature of digest.
type SignatureVerifier func(digest Hash, signer string, sig []byte) error

// EthereumVerifier is the SignatureVerifier of Meadow's identities:
// secp256k1 signatures of 65 bytes, r ‖ s ‖ v with v in {0, 1} or {27, 28},
// over the digest as is; the public key recovered from the signature must
// be signer's address.
func EthereumVerifier(digest Hash, signer string, sig []byte) error {
	if len(sig) != crypto.SignatureLength {
		return fmt.Errorf("%w: %d bytes: expected %d", ErrBadSignature, len(sig), crypto.SignatureLength)
	}
	s := append([]byte(nil), sig...)
	if s[64] >= 27 {
		s[64] -= 27
	}
	pub, err := crypto.SigToPub(digest[:], s)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrBadSignature, err)
	}
	if got := crypto.PubkeyToAddress(*pub); !strings.EqualFold(got.Hex(), signer) {
		return fmt.Errorf("%w: signed by %s, not %s", ErrBadSignature, got.Hex(), signer)
	}
	return nil
}

// AddSignature signs the manifest's digest with sign and appends the
// signature under signer's address (replacing an earlier one by the same
// signer). sign returns the signature bytes, e.g. go-ethereum's
// crypto.Sign(digest[:], key).
func (m *Manifest) AddSignature(signer string, sign func(digest Hash) ([]byte, error)) error {
	if !common.IsHexAddress(signer) || !strings.HasPrefix(signer, "0x") {
		return merr("signer", signer, "expected an address: 0x and 40 hex digits")
	}
	d, err := m.Digest()
	if err != nil {
		return err
	}
	sig, err := sign(d)
	if err != nil {
		return fmt.Errorf("dataset: signing manifest: %w", err)
	}
	entry := Signature{Signer: signer, Signature: "0x" + hex.EncodeToString(sig)}
	for i, s := range m.Signatures {
		if strings.EqualFold(s.Signer, signer) {
			m.Signatures[i] = entry
			return nil
		}
	}
	m.Signatures = append(m.Signatures, entry)
	return nil
}

// VerifySignatures checks every signature with verify, and that at least
// quorum distinct signers from trusted made one. trusted names whom the
// caller trusts (the operator set of the chain's dataset registry, or
// signers a buyer names); signatures by anyone else, however valid, do not
// count, so a stranger cannot re-sign a changed manifest. A signature that
// does not verify is an error even when the others make a quorum. An empty
// trusted set or a quorum below 1 is an error: a check that trusts every
// key checks nothing. Errors wrap ErrBadSignature and name the signature,
// or say how many trusted signatures were found and which did not count.
func (m *Manifest) VerifySignatures(verify SignatureVerifier, quorum int, trusted []string) error {
	if len(trusted) == 0 {
		return fmt.Errorf("%w: no trusted signers given: a manifest's signatures prove nothing unless their signers are trusted", ErrBadSignature)
	}
	if quorum < 1 {
		return fmt.Errorf("%w: quorum %d: expected at least 1", ErrBadSignature, quorum)
	}
	d, err := m.Digest()
	if err != nil {
		return err
	}
	ok := 0
	var strangers []string
	for i, s := range m.Signatures {
		b, err := s.Bytes()
		if err != nil {
			return fmt.Errorf("%w: signatures[%d]: %v", ErrBadSignature, i, trimPrefix(err.Error()))
		}
		if err := verify(d, s.Signer, b); err != nil {
			return fmt.Errorf("%w: signatures[%d] (%s): %v", ErrBadSignature, i, s.Signer, strings.TrimPrefix(trimPrefix(err.Error()), "bad signature: "))
		}
		// Validate made signers distinct, so each trusted one counts once.
		if containsFold(trusted, s.Signer) {
			ok++
		} else {
			strangers = append(strangers, s.Signer)
		}
	}
	if ok < quorum {
		extra := ""
		if len(strangers) > 0 {
			extra = fmt.Sprintf(" (%d more by keys outside the trusted set, which do not count: %s)", len(strangers), strings.Join(strangers, ", "))
		}
		return fmt.Errorf("%w: %d valid signatures from the %d trusted signers: expected at least %d%s", ErrBadSignature, ok, len(trusted), quorum, extra)
	}
	return nil
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// ReadManifest reads and parses a manifest file.
func ReadManifest(path string) (*Manifest, error) {
	b, err := readFileLimited(path, 64<<20)
	if err != nil {
		return nil, err
	}
	m, err := ParseManifest(b)
	if err != nil {
		return nil, fmt.Errorf("%w (%s)", err, path)
	}
	return m, nil
}

// readFileLimited reads a file of at most limit bytes.
func readFileLimited(path string, limit int64) ([]byte, error) {
	f, err := openFile(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("dataset: %w", err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("dataset: %s: larger than %d bytes", path, limit)
	}
	return b, nil
}
