package wasm

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/meadow-net/meadow/dataset"
)

func TestEncodeInput(t *testing.T) {
	tests := []struct {
		name string
		text string
		want string
	}{
		{name: "plain", text: "hello", want: `{"text":"hello"}`},
		{name: "escapes", text: "a\"b\\c\nd\re\tf\bg\fh", want: `{"text":"a\"b\\c\nd\re\tf\bg\fh"}`},
		{name: "other controls", text: "\x00\x01\x1f\x7f", want: `{"text":"\u0000\u0001\u001f` + "\x7f" + `"}`},
		{name: "UTF-8 stays raw", text: "héllo 🎉 <a&b> \u2028", want: "{\"text\":\"héllo 🎉 <a&b> \u2028\"}"},
		{name: "invalid UTF-8 becomes U+FFFD", text: "a\xffb\xc3", want: "{\"text\":\"a\ufffdb\ufffd\"}"},
		{name: "empty", text: "", want: `{"text":""}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(encodeInput("text", []string{tt.text}))
			if got != tt.want+"\n" {
				t.Fatalf("got %q\nwant %q", got, tt.want+"\n")
			}
			// Any JSON reader gets the text back (with invalid bytes replaced).
			var v map[string]string
			if err := json.Unmarshal([]byte(got), &v); err != nil {
				t.Fatal(err)
			}
			if v["text"] != string([]rune(tt.text)) {
				t.Errorf("decoded %q, want %q", v["text"], string([]rune(tt.text)))
			}
		})
	}
	if got := string(encodeInput("body", []string{"a", "b"})); got != "{\"body\":\"a\"}\n{\"body\":\"b\"}\n" {
		t.Errorf("two rows: %q", got)
	}
}

func TestParseOutput(t *testing.T) {
	cols := []Column{
		{Name: "s", Type: TypeString}, {Name: "i", Type: TypeInt64}, {Name: "f", Type: TypeFloat64},
		{Name: "b", Type: TypeBool}, {Name: "ls", Type: TypeStringList}, {Name: "li", Type: TypeInt64List},
	}
	good := `{"s":"x","i":1,"f":1.5,"b":true,"ls":["a"],"li":[1]}`
	tests := []struct {
		name  string
		out   string
		rows  int
		want  []dataset.Row
		row   int
		field string
		msg   string
	}{
		{name: "one row", out: good + "\n", rows: 1, want: []dataset.Row{{"x", int64(1), 1.5, true, []string{"a"}, []int64{1}}}},
		{name: "no final newline", out: good, rows: 1, want: []dataset.Row{{"x", int64(1), 1.5, true, []string{"a"}, []int64{1}}}},
		{name: "any key order, white space, CRLF", out: " { \"li\" : [ ] , \"ls\":[ ],\"b\":false,\"f\":-0.0,\"i\":-9223372036854775808,\"s\":\"\\u00e9\\ud83c\\udf89\\n\" }\r\n", rows: 1,
			want: []dataset.Row{{"é🎉\n", int64(math.MinInt64), 0.0, false, []string{}, []int64{}}}},
		{name: "no rows, no output", out: "", rows: 0, want: []dataset.Row{}},
		{name: "float forms", out: strings.Replace(good, `"f":1.5`, `"f":1e-400`, 1), rows: 1, want: []dataset.Row{{"x", int64(1), 0.0, true, []string{"a"}, []int64{1}}}},
		{name: "integer as float", out: strings.Replace(good, `"f":1.5`, `"f":3`, 1), rows: 1, want: []dataset.Row{{"x", int64(1), 3.0, true, []string{"a"}, []int64{1}}}},

		{name: "missing line", out: good + "\n", rows: 2, row: 1, msg: "row 1: no output line: the module wrote 1 lines for 2 input rows"},
		{name: "extra line", out: good + "\n" + good + "\n", rows: 1, row: 1, msg: "row 1: an extra output line: the module wrote 2 lines for 1 input rows"},
		{name: "empty line", out: "\n", rows: 1, row: 0, msg: "an empty line"},
		{name: "not an object", out: "[1]", rows: 1, row: 0, msg: "an array, expected a JSON object"},
		{name: "unknown field", out: strings.Replace(good, `"s":"x"`, `"s":"x","t":1`, 1), rows: 1, field: "t", msg: `field "t": not a declared output column`},
		{name: "duplicate field", out: strings.Replace(good, `"s":"x"`, `"s":"x","s":"y"`, 1), rows: 1, field: "s", msg: "appears twice"},
		{name: "missing field", out: strings.Replace(good, `"s":"x",`, ``, 1), rows: 1, field: "s", msg: `field "s": missing`},
		{name: "string for int", out: strings.Replace(good, `"i":1`, `"i":"1"`, 1), rows: 1, field: "i", msg: "a string, expected a number"},
		{name: "fraction for int", out: strings.Replace(good, `"i":1`, `"i":1.0`, 1), rows: 1, field: "i", msg: "expected an integer (int64)"},
		{name: "exponent for int", out: strings.Replace(good, `"i":1`, `"i":1e3`, 1), rows: 1, field: "i", msg: "expected an integer"},
		{name: "int overflow", out: strings.Replace(good, `"i":1`, `"i":9223372036854775808`, 1), rows: 1, field: "i", msg: "out of the int64 range"},
		{name: "float overflow", out: strings.Replace(good, `"f":1.5`, `"f":1e400`, 1), rows: 1, field: "f", msg: "out of the float64 range"},
		{name: "NaN", out: strings.Replace(good, `"f":1.5`, `"f":NaN`, 1), rows: 1, field: "f", msg: "expected a number"},
		{name: "leading zero", out: strings.Replace(good, `"i":1`, `"i":01`, 1), rows: 1, msg: "expected ',' or '}'"},
		{name: "null", out: strings.Replace(good, `"s":"x"`, `"s":null`, 1), rows: 1, field: "s", msg: "null, expected a string"},
		{name: "bool as string", out: strings.Replace(good, `"b":true`, `"b":"true"`, 1), rows: 1, field: "b", msg: "expected true or false"},
		{name: "list element type", out: strings.Replace(good, `"ls":["a"]`, `"ls":["a",2]`, 1), rows: 1, field: "ls", msg: "element 1: a number, expected a string"},
		{name: "nested object", out: strings.Replace(good, `"li":[1]`, `"li":[{}]`, 1), rows: 1, field: "li", msg: "element 0: an object, expected a number"},
		{name: "invalid UTF-8", out: strings.Replace(good, `"s":"x"`, "\"s\":\"\xff\"", 1), rows: 1, field: "s", msg: "not valid UTF-8"},
		{name: "raw control character", out: strings.Replace(good, `"s":"x"`, "\"s\":\"a\tb\"", 1), rows: 1, field: "s", msg: "control character 0x09 must be escaped"},
		{name: "lone surrogate", out: strings.Replace(good, `"s":"x"`, `"s":"\ud800"`, 1), rows: 1, field: "s", msg: "lone surrogate"},
		{name: "trailing garbage", out: good + " x", rows: 1, msg: "after the object"},
		{name: "trailing comma", out: strings.Replace(good, `[1]}`, `[1],}`, 1), rows: 1, msg: "expected a field name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, f := parseOutput([]byte(tt.out), cols, tt.rows)
			if tt.want != nil {
				if f != nil {
					t.Fatal(f)
				}
				if !reflect.DeepEqual(rows, tt.want) {
					t.Fatalf("rows %#v\nwant %#v", rows, tt.want)
				}
				for _, r := range rows {
					if x := r[2].(float64); math.Signbit(x) {
						t.Errorf("float %v kept its sign bit", x)
					}
				}
				return
			}
			if f == nil {
				t.Fatalf("accepted %#v; want a failure with %q", rows, tt.msg)
			}
			if f.Kind != KindBadOutput || f.Row != tt.row || f.Field != tt.field || !strings.Contains(f.Message, tt.msg) {
				t.Fatalf("failure %+v: want row %d field %q message with %q", f, tt.row, tt.field, tt.msg)
			}
		})
	}
}

func TestColumns(t *testing.T) {
	cols, err := ParseSchema(" topic:string, score : int64,emails:list<string>,ok:bool,x:float64,ids:list<int64>")
	if err != nil {
		t.Fatal(err)
	}
	want := []Column{{"topic", TypeString}, {"score", TypeInt64}, {"emails", TypeStringList}, {"ok", TypeBool}, {"x", TypeFloat64}, {"ids", TypeInt64List}}
	if !reflect.DeepEqual(cols, want) {
		t.Fatalf("%v", cols)
	}
	bad := []struct {
		spec, msg string
	}{
		{"", "empty"},
		{"topic", `column 0 "topic": expected name:type`},
		{"Topic:string", `name "Topic": expected a lowercase identifier`},
		{"1x:string", "lowercase identifier"},
		{"a-b:string", "lowercase identifier"},
		{"source_hash:string", `"source_hash": reserved`},
		{"node:string", "reserved"},
		{"fetched_at:int64", "reserved"},
		{"signature:string", "reserved"},
		{"a:string,a:int64", "declared twice"},
		{"a:text", `column "a" type "text": expected one of string, int64, float64, bool, list<string>, list<int64>`},
		{"a:list<float64>", "expected one of"},
		{strings.Repeat("a", 65) + ":string", "at most 64 bytes"},
		{strings.Repeat("c:string,", 64) + "d:string", "65 columns"},
	}
	for _, b := range bad {
		_, err := ParseSchema(b.spec)
		if !errors.Is(err, ErrBadSchema) || !strings.Contains(err.Error(), b.msg) {
			t.Errorf("ParseSchema(%.40q): %v; want ErrBadSchema with %q", b.spec, err, b.msg)
		}
	}
}

func TestLimitsValidate(t *testing.T) {
	if err := DefaultLimits().Validate(DefaultMemoryCeiling); err != nil {
		t.Fatal(err)
	}
	bad := []struct {
		f   func(*Limits)
		msg string
	}{
		{func(l *Limits) { l.MemoryPages = 0 }, "MemoryPages 0: expected 1 to 16384"},
		{func(l *Limits) { l.MemoryPages = DefaultMemoryCeiling + 1 }, "MemoryPages 16385"},
		{func(l *Limits) { l.Fuel = 0 }, "Fuel 0"},
		{func(l *Limits) { l.Fuel = math.MaxInt64 + 1 }, "Fuel 9223372036854775808"},
		{func(l *Limits) { l.MaxOutputBytes = 0 }, "MaxOutputBytes 0"},
		{func(l *Limits) { l.WallTime = 0 }, "WallTime 0s"},
		{func(l *Limits) { l.MaxStderr = -1 }, "MaxStderr -1"},
		{func(l *Limits) { l.CallDepth = MaxCallDepth + 1 }, "CallDepth 1501: expected 1 to 1500"},
	}
	for _, b := range bad {
		l := DefaultLimits()
		b.f(&l)
		if err := l.Validate(DefaultMemoryCeiling); !errors.Is(err, ErrBadLimits) || !strings.Contains(err.Error(), b.msg) {
			t.Errorf("%v; want ErrBadLimits with %q", err, b.msg)
		}
	}
}

// appendJSONStringRef is the canonical form of a JSON string in stdin,
// written plainly, a byte or a character at a time: appendJSONString must
// give the same bytes.
func appendJSONStringRef(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				b = append(b, "\ufffd"...)
			} else {
				b = append(b, s[i:i+size]...)
			}
			i += size
			continue
		}
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, `\n`...)
		case '\r':
			b = append(b, `\r`...)
		case '\t':
			b = append(b, `\t`...)
		case '\b':
			b = append(b, `\b`...)
		case '\f':
			b = append(b, `\f`...)
		default:
			if c < 0x20 {
				b = append(b, fmt.Sprintf(`\u%04x`, c)...)
			} else {
				b = append(b, c)
			}
		}
		i++
	}
	return append(b, '"')
}

// jsonStringCases are strings with every kind of byte at every position
// relative to the encoder's 8- and 16-byte steps.
func jsonStringCases() []string {
	var out []string
	out = append(out, handEdgeCases...)
	bench, _ := benchTexts(20)
	out = append(out, bench...)
	for _, special := range []string{"\"", "\\", "\x00", "\x1f", " ", "\x7f", "é", "\xff", "\xc3", "日", "🎉", "\xed\xa0\x80"} {
		for n := range 40 {
			pad := strings.Repeat("a", n)
			out = append(out, pad+special, special+pad, pad+special+pad, pad+special+special+pad)
		}
	}
	return out
}

func TestAppendJSONStringMatchesReference(t *testing.T) {
	for _, s := range jsonStringCases() {
		if got, want := appendJSONString(nil, s), appendJSONStringRef(nil, s); !bytes.Equal(got, want) {
			t.Fatalf("text %q: got %q, want %q", s, got, want)
		}
	}
}

func FuzzAppendJSONString(f *testing.F) {
	for _, s := range handEdgeCases[:34] { // the short ones: the fuzzer grows them
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := appendJSONString([]byte("x"), s), appendJSONStringRef([]byte("x"), s); !bytes.Equal(got, want) {
			t.Fatalf("text %q: got %q, want %q", s, got, want)
		}
	})
}

// strCases are JSON string bodies (after the opening quote) for the
// parser's shortcut: plain, escaped, invalid, unclosed.
func strCases() []string {
	out := []string{`"`, `abc"`, `a\"b"`, `a\\"`, `\u00e9"`, "\x01\"", "\xff\"", "\xff\\n\"", "\xff\x01\"", `abc`, `abc\`, `é"rest"`, "a\tb\""}
	for _, s := range jsonStringCases() {
		out = append(out, s+`"`, s+`", "x"`, s)
	}
	return out
}

// checkStr compares the parser's str with its definition, strSlow.
func checkStr(t *testing.T, body string) {
	t.Helper()
	line := []byte(`"` + body)
	p, q := &lineParser{b: line}, &lineParser{b: line, i: 1}
	got, gerr := p.str()
	want, werr := q.strSlow()
	if got != want || fmt.Sprint(gerr) != fmt.Sprint(werr) || (gerr == nil && p.i != q.i) {
		t.Fatalf("string body %q: str %q, %v (at %d); strSlow %q, %v (at %d)", body, got, gerr, p.i, want, werr, q.i)
	}
}

func TestStrMatchesSlow(t *testing.T) {
	for _, s := range strCases() {
		checkStr(t, s)
	}
}

func FuzzStr(f *testing.F) {
	for _, s := range strCases()[:13] { // the hand-picked ones
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) { checkStr(t, body) })
}
