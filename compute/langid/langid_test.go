package langid

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/abadojack/whatlanggo"
)

// Texts in the languages and scripts the tests and golden vectors cover.
const (
	english = "The committee met on Tuesday to discuss the new budget, and most of the members agreed that the money should be spent on schools and roads."
	german  = "Der Ausschuss traf sich am Dienstag, um den neuen Haushalt zu besprechen, und die meisten Mitglieder waren sich einig, dass das Geld für Schulen und Straßen ausgegeben werden sollte."
	french  = "Le comité s'est réuni mardi pour discuter du nouveau budget, et la plupart des membres ont convenu que l'argent devait être consacré aux écoles et aux routes."
	spanish = "El comité se reunió el martes para discutir el nuevo presupuesto, y la mayoría de los miembros estuvo de acuerdo en que el dinero debería gastarse en escuelas y carreteras."
	russian = "Комитет собрался во вторник, чтобы обсудить новый бюджет, и большинство членов согласились, что деньги следует потратить на школы и дороги."
	arabic  = "اجتمعت اللجنة يوم الثلاثاء لمناقشة الميزانية الجديدة، واتفق معظم الأعضاء على أن الأموال يجب أن تنفق على المدارس والطرق."
	chinese = "委员会星期二开会讨论新的预算，大多数成员同意这笔钱应该用于学校和道路。"
	jpn     = "委員会は火曜日に新しい予算について話し合い、ほとんどのメンバーがそのお金を学校と道路に使うべきだということに同意しました。"
)

func mustNew(t testing.TB, allow []string, maxBytes int) *Detector {
	t.Helper()
	d, err := New(allow, maxBytes)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestDetect: the languages the kernel's golden vectors cover, and every
// way to "unknown".
func TestDetect(t *testing.T) {
	all := mustNew(t, nil, DefaultMaxBytes)
	tests := []struct {
		name  string
		d     *Detector
		text  string
		code  string
		score float64 // 0: any score in (0, 1]; -1: want exactly 1
	}{
		{name: "english", d: all, text: english, code: "en"},
		{name: "german", d: all, text: german, code: "de"},
		{name: "french", d: all, text: french, code: "fr"},
		{name: "spanish", d: all, text: spanish, code: "es"},
		{name: "russian", d: all, text: russian, code: "ru"},
		{name: "arabic", d: all, text: arabic, code: "ar"},
		{name: "chinese is one language of its script", d: all, text: chinese, code: "zh", score: -1},
		{name: "japanese: kana beside kanji", d: all, text: jpn, code: "ja", score: -1},
		{name: "mixed: the script of most letters", d: all, text: english + " " + russian[:40], code: "en"},
		{name: "empty", d: all, text: ""},
		{name: "white space", d: all, text: " \t\n"},
		{name: "digits and punctuation only", d: all, text: "2026-12-06 12:00, 3.14159!"},
		{name: "one letter ties", d: all, text: "a"},
		{name: "two letters tie", d: all, text: "pr"},
		{name: "cyrillic tie", d: all, text: "на"},
		{name: "invalid utf-8 is space", d: all, text: "\xff\xfe" + english + "\xc3", code: "en"},
		{name: "only invalid bytes", d: all, text: "\x80\x81\xff\xfe"},
		{name: "allow-list narrows", d: mustNew(t, []string{"de", "nl"}, DefaultMaxBytes), text: english, code: "nl"},
		{name: "allow-list of one in the script: score 1", d: mustNew(t, []string{"fr", "ru"}, DefaultMaxBytes), text: spanish, code: "fr", score: -1},
		{name: "allow-list without the script's languages", d: mustNew(t, []string{"ru"}, DefaultMaxBytes), text: english},
		{name: "allow-list holds for one-language scripts", d: mustNew(t, []string{"en", "ja"}, DefaultMaxBytes), text: chinese},
		{name: "allow-list keeps a one-language script", d: mustNew(t, []string{"en", "zh"}, DefaultMaxBytes), text: chinese, code: "zh", score: -1},
		{name: "prefix decides", d: mustNew(t, nil, 40), text: german[:40] + strings.Repeat(" the", 100) + english, code: "de"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.d.Detect(tt.text)
			if got.Code != tt.code {
				t.Fatalf("Detect(%.40q) = %+v, want code %q", tt.text, got, tt.code)
			}
			switch {
			case tt.code == "":
				if got != (Result{}) || math.Float64bits(got.Score) != 0 {
					t.Fatalf("unknown with score %v (bits %x), want +0", got.Score, math.Float64bits(got.Score))
				}
			case tt.score == -1 && got.Score != 1:
				t.Fatalf("score %v, want 1", got.Score)
			case !(got.Score > 0 && got.Score <= 1):
				t.Fatalf("score %v, want (0, 1]", got.Score)
			}
		})
	}
}

