package extract

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite testdata/golden.json from the current code")

const goldenPath = "testdata/golden.json"

// goldenInput is one input of the golden vectors: a page of the corpus
// (file, its bytes read from the installed package into html) or an inline
// page (html), with the URL and options it is extracted with.
type goldenInput struct {
	name string
	file string // a corpus page, package/path (labels.json)
	html string
	url  string
	opts Options
}

type goldenFile struct {
	Comment string       `json:"comment"`
	Options Options      `json:"default_options"`
	Cases   []goldenCase `json:"cases"`
}

// goldenCase is what Extract returned: the error (its sentinel), or the
// metadata, the SHA-256 of Text and Markdown, and for short outputs the
// text itself.
type goldenCase struct {
	Name           string `json:"name"`
	File           string `json:"file,omitempty"`
	Error          string `json:"error,omitempty"`
	Title          string `json:"title,omitempty"`
	Author         string `json:"author,omitempty"`
	Date           string `json:"date,omitempty"`
	Language       string `json:"language,omitempty"`
	TextLines      int    `json:"text_lines,omitempty"`
	TextSHA256     string `json:"text_sha256,omitempty"`
	MarkdownSHA256 string `json:"markdown_sha256,omitempty"`
	Text           string `json:"text,omitempty"`
}

const articleHTML = `<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">
<title>Harbour reopens after storm | The Coastal Gazette</title>
<meta name="author" content="Maria Jones">
<meta property="article:published_time" content="2023-05-14T08:30:00Z">
</head><body>
<header><nav><a href="/">Home</a> | <a href="/news">News</a> | <a href="/sport">Sport</a> | <a href="/contact">Contact</a></nav></header>
<main><article><h1>Harbour reopens after storm</h1>
<p>The harbour reopened on Sunday morning after three days of repairs to the sea wall, which was damaged when waves of more than six metres hit the coast on Thursday night.</p>
<p>Fishing boats were the first to leave, followed by the ferry to the islands. The harbour master said that the repairs had been finished a day earlier than planned, thanks to the calm weather on Saturday.</p>
<ul><li>Ferries run to the normal timetable from Monday.</li><li>The car park on the east quay stays closed until further notice.</li></ul>
<pre>Monday   07:00  10:30  16:00
Tuesday  07:00  10:30  16:00</pre>
<p>Residents have been asked to report any further damage to the council, which will publish a full report next month.</p>
</article></main>
<aside><h3>Most read</h3><ul><li><a href="/a">Council election results</a></li><li><a href="/b">New bakery opens</a></li></ul></aside>
<footer><p>© 2023 The Coastal Gazette. All rights reserved.</p><p><a href="/privacy">Privacy policy</a> | <a href="/cookies">Cookie settings</a></p></footer>
</body></html>`

func goldenInputs(t testing.TB) []goldenInput {
	t.Helper()
	var in []goldenInput
	c := loadCorpus(t)
	for i, p := range c.Pages {
		in = append(in, goldenInput{name: p.name(), file: p.name(), html: string(c.html[i]), opts: DefaultOptions()})
	}
	latin1 := strings.Replace(strings.Replace(articleHTML, `<meta charset="utf-8">`, `<meta charset="iso-8859-1">`, 1), "Sunday", "Sunday (caf\xe9 open)", 1)
	in = append(in,
		goldenInput{name: "article", html: articleHTML, url: "https://gazette.example/2023/05/harbour", opts: DefaultOptions()},
		goldenInput{name: "article balanced", html: articleHTML, opts: Options{Focus: Balanced}},
		goldenInput{name: "article recall, no tables", html: articleHTML, opts: Options{Focus: FavorRecall, ExcludeTables: true}},
		goldenInput{name: "article latest date before its date", html: articleHTML, opts: Options{Focus: FavorPrecision, LatestDate: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)}},
		goldenInput{name: "windows-1252 declared iso-8859-1", html: latin1, opts: DefaultOptions()},
		goldenInput{name: "charset from content type", html: strings.Replace(latin1, `<meta charset="iso-8859-1">`, "", 1), opts: Options{ContentType: "text/html; charset=ISO-8859-1"}},
		goldenInput{name: "invalid utf-8", html: strings.Replace(articleHTML, "three days", "three \xff\xfe days \xc0\xaf", 1), opts: DefaultOptions()},
		goldenInput{name: "plain text", html: "Just a line of plain text, without any markup at all, long enough to be kept by the extractor when it has no choice.", opts: DefaultOptions()},
		goldenInput{name: "empty", html: "", opts: DefaultOptions()},
		goldenInput{name: "white space", html: " \n\t\r\n ", opts: DefaultOptions()},
		goldenInput{name: "png", html: "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01", opts: DefaultOptions()},
		goldenInput{name: "pdf", html: "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", opts: DefaultOptions()},
		goldenInput{name: "binary", html: "\x00\x01\x02\x03\x04\x05\x06\x07<html>", opts: DefaultOptions()},
		goldenInput{name: "too large", html: articleHTML, opts: Options{MaxBytes: 1000}},
		goldenInput{name: "navigation only", html: `<html><body><nav><a href="/">Home</a> <a href="/b">Blog</a></nav><footer>© 2024</footer></body></html>`, opts: DefaultOptions()},
		goldenInput{name: "bad focus", html: articleHTML, opts: Options{Focus: "everything"}},
	)
	return in
}

