package text

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

var update = flag.Bool("update", false, "rewrite testdata/golden.json from the current code")

const goldenPath = "testdata/golden.json"

// jsonText is a text in the golden file: a JSON string when it is valid
// UTF-8, else {"base64": "..."} (JSON strings cannot hold invalid UTF-8).
type jsonText string

func (t jsonText) MarshalJSON() ([]byte, error) {
	if utf8.ValidString(string(t)) {
		return json.Marshal(string(t))
	}
	return json.Marshal(map[string]string{"base64": base64.StdEncoding.EncodeToString([]byte(t))})
}

func (t *jsonText) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*t = jsonText(s)
		return nil
	}
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	raw, err := base64.StdEncoding.DecodeString(m["base64"])
	*t = jsonText(raw)
	return err
}

// goldenFile is testdata/golden.json: inputs and every output of the
// package for them, under the parameters it records.
type goldenFile struct {
	Comment   string       `json:"comment"`
	Params    Params       `json:"params"`
	C4Recipe  C4Params     `json:"c4_fineweb_recipe"`
	PIIParams PIIParams    `json:"pii_params"`
	Columns   []string     `json:"columns"`
	Rules     []string     `json:"rules"`
	Cases     []goldenCase `json:"cases"`
}

type goldenCase struct {
	Name     string           `json:"name"`
	Text     jsonText         `json:"text"`
	Signals  map[string]int64 `json:"signals"`
	Output   jsonText         `json:"output"`
	Keep     bool             `json:"keep"`
	Reasons  []string         `json:"reasons"`
	C4Recipe goldenC4         `json:"c4_fineweb_recipe"`
	PII      jsonText         `json:"pii"`
	PIICount map[string]int64 `json:"pii_counts"`
}

type goldenC4 struct {
	Text   jsonText         `json:"text"`
	Counts map[string]int64 `json:"counts"`
}

// goldenTexts are the inputs: hand-made ones for each rule and edge case,
// web-like documents, and adversarial mixtures.
func goldenTexts() []struct{ name, text string } {
	out := []struct{ name, text string }{
		{"empty", ""},
		{"white space only", " \t\n\u00a0\u3000\n"},
		{"one word", "hello"},
		{"prose", "The history of the city goes back to the first settlers, who came with their families and built houses near the river. " +
			"They had little money, but they worked hard and the town grew. By the time the railway arrived, it was the largest town in the state.\n" +
			"Today the city is known for its old market, where people have traded for more than two hundred years. " +
			"Visitors come to see the church, the school and the bridge that was built in 1887.\n" +
			"The museum tells the story of the town and of the people who made it what it is. It is open every day except Monday."},
		{"boilerplate page", "Home | About | Contact\nPrivacy Policy\nThis website uses cookies to improve your experience.\n" +
			"Please enable JavaScript to view the comments.\nThe council met on Tuesday and agreed to build a new school in the north of the city.\n" +
			"It will open next year and take children from the age of five.\nShare on Facebook\nCopyright 2024. All rights reserved."},
		{"bullets", "• one thing to do\n• another thing\n- a third\n  • indented\nAnd a closing line of text."},
		{"ellipses", "Wait for it...\nAnd then…\nNothing happened...\nThe end."},
		{"hashes", "#one #two #three #four #five and some words to go with them #six"},
		{"repeated lines", "Buy now!\nBuy now!\nBuy now!\nBest prices in town.\nBuy now!"},
		{"repeated paragraphs", "Same paragraph here.\n\nSame paragraph here.\n\nAnother one.\n\n\nSame paragraph here."},
		{"repeated n-grams", strings.Repeat("the quick brown fox jumps over the lazy dog ", 8)},
		{"c4 citations and marks", "Paris is the capital of France.[1] It has many museums.[citation needed]\n" +
			"The Louvre is the largest of them [2][edit].\nMenu\nlorem ipsum dolor sit amet.\nfunction f() { return 1; }"},
		{"c4 sentences", "Dr. Smith arrived at 3.30 p.m. on Monday. He said: \"Hello!\" Then he left... Why? Nobody knows.)"},
		{"fineweb short lines", "Menu\nHome\nNews\nSport\nWeather\nA longer line that ends with a full stop.\n\n\n"},
		{"crlf and other breaks", "First line.\r\nSecond line.\rThird line.\vFourth.\x0cFifth.\u2028Sixth.\u2029Seventh.\x85Eighth."},
		{"non-latin", "日本語のテキストです。これは二番目の文です。\nРусский текст, и это второе предложение.\nالنص العربي هنا."},
		{"combining marks and symbols", "Cafe\u0301 crème brûlée — 100 € © 2024 ™ ½ ∑ x² «quoted» ‘single’ “double”."},
		{"invalid utf-8", "valid \xff\xfe start \xe2\x82 truncated \xc0\xaf overlong \xed\xa0\x80 surrogate."},
		{"binary", "\x00\x01\x02\x03\x7f\x80\x81\xfe\xff\x1b[31m\x00"},
		{"pii", "Write to John.Smith@Example.com or jane_doe+news@mail.example.co.uk. Server 8.8.8.8, private 192.168.1.10, " +
			"v6 2001:4860:4860::8888 and fe80::1. Call (202) 555-0173, +44 20 7946 0958 or 1-800-555-0199; not 123-45-6789."},
		{"pii placeholders", EmailPlaceholder + " " + IPv4Placeholder + " " + IPv6Placeholder + " " + PhonePlaceholder},
		{"long word", "a " + strings.Repeat("x", 1001) + " b."},
		{"stop words only", strings.Repeat("the be to of and that have with ", 10)},
	}
	for i, d := range webCorpus(6, 3000) {
		out = append(out, struct{ name, text string }{fmt.Sprintf("web %d", i), d})
	}
	r := &rng{s: 99}
	for i := 0; i < 8; i++ {
		out = append(out, struct{ name, text string }{fmt.Sprintf("adversarial %d", i), randomText(r)})
	}
	return out
}

