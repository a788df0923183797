// Package golden holds the layout and inputs of the compute kernels' golden
// vectors (compute/testdata/golden.json), shared by the generator
// (compute/internal/genvectors) and the tests.
package golden

import (
	"encoding/binary"
	"strings"
	"unicode/utf8"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/compute/safetensors"
)

// FileName is the golden vectors' file in compute/testdata.
const FileName = "golden.json"

// File is the golden vectors: each set holds one output per text, in order.
type File struct {
	Texts   []Text       `json:"texts"`
	MinHash []MinHashSet `json:"minhash"`
	// TextSHA256 is the minhash kernel's text_sha256 column (compute.TextHash)
	// of each text, hex: it does not depend on the minhash parameters.
	TextSHA256 []string   `json:"text_sha256"`
	Embed      EmbedSet   `json:"embed"`
	Tokens     []TokenSet `json:"tokens"`
	// StageTexts are the quality and pii kernels' inputs: Texts and
	// StageExtra (kept apart so that adding them left the older kernels'
	// vectors as they were).
	StageTexts []Text       `json:"stage_texts"`
	Quality    []QualitySet `json:"quality"`
	PII        []PIISet     `json:"pii"`
	// LanguageTexts are the language kernel's inputs: Texts and
	// LanguageExtra (kept apart so that adding them left the other
	// kernels' vectors as they were).
	LanguageTexts []Text        `json:"language_texts"`
	Language      []LanguageSet `json:"language"`
	// Dedup is the dedup kernel's vectors, over inputs of its own (last,
	// so that adding it left the other kernels' vectors as they were).
	Dedup DedupSet `json:"dedup"`
}

// LanguageSet is the language kernel's output for one parameter set (as a
// buyer writes it: absent values are the defaults), one row per language
// text.
type LanguageSet struct {
	Params api.LanguageParams `json:"params"`
	Rows   []LanguageRow      `json:"rows"`
}

// LanguageRow is one row of the language kernel. ScoreBits is the score's
// IEEE 754 binary64 bits in hex, the form to compare: the kernel's
// definition is bit for bit, and a reader that parses JSON numbers into
// something other than binary64 would lose them.
type LanguageRow struct {
	Language  string  `json:"language"`
	Score     float64 `json:"score"`
	ScoreBits string  `json:"score_bits"`
}

// QualitySet is the quality kernel's output for one parameter set (as a
// buyer writes it: absent values are the defaults), one row per stage
// text: the values of compute.QualityColumns.
type QualitySet struct {
	Params api.QualityParams `json:"params"`
	Rows   []QualityRow      `json:"rows"`
}

// QualityRow is one row of the quality kernel.
type QualityRow struct {
	Signals []int64  `json:"signals"` // text.Signals.Columns, in order
	Keep    bool     `json:"keep"`
	Failed  []string `json:"failed"`
	Text    string   `json:"text"` // quality_text
}

// PIISet is the pii kernel's output for one parameter set, one row per
// stage text.
type PIISet struct {
	Params api.PIIParams `json:"params"`
	Rows   []PIIRow      `json:"rows"`
}

// PIIRow is one row of the pii kernel.
type PIIRow struct {
	Text   string  `json:"text"`   // pii_text
	Counts []int64 `json:"counts"` // text.PIICounts.Columns, in order
}

// Text is one input. JSON strings must be UTF-8, so a text that is not is
// stored as bytes (base64) instead.
type Text struct {
	Text  string `json:"text,omitempty"`
	Bytes []byte `json:"bytes,omitempty"`
}

// MinHashSet is the minhash kernel's output for one parameter set.
type MinHashSet struct {
	Params     api.MinHashParams `json:"params"`
	Signatures [][]uint32        `json:"signatures"`
	Bands      [][]uint64        `json:"bands"`
}

// EmbedSet is the embed kernel's output with the built-in model.
type EmbedSet struct {
	Model       string    `json:"model"`
	ModelSHA256 string    `json:"model_sha256"`
	Embeddings  [][]int32 `json:"embeddings"`
}

