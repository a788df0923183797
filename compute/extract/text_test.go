package extract

import (
	"strings"
	"testing"

	"golang.org/x/net/html"
)

func TestTextOf(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{name: "paragraphs", in: "<p>one  two\nthree</p><p> four </p>", want: "one two three\nfour"},
		{name: "inline", in: "<p>a <b>b</b> c<i>d</i></p>", want: "a b cd"},
		{name: "br", in: "<p>a<br>b</p>", want: "a\nb"},
		{name: "list", in: "<ul><li>x</li><li>y</li></ul>", want: "x\ny"},
		{name: "table", in: "<table><tr><td>a</td><td>b</td></tr><tr><th>c</th><td>d</td></tr></table>", want: "a | b\nc | d"},
		{name: "pre keeps indentation", in: "<pre>def f():\n    return 1  \n\n</pre>", want: "def f():\n    return 1"},
		{name: "code block", in: "<p>x</p><code>a\n  b</code>", want: "x\na\n  b"},
		{name: "inline code", in: "<p>call <code>f()</code> now</p>", want: "call f() now"},
		{name: "script dropped", in: "<p>a<script>var x</script>b</p>", want: "ab"},
		{name: "nbsp is space", in: "<p>a\u00a0\u00a0b</p>", want: "a b"},
		{name: "empty", in: "", want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := html.Parse(strings.NewReader(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if got := textOf(doc); got != tt.want {
				t.Fatalf("textOf(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestOptionsValidate(t *testing.T) {
	tests := []struct {
		name string
		opts Options
		want string
	}{
		{name: "default", opts: DefaultOptions()},
		{name: "zero", opts: Options{}},
		{name: "negative", opts: Options{MaxBytes: -1}, want: "extract.max_bytes: expected 0 (default) or 1..1073741824, got -1"},
		{name: "focus", opts: Options{Focus: "x"}, want: `extract.focus: expected precision, balanced or recall, got "x"`},
		{name: "content type", opts: Options{ContentType: "text/html; charset=\xff"}, want: "extract.content_type: expected UTF-8 text"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.opts.Validate()
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want %q", err, tt.want)
			}
		})
	}
}

// TestLargePage: a 32 MiB page is refused by the default cap before any
// parsing, and a page of 2,000 paragraphs (220 KB) is extracted.
func TestLargePage(t *testing.T) {
	big := make([]byte, 32<<20)
	for i := range big {
		big[i] = 'a'
	}
	if _, err := Extract(big, "", DefaultOptions()); err == nil || !strings.Contains(err.Error(), "33554432 bytes, expected at most 1048576") {
		t.Fatalf("32 MiB page: got %v", err)
	}
	page := "<html><body><article>" + strings.Repeat("<p>The council met on Tuesday and agreed to build a new school in the north of the city, to open next year.</p>\n", 2000) + "</article></body></html>"
	res, err := Extract([]byte(page), "", DefaultOptions())
	if err != nil {
		t.Fatalf("%d-byte page: %v", len(page), err)
	}
	if res.Text == "" {
		t.Fatal("no text")
	}
}