func columnMap(cols []Column) map[string]int64 {
	m := make(map[string]int64, len(cols))
	for _, c := range cols {
		m[c.Name] = c.Value
	}
	return m
}

func c4Counts(r C4Result) map[string]int64 {
	return map[string]int64{
		"lines": r.Lines, "kept": r.Kept, "too_long_word": r.TooLongWord, "no_terminal_punct": r.NoTerminalPunct,
		"too_few_words": r.TooFewWords, "javascript": r.Javascript, "policy": r.Policy, "citations": r.Citations,
		"lorem_ipsum": r.LoremIpsum, "curly_bracket": r.CurlyBracket, "sentences": r.Sentences,
	}
}

func makeGolden() goldenFile {
	p := DefaultParams()
	recipe := p.C4
	recipe.FilterNoTerminalPunct = false
	pp := DefaultPIIParams()
	g := goldenFile{
		Comment: "compute/text golden vectors: every output of the package for each input, under params (DESIGN.md defines them). " +
			"Texts that are not valid UTF-8 are {\"base64\": ...}. Regenerate with go test ./compute/text -run TestGolden -update.",
		Params: p, C4Recipe: recipe, PIIParams: pp, Rules: RuleNames(),
	}
	for _, c := range (Signals{}).Columns() {
		g.Columns = append(g.Columns, c.Name)
	}
	for _, in := range goldenTexts() {
		s, out := p.Signals(in.text)
		keep, reasons := p.Keep(s)
		c4 := C4Lines(in.text, recipe)
		masked, counts := MaskPII(in.text, pp)
		g.Cases = append(g.Cases, goldenCase{
			Name: in.name, Text: jsonText(in.text), Signals: columnMap(s.Columns()), Output: jsonText(out),
			Keep: keep, Reasons: reasons, C4Recipe: goldenC4{jsonText(c4.Text), c4Counts(c4)},
			PII: jsonText(masked), PIICount: columnMap(counts.Columns()),
		})
	}
	return g
}

// TestGolden checks the package against testdata/golden.json. A failure
// means an output changed: every node would disagree with every node not
// yet upgraded. If the change is intended, record it in DESIGN.md and
// regenerate with -update.
func TestGolden(t *testing.T) {
	want := makeGolden()
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
		t.Fatalf("%v (make it with go test ./compute/text -run TestGolden -update)", err)
	}
	var got goldenFile
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatal(err)
	}
	if got.Params != want.Params || got.C4Recipe != want.C4Recipe || got.PIIParams != want.PIIParams {
		t.Errorf("golden parameters differ from DefaultParams: the defaults changed")
	}
	if !slices.Equal(got.Columns, want.Columns) || !slices.Equal(got.Rules, want.Rules) {
		t.Errorf("column or rule names changed:\n%v\n%v", got.Columns, got.Rules)
	}
	if len(got.Cases) != len(want.Cases) {
		t.Fatalf("golden.json has %d cases, the test makes %d", len(got.Cases), len(want.Cases))
	}
	for i := range want.Cases {
		g, w := got.Cases[i], want.Cases[i]
		gj, _ := json.Marshal(g)
		wj, _ := json.Marshal(w)
		if !bytes.Equal(gj, wj) {
			t.Errorf("case %q differs from golden.json:\n got %s\nwant %s", w.Name, wj, gj)
		}
	}
	if !bytes.Equal(raw, enc) {
		t.Errorf("golden.json is not in canonical form; regenerate with -update")
	}
}