func (g goldenInput) page() []byte { return []byte(g.html) }

// sentinels are the errors a golden case may record, by their text.
var sentinels = []error{ErrEmpty, ErrTooLarge, ErrNotHTML, ErrNoText, ErrOptions}

func runGolden(t testing.TB, in goldenInput, page []byte) goldenCase {
	res, err := Extract(page, in.url, in.opts)
	c := goldenCase{Name: in.name, File: in.file}
	if err != nil {
		for _, s := range sentinels {
			if errors.Is(err, s) {
				c.Error = s.Error()
				return c
			}
		}
		t.Fatalf("%s: error %v wraps no sentinel of errors.go", in.name, err)
	}
	ts, ms := sha256.Sum256([]byte(res.Text)), sha256.Sum256([]byte(res.Markdown))
	c.Title, c.Author, c.Date, c.Language = res.Title, res.Author, res.Date, res.Language
	c.TextLines = strings.Count(res.Text, "\n") + 1
	c.TextSHA256, c.MarkdownSHA256 = hex.EncodeToString(ts[:]), hex.EncodeToString(ms[:])
	if in.file == "" {
		c.Text = res.Text
	}
	return c
}

func makeGolden(t testing.TB) goldenFile {
	g := goldenFile{
		Comment: "compute/extract golden vectors: Extract's result for each input (the pages of labels.json, by package/path, read from the installed Debian packages; the others inline in golden_test.go). " +
			"Regenerate with go test ./compute/extract -run '^TestGolden$' -update; TestGoldenArm64 checks the same file under qemu-aarch64.",
		Options: DefaultOptions(),
	}
	for _, in := range goldenInputs(t) {
		g.Cases = append(g.Cases, runGolden(t, in, in.page()))
	}
	return g
}

// TestGolden checks Extract against testdata/golden.json. A failure means
// an output changed (a library upgrade, an option): replicas would
// disagree with those not yet upgraded. If intended, note it in DESIGN.md
// and regenerate with -update.
func TestGolden(t *testing.T) {
	want := makeGolden(t)
	enc, err := json.MarshalIndent(want, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	enc = append(enc, '\n')
	if *update {
		if err := os.WriteFile(goldenPath, enc, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	raw, err := os.ReadFile(goldenPath)
	if err != nil {
		t.Fatalf("%v (make it with go test ./compute/extract -run '^TestGolden$' -update)", err)
	}
	var got goldenFile
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Cases) != len(want.Cases) {
		t.Fatalf("golden.json has %d cases, the test makes %d", len(got.Cases), len(want.Cases))
	}
	for i := range want.Cases {
		if got.Cases[i] != want.Cases[i] {
			t.Errorf("case %q differs from golden.json:\n got %+v\nwant %+v", want.Cases[i].Name, want.Cases[i], got.Cases[i])
		}
	}
	if !bytes.Equal(raw, enc) {
		t.Errorf("golden.json is not in canonical form; regenerate with -update")
	}
}