// TokenSet is the tokens kernel's output for one encoding.
type TokenSet struct {
	Encoding string  `json:"encoding"`
	Counts   []int64 `json:"counts"`
}

// EncodeTexts lays texts out for the file.
func EncodeTexts(texts []string) []Text {
	out := make([]Text, len(texts))
	for i, t := range texts {
		if utf8.ValidString(t) {
			out[i].Text = t
		} else {
			out[i].Bytes = []byte(t)
		}
	}
	return out
}

// DecodeTexts is the inverse of EncodeTexts.
func DecodeTexts(ts []Text) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		if t.Bytes != nil {
			out[i] = string(t.Bytes)
		} else {
			out[i] = t.Text
		}
	}
	return out
}

// MinHashParams are the parameter sets the golden vectors cover.
func MinHashParams() []api.MinHashParams {
	return []api.MinHashParams{
		{}, // defaults: word 3-shingles, 128 permutations, 32 bands
		{Shingle: "char", Size: 5, Permutations: 256, Bands: 64},
		{Shingle: "word", Size: 1, Permutations: 1024, Bands: 128},
		{Shingle: "char", Size: 1, Permutations: 200, Bands: 8},
	}
}

// Texts are the golden inputs: ordinary prose and the edge cases of each
// kernel's definition.
func Texts() []string {
	long := strings.Repeat("the quick brown fox jumps over the lazy dog ", 300)
	manyWords := strings.Repeat("w ", 9000) // more words than the embedding reads
	return []string{
		"",
		" ",
		"one",
		"two words",
		"exactly three words",
		"The Quick Brown Fox jumps over the lazy dog.",
		"the quick brown fox jumps over the lazy dog.",
		"tabs\tand\nnewlines\r\nand  double  spaces",
		"  leading and trailing spaces  ",
		"Ünïcödé wörds: naïve café, 東京 の 天気, emoji 🙂🙃 and ﬁ ligatures",
		"abcd",
		"\x80\x81 invalid \xff utf-8 \xc3",
		"Meadow turns idle home bandwidth and GPUs into AI training data. Home users run a small daemon; it fetches web pages and runs GPU jobs.",
		"Meadow turns idle home bandwidth and GPUs into AI training data. Home users run a small daemon; it fetches web pages and runs GPU work.",
		long,
		manyWords,
	}
}

func i64(n int64) *int64 { return &n }
func flag(b bool) *bool  { return &b }

// QualityParams are the quality parameter sets the golden vectors cover:
// the published defaults, thresholds moved and rules off, and C4 off (so
// quality_text is the input).
func QualityParams() []api.QualityParams {
	return []api.QualityParams{
		{},
		{
			Gopher:     &api.GopherQualityParams{MinDocWords: i64(10), MaxDocWords: i64(api.QualityOff), MinStopWords: i64(0)},
			Repetition: &api.GopherRepetitionParams{Enabled: flag(false)},
			C4:         &api.C4QualityParams{FilterNoTerminalPunct: flag(false), RemoveCitations: flag(false), MinNumSentences: i64(1), MaxWordLength: i64(20)},
			FineWeb:    &api.FineWebQualityParams{LinePunctExcludeZero: flag(true), ShortLineLength: i64(10), CharDupRatioPPM: i64(api.QualityOff)},
		},
		{
			C4:      &api.C4QualityParams{Enabled: flag(false)},
			FineWeb: &api.FineWebQualityParams{NewLineRatioPPM: i64(api.QualityOff), LinePunctThrPPM: i64(0)},
		},
	}
}

// PIIParams are the pii parameter sets the golden vectors cover.
func PIIParams() []api.PIIParams {
	return []api.PIIParams{
		{},
		{PublicIPsOnly: flag(false), Phones: flag(false)},
		{Emails: flag(false), IPs: flag(false)},
	}
}

