package wasm

import (
	"context"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/meadow-net/meadow/dataset"
	"github.com/meadow-net/meadow/examples/wasm/textfn"
)

// sampleTexts are varied rows: prose, punctuation, e-mails, URLs, other
// scripts, control characters, invalid UTF-8, empty text.
func sampleTexts() []string {
	texts := []string{
		"",
		"Hello, World!  This is   a TEST.",
		"The team scored a late goal to win the league match; the coach praised every player.",
		"Write to alice@example.com or Bob.Smith+news@mail.example.org, see https://example.com/a?b=c and http://x.io/path.",
		"Stock market: investors fear inflation as bank profit falls; bond prices and the economy wobble.",
		"Ünïcödé — «quotes», emoji 🎉🎉, 中文字符, Ελληνικά; ÀÉÎ ÕÜ!",
		"tabs\tand\nnewlines\r\nand \x00 control \x1f bytes \"quoted\" back\\slash",
		"invalid \xff\xfe utf-8 \xc3",
		"The government and parliament vote on the new law; the president and the minister debate policy.",
		"Patients in hospital got the vaccine in a medical study; doctors report the treatment works.",
		"AI model on cloud computer chip: software, data, network, code, internet.",
		"mail me: a@b.co, a@b.co again, https://dup.example/x https://dup.example/x",
	}
	for i := 0; i < 40; i++ {
		texts = append(texts, fmt.Sprintf("Row %d: contact user%d@host%d.example.net or visit https://site%d.example/page/%d — the team's %d goals!", i, i, i%3, i, i*7, i))
	}
	return texts
}

// exampleKernels pairs each example module with its columns and the
// native computation of one row.
var exampleKernels = []struct {
	name   string
	cols   []Column
	native func(string) dataset.Row
}{
	{
		name:   "cleaner",
		cols:   []Column{{Name: "clean", Type: TypeString}},
		native: func(s string) dataset.Row { return dataset.Row{textfn.Clean(fixUTF8(s))} },
	},
	{
		name: "extract",
		cols: []Column{{Name: "emails", Type: TypeStringList}, {Name: "urls", Type: TypeStringList}, {Name: "links", Type: TypeInt64}},
		native: func(s string) dataset.Row {
			e, u := textfn.Extract(fixUTF8(s))
			return dataset.Row{e, u, int64(len(u))}
		},
	},
	{
		name: "classify",
		cols: []Column{{Name: "topic", Type: TypeString}, {Name: "score", Type: TypeInt64}, {Name: "share", Type: TypeFloat64}},
		native: func(s string) dataset.Row {
			t, sc, f := textfn.Classify(fixUTF8(s))
			return dataset.Row{t, sc, f}
		},
	},
}

// fixUTF8 is what the module sees of a text: the input encoding replaces
// each invalid byte with U+FFFD.
func fixUTF8(s string) string { return string([]rune(s)) }

// TestExamples runs the example modules over the sample texts and checks
// each row against the same function run natively.
func TestExamples(t *testing.T) {
	texts := sampleTexts()
	for _, k := range exampleKernels {
		t.Run(k.name, func(t *testing.T) {
			m := mustLoad(t, sharedRuntime(t, false), goModule(t, k.name))
			res, err := m.Run(context.Background(), "text", texts, k.cols, DefaultLimits())
			if err != nil {
				t.Fatal(err)
			}
			for i, s := range texts {
				if want := k.native(s); !reflect.DeepEqual(res.Rows[i], want) {
					t.Errorf("row %d %q:\n wasm   %#v\n native %#v", i, s, res.Rows[i], want)
				}
			}
			t.Logf("%d rows, %d bytes in, %d out, fuel %d", len(texts), res.InputBytes, res.OutputBytes, res.FuelUsed)
		})
	}
}

// TestEnginesAgree runs the Go modules on the compiler and the interpreter:
// the same rows, the same fuel.
func TestEnginesAgree(t *testing.T) {
	texts := sampleTexts()[:12]
	for _, k := range exampleKernels {
		t.Run(k.name, func(t *testing.T) {
			var results []Result
			for _, interp := range []bool{false, true} {
				m := mustLoad(t, sharedRuntime(t, interp), goModule(t, k.name))
				res, err := m.Run(context.Background(), "text", texts, k.cols, DefaultLimits())
				if err != nil {
					t.Fatalf("interpreter %v: %v", interp, err)
				}
				results = append(results, res)
			}
			if !reflect.DeepEqual(results[0], results[1]) {
				t.Errorf("compiler %+v\ninterpreter %+v", results[0], results[1])
			}
		})
	}
}

// TestDocExample runs the kernel docs/wasm.md shows, which must be
// testdata/wordcount byte for byte.
func TestDocExample(t *testing.T) {
	doc, err := os.ReadFile("../../docs/wasm.md")
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("testdata/wordcount/main.go")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(doc), "```go\n"+string(src)+"```\n") {
		t.Fatal("docs/wasm.md's Go example differs from testdata/wordcount/main.go")
	}
	m := mustLoad(t, sharedRuntime(t, false), goModule(t, "wordcount"))
	cols, err := ParseSchema("words:int64, longest:string")
	if err != nil {
		t.Fatal(err)
	}
	res, err := m.Run(context.Background(), "text", []string{"Hello brave new world", ""}, cols, DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	want := []dataset.Row{{int64(4), "Hello"}, {int64(0), ""}}
	if !reflect.DeepEqual(res.Rows, want) {
		t.Fatalf("rows %#v, want %#v", res.Rows, want)
	}
}