// TestTiesAreUnknown: the tie texts really are ties (whatlanggo names more
// than one language for them from call to call, always with confidence 0),
// and Detect reports them as unknown every time.
func TestTiesAreUnknown(t *testing.T) {
	d := mustNew(t, nil, DefaultMaxBytes)
	for _, text := range []string{"a", "pr", "на"} {
		seen := map[whatlanggo.Lang]bool{}
		for range 1000 {
			info := whatlanggo.Detect(text)
			if info.Confidence != 0 {
				t.Fatalf("%q: whatlanggo confidence %v, want 0 for a tie", text, info.Confidence)
			}
			seen[info.Lang] = true
			if r := d.Detect(text); r != (Result{}) {
				t.Fatalf("%q: Detect = %+v, want unknown", text, r)
			}
		}
		if len(seen) < 2 {
			t.Errorf("%q: whatlanggo named %d language in 1000 calls; not the tie this test is about", text, len(seen))
		}
	}
}

// corpus is every text the tests know plus cuts of them: prefixes at every
// few bytes (so that short texts near ties appear) and mixtures.
func corpus() []string {
	base := []string{english, german, french, spanish, russian, arabic, chinese, jpn, "", "a", "pr", "на", "og", "\xff" + french}
	out := slices.Clone(base)
	for _, b := range base[:8] {
		for n := 1; n < len(b); n += 11 {
			out = append(out, b[:n])
		}
	}
	for i := range base {
		out = append(out, base[i]+" "+base[(i+3)%len(base)])
	}
	return out
}

// TestDeterministic: every text of corpus gives the same code and the same
// score bits on every call, from several goroutines, under GOMAXPROCS 1 and
// 4, with and without an allow-list. (Across architectures the golden
// vectors of package compute pin the same bits.)
func TestDeterministic(t *testing.T) {
	texts := corpus()
	for _, allow := range [][]string{nil, {"en", "de", "fr", "es", "ru", "uk", "bg", "zh"}} {
		d := mustNew(t, allow, DefaultMaxBytes)
		want := make([]Result, len(texts))
		for i, s := range texts {
			want[i] = d.Detect(s)
		}
		for _, procs := range []int{1, 4} {
			t.Run(fmt.Sprintf("allow=%d/GOMAXPROCS=%d", len(allow), procs), func(t *testing.T) {
				defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
				var wg sync.WaitGroup
				errs := make(chan string, 8)
				for g := range 4 {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for round := range 4 {
							for i := range texts {
								// Each goroutine walks the texts from its own start.
								j := (i + g*17 + round) % len(texts)
								got := d.Detect(texts[j])
								if got.Code != want[j].Code || math.Float64bits(got.Score) != math.Float64bits(want[j].Score) {
									errs <- fmt.Sprintf("text %d %.30q: %+v, first call %+v", j, texts[j], got, want[j])
									return
								}
							}
						}
					}()
				}
				wg.Wait()
				close(errs)
				for e := range errs {
					t.Error(e)
				}
			})
		}
	}
}

// TestPrefix: the cut and the invalid-byte rule of compute/DESIGN.md.
func TestPrefix(t *testing.T) {
	tests := []struct {
		name, in string
		max      int
		want     string
	}{
		{name: "short text untouched", in: "héllo", max: 100, want: "héllo"},
		{name: "cut on ascii", in: "hello world", max: 5, want: "hello"},
		{name: "cut inside é backs off", in: "hé", max: 2, want: "h"},
		{name: "cut after é", in: "hé!", max: 3, want: "hé"},
		{name: "cut inside a 4-byte rune", in: "a🙂b", max: 4, want: "a"},
		{name: "zero", in: "abc", max: 0, want: ""},
		{name: "invalid bytes become spaces", in: "a\xffb\xc3", max: 100, want: "a b "},
		{name: "overlong and surrogate forms are invalid", in: "\xc0\xaf\xed\xa0\x80", max: 100, want: "     "},
		{name: "runs of continuation bytes back off at most 3", in: "\x80\x80\x80\x80\x80\x80", max: 5, want: "  "},
		{name: "U+FFFD itself is kept", in: "a\uFFFDb", max: 100, want: "a\uFFFDb"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Prefix(tt.in, tt.max); got != tt.want {
				t.Fatalf("Prefix(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
			}
		})
	}
}