// StageExtra are inputs for the quality and pii rules beside Texts: prose
// that passes the published filters, pages that fail them in the ways the
// rules describe, and personal data of every kind MaskPII knows.
func StageExtra() []string {
	prose := "Meadow is a network of home computers that fetch web pages and run small jobs for people who buy data.\n" +
		"Each page is fetched by two or more nodes, and the coordinators compare what they found row by row.\n" +
		"When most of the replicas agree on a row, it is accepted into the dataset and the nodes are paid for it.\n" +
		"A buyer can check any row against the root that the coordinators signed, without trusting any one of them.\n" +
		"The quality stage measures each text with the rules of the Gopher paper, of C4 and of FineWeb.\n" +
		"It keeps every row and says which of the rules the row would fail, so that the buyer decides what to drop.\n"
	return []string{
		prose,
		prose + prose, // every line repeated
		"Home\nAbout\nContact\nLogin\n\n" + prose + "Please enable JavaScript to view this page.\nWe use cookies to improve your experience.\n© 2026 Example\n",
		"Lorem ipsum dolor sit amet, consectetur adipiscing elit.\n" + prose,
		"function f() { return 1; }\n" + prose,
		"As shown before [1], the results hold [citation needed]. They were checked again [edit] last year.\n" + prose,
		"- first item of the list\n- second item of the list\n- third item...\n• fourth item…\n### heading ###\n",
		"Write to alice@example.org or bob.smith+news@mail.example.co.uk, not to @nobody.\n" +
			"The server is at 8.8.8.8, the router at 192.168.1.1, and the host at 2001:4860:4860::8888 (or ::1 locally).\n" +
			"Call +1 (415) 555-0132 or 020 7946 0958; the order number 12345 is not a phone.\n",
		"Contact: jane.doe@example.com, 203.0.113.7, 10.0.0.1, fe80::1, 1.2.3.4.5, 999.1.1.1, (212) 555-0199.",
		strings.Repeat("spam spam spam eggs ", 40),
	}
}

// LanguageParams are the language parameter sets the golden vectors cover:
// the defaults; an allow-list (which moves Latin texts between its
// members, keeps one language of a script at score 1, and turns the
// others unknown); and a prefix of 26 bytes, which cuts inside a
// multi-byte character of the Cyrillic, Chinese and Japanese texts.
func LanguageParams() []api.LanguageParams {
	return []api.LanguageParams{
		{},
		{Languages: []string{"de", "nl", "ru", "ja"}},
		{MaxBytes: 26},
	}
}

// LanguageExtra are inputs for the language kernel beside Texts: the same
// sentence in several languages and scripts, mixtures, texts too short to
// decide, texts that tie (whatlanggo's two best languages at the same
// distance, so its answer depends on map order: unknown), and invalid
// UTF-8.
func LanguageExtra() []string {
	return []string{
		"The committee met on Tuesday to discuss the new budget, and most of the members agreed that the money should be spent on schools and roads.",
		"Der Ausschuss traf sich am Dienstag, um den neuen Haushalt zu besprechen, und die meisten Mitglieder waren sich einig, dass das Geld für Schulen und Straßen ausgegeben werden sollte.",
		"Le comité s'est réuni mardi pour discuter du nouveau budget, et la plupart des membres ont convenu que l'argent devait être consacré aux écoles et aux routes.",
		"El comité se reunió el martes para discutir el nuevo presupuesto, y la mayoría de los miembros estuvo de acuerdo en que el dinero debería gastarse en escuelas y carreteras.",
		"Комитет собрался во вторник, чтобы обсудить новый бюджет, и большинство членов согласились, что деньги следует потратить на школы и дороги.",
		"اجتمعت اللجنة يوم الثلاثاء لمناقشة الميزانية الجديدة، واتفق معظم الأعضاء على أن الأموال يجب أن تنفق على المدارس والطرق.",
		"委员会星期二开会讨论新的预算，大多数成员同意这笔钱应该用于学校和道路。",
		"委員会は火曜日に新しい予算について話し合い、ほとんどのメンバーがそのお金を学校と道路に使うべきだということに同意しました。",
		"Het comité kwam dinsdag bijeen om de nieuwe begroting te bespreken.",
		// mixed: mostly English with a Russian and a German clause
		"The committee met on Tuesday; комитет собрался во вторник; der Ausschuss traf sich am Dienstag, and the members agreed on the budget.",
		// mixed scripts, Cyrillic letters outnumbering Latin
		"budget бюджет школы и дороги",
		"Hallo",
		"ok",
		"a",  // a tie
		"pr", // a tie of four languages
		"на", // a Cyrillic tie
		"og", // a Danish and Norwegian tie
		"1234 5678 90",
		"!!! ??? ...",
		"\xff\xfeDer Ausschuss traf sich am Dienstag\xc3",
		"\x80\x81\x82\x83",
	}
}

