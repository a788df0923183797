package realpages

import (
	"reflect"
	"strings"
	"testing"
)

func TestLines(t *testing.T) {
	for _, tt := range []struct {
		name string
		page string
		want []string
		tags []string
	}{
		{
			name: "blocks, br, cells, white space",
			page: "<html><head><title>T</title><style>p{}</style></head><body><nav><a>Home</a> | <a>Next</a></nav>" +
				"<h1>Title <a>¶</a></h1><p>One\u00a0 <em>two</em>\n three<br>four</p><table><tr><th>a</th><td>b</td></tr></table></body></html>",
			want: []string{"Home | Next", "Title ¶", "One two three", "four", "a | b"},
			tags: []string{"nav", "h1", "p", "p", "tr"},
		},
		{
			name: "pre is one line, hidden and script are not lines",
			page: "<body><p>Intro</p><pre>line 1\n  line 2\n<b>x</b></pre><div hidden>secret</div><script>var x</script><noscript>n</noscript></body>",
			want: []string{"Intro", "line 1 line 2 x"},
			tags: []string{"p", "pre"},
		},
		{
			name: "text straight in body, NFC",
			page: "<body>cafe\u0301<div>x</div></body>",
			want: []string{"café", "x"},
			tags: []string{"body", "div"},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := Lines([]byte(tt.page), "text/html; charset=utf-8"); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Lines = %q, want %q", got, tt.want)
			}
			if got := Tags([]byte(tt.page), "text/html; charset=utf-8"); !reflect.DeepEqual(got, tt.tags) {
				t.Errorf("Tags = %q, want %q", got, tt.tags)
			}
		})
	}
}

func TestMatch(t *testing.T) {
	long := "A paragraph long enough to be found inside another line"
	for _, tt := range []struct {
		name      string
		page      []string
		labels    string
		extracted string
		want      []int
	}{
		{
			name:      "verbatim, spaced, dropped",
			page:      []string{"Menu", "Title", "func as value", "Footer"},
			extracted: "Title\nfuncas value",
			want:      []int{Dropped, Verbatim, Spaced, Dropped},
		},
		{
			name:      "a repeated line is kept as often as extracted",
			page:      []string{"Next", "Body text", "Next"},
			extracted: "Body text\nNext",
			want:      []int{Dropped, Verbatim, Verbatim},
		},
		{
			name:      "long lines inside joined or split lines; short ones not",
			page:      []string{"Note", long, "Short one"},
			extracted: "Note: " + long + " and more\nShort one too",
			want:      []int{Dropped, Inside, Dropped},
		},
		{
			name:      "a heading kept once counts for the heading, not its table-of-contents entry before it",
			page:      []string{"Contents", "Install", "Install", "Text"},
			labels:    "bbmm",
			extracted: "Install\nText",
			want:      []int{Dropped, Dropped, Verbatim, Verbatim},
		},
		{
			name:      "nor for its entry after it",
			page:      []string{"Install", "Text", "Contents", "Install"},
			labels:    "mmbb",
			extracted: "Install\nText",
			want:      []int{Verbatim, Verbatim, Dropped, Dropped},
		},
		{
			name:      "a long line inside is counted once, for the main line",
			page:      []string{long, long},
			labels:    "bm",
			extracted: "x " + long + " y",
			want:      []int{Dropped, Inside},
		},
		{
			name:      "nothing extracted",
			page:      []string{"a", "b"},
			extracted: "",
			want:      []int{Dropped, Dropped},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var labels []byte
			if tt.labels != "" {
				labels = []byte(tt.labels)
			}
			if got := Match(tt.page, labels, tt.extracted); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Match = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestScore(t *testing.T) {
	var s Score
	s.Add([]byte("mmmbb"), []int{Verbatim, Spaced, Dropped, Inside, Dropped})
	want := Score{Main: 3, Boiler: 2, MainKept: 2, BoilerKept: 1, MainVerbatim: 1}
	if s != want {
		t.Fatalf("Score = %+v, want %+v", s, want)
	}
	if p, r := s.Precision(), s.Recall(); p != 2.0/3 || r != 2.0/3 {
		t.Errorf("precision %v, recall %v, want 2/3 and 2/3", p, r)
	}
	if p, r := (Score{}).Precision(), (Score{}).Recall(); p != 1 || r != 1 {
		t.Errorf("empty score: precision %v, recall %v, want 1 and 1", p, r)
	}
}

func TestRanges(t *testing.T) {
	got, err := ParseRanges("b1-2, m3,b4-", 6)
	if err != nil || string(got) != "bbmbbb" {
		t.Fatalf("ParseRanges = %q, %v", got, err)
	}
	if r := Ranges(got); r != "b1-2,m3,b4-6" {
		t.Errorf("Ranges = %q", r)
	}
	for _, tt := range []struct{ spec, err string }{
		{"b1-3", "line 4 of 4 has no label"},
		{"b1-4,m2", "labelled twice"},
		{"x1-4", "expected m or b"},
		{"b1-5", "within 1..4"},
		{"b0-4", "within 1..4"},
		{"b1-z", "invalid syntax"},
	} {
		if _, err := ParseRanges(tt.spec, 4); err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("ParseRanges(%q): %v, want an error containing %q", tt.spec, err, tt.err)
		}
	}
}

// TestCheck: a page whose text changed since it was labelled fails with a
// message that names it and says how to relabel it.
func TestCheck(t *testing.T) {
	lines := []string{"Menu", "Title", "Text"}
	p := NewPage("pkg-doc", "a/b.html", lines, []byte("bmm"))
	if err := p.Check(lines); err != nil {
		t.Fatal(err)
	}
	if p.Labels[1] != "m "+LineHash("Title") || len(p.Labels[1]) != 18 {
		t.Errorf("label %q", p.Labels[1])
	}
	err := p.Check([]string{"Menu", "Title", "Text changed"})
	if err == nil || !strings.Contains(err.Error(), "pkg-doc/a/b.html changed") || !strings.Contains(err.Error(), "1 lines differ") ||
		!strings.Contains(err.Error(), "go run ./crawl/internal/cmd/realpages show -page pkg-doc/a/b.html") {
		t.Errorf("Check on a changed page: %v", err)
	}
	if err := p.Check(lines[:2]); err == nil || !strings.Contains(err.Error(), "2 lines now, 3 labelled") {
		t.Errorf("Check on a shorter page: %v", err)
	}
}