// TestInvalidBytesAsWhatlanggoReadsThem: replacing invalid bytes with spaces
// gives the answer whatlanggo gives the raw bytes (it reads each as U+FFFD,
// a symbol, hence a space), so the rule changes no valid answer.
func TestInvalidBytesAsWhatlanggoReadsThem(t *testing.T) {
	for _, s := range []string{"\xff" + english, german + "\xc3\x28" + german, "\x80\x80" + russian, "\xe2\x82"} {
		raw := whatlanggo.Detect(s)
		fixed := whatlanggo.Detect(Prefix(s, len(s)))
		if raw.Lang != fixed.Lang || raw.Confidence != fixed.Confidence {
			t.Errorf("%.30q: raw %v %v, with spaces %v %v", s, raw.Lang, raw.Confidence, fixed.Lang, fixed.Confidence)
		}
	}
}

// TestNewRefuses: every bad setting is refused, naming the index and value.
func TestNewRefuses(t *testing.T) {
	tests := []struct {
		name     string
		allow    []string
		maxBytes int
		err      error
		want     string
	}{
		{name: "zero max bytes", maxBytes: 0, err: ErrMaxBytes, want: "0, expected 1 to 1048576"},
		{name: "too many bytes", maxBytes: MaxBytesLimit + 1, err: ErrMaxBytes, want: "1048577"},
		{name: "unknown code", allow: []string{"en", "xx"}, maxBytes: 10, err: ErrUnknownCode, want: `[1] "xx"`},
		{name: "upper case", allow: []string{"EN"}, maxBytes: 10, err: ErrUnknownCode, want: `[0] "EN"`},
		{name: "639-3 where a 639-1 exists", allow: []string{"eng"}, maxBytes: 10, err: ErrUnknownCode, want: `"eng"`},
		{name: "duplicate", allow: []string{"de", "fr", "de"}, maxBytes: 10, err: ErrDuplicateCode, want: `[2] "de"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.allow, tt.maxBytes)
			if !errors.Is(err, tt.err) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("New(%q, %d) = %v, want %v containing %q", tt.allow, tt.maxBytes, err, tt.err, tt.want)
			}
		})
	}
	if _, err := New(Codes(), MaxBytesLimit); err != nil {
		t.Fatalf("every code at the limit: %v", err)
	}
}

// TestCodes: 84 languages, each with one code, lowercase; the six without
// an ISO 639-1 code in whatlanggo have their 639-3 code.
func TestCodes(t *testing.T) {
	cs := Codes()
	if len(cs) != 84 || len(cs) != len(whatlanggo.Langs) {
		t.Fatalf("%d codes for %d whatlanggo languages, want 84", len(cs), len(whatlanggo.Langs))
	}
	var three []string
	for _, c := range cs {
		if strings.ToLower(c) != c || !Known(c) {
			t.Errorf("code %q", c)
		}
		if len(c) == 3 {
			three = append(three, c)
		}
	}
	if want := []string{"ceb", "ilo", "mai", "pes", "skr", "ydd"}; !slices.Equal(three, want) {
		t.Fatalf("639-3 codes %v, want %v", three, want)
	}
}

// FuzzDetect: any bytes, any settings: no panic, a known code or "", a
// score in [0, 1] that is 0 exactly when the code is "", the same answer
// twice, and Prefix's output valid UTF-8 of at most maxBytes bytes.
func FuzzDetect(f *testing.F) {
	for _, s := range []string{"", "a", "pr", english, russian, chinese, jpn, "\xff\xfe", "\xe2\x82", arabic[:31]} {
		f.Add(s, uint16(DefaultMaxBytes), uint8(0))
	}
	f.Fuzz(func(t *testing.T, text string, maxBytes uint16, allowBits uint8) {
		mb := int(maxBytes)%4096 + 1
		var allow []string
		for i, c := range []string{"en", "de", "ru", "zh", "ar", "ja", "fr", "uk"} {
			if allowBits&(1<<i) != 0 {
				allow = append(allow, c)
			}
		}
		d := mustNew(t, allow, mb)
		r := d.Detect(text)
		if r.Code != "" && !Known(r.Code) {
			t.Fatalf("code %q", r.Code)
		}
		if (r.Code == "") != (r.Score == 0) || !(r.Score >= 0 && r.Score <= 1) || math.Signbit(r.Score) {
			t.Fatalf("%+v", r)
		}
		if len(allow) > 0 && r.Code != "" && !slices.Contains(allow, r.Code) {
			t.Fatalf("%+v outside the allow-list %v", r, allow)
		}
		if again := d.Detect(text); again != r {
			t.Fatalf("second call %+v, first %+v", again, r)
		}
		p := Prefix(text, mb)
		if !utf8.ValidString(p) || len(p) > mb {
			t.Fatalf("Prefix(%q, %d) = %q", text, mb, p)
		}
	})
}