// LanguageTexts are Texts followed by LanguageExtra.
func LanguageTexts() []string {
	return append(Texts(), LanguageExtra()...)
}

// StageTexts are Texts followed by StageExtra.
func StageTexts() []string {
	return append(Texts(), StageExtra()...)
}

// FuzzSeeds are the seed corpus of the safetensors fuzz target: a valid
// small file and the ways a file goes wrong.
func FuzzSeeds() ([][]byte, error) {
	i32 := func(v ...int32) []byte {
		b := make([]byte, 0, 4*len(v))
		for _, x := range v {
			b = binary.LittleEndian.AppendUint32(b, uint32(x))
		}
		return b
	}
	valid, err := safetensors.Encode(map[string]string{"arch": "meadow-embed-v1"}, []safetensors.Tensor{
		{Name: "embed.weight", DType: "I8", Shape: []uint64{3, 2}, Data: []byte{1, 2, 3, 4, 5, 6}},
		{Name: "l1.weight", DType: "I8", Shape: []uint64{2, 2}, Data: []byte{1, 0xff, 2, 0xfe}},
		{Name: "l1.bias", DType: "I32", Shape: []uint64{2}, Data: i32(1, -1)},
		{Name: "l1.shift", DType: "I32", Shape: []uint64{1}, Data: i32(1)},
		{Name: "l2.weight", DType: "I8", Shape: []uint64{1, 2}, Data: []byte{3, 4}},
		{Name: "l2.bias", DType: "I32", Shape: []uint64{1}, Data: i32(0)},
		{Name: "l2.shift", DType: "I32", Shape: []uint64{1}, Data: i32(2)},
	})
	if err != nil {
		return nil, err
	}
	frame := func(hdr string, data []byte) []byte {
		b := binary.LittleEndian.AppendUint64(nil, uint64(len(hdr)))
		return append(append(b, hdr...), data...)
	}
	return [][]byte{
		valid,
		valid[:len(valid)-3], // truncated data
		valid[:20],           // truncated header
		{1, 2, 3},            // shorter than the length
		frame(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`, make([]byte, 8)),
		frame(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,16]}}`, make([]byte, 8)),                                                   // out of range
		frame(`{"a":{"dtype":"I8","shape":[4],"data_offsets":[0,4]},"b":{"dtype":"I8","shape":[4],"data_offsets":[2,6]}}`, make([]byte, 6)), // overlap
		frame(`{"a":{"dtype":"Q4","shape":[1],"data_offsets":[0,1]}}`, []byte{0}),                                                           // unknown dtype
		frame(`{"a":{"dtype":"I8","shape":[1],"data_offsets":[0,1]},"a":{"dtype":"I8","shape":[1],"data_offsets":[1,2]}}`, []byte{0, 0}),    // duplicate
		frame(`{"a":{"dtype":"I8","shape":[-1],"data_offsets":[0,1]}}`, []byte{0}),
		frame(`{"a":`, nil), // bad JSON
		frame(`{"__metadata__":{"arch":7}}`, nil),
		frame(`[]`, nil),
	}, nil
}
