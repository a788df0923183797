package lang

import (
	"errors"
	"strings"
	"testing"
)

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string // substring of the error; "" for none
	}{
		{name: "default", cfg: DefaultConfig()},
		{name: "zero", cfg: Config{}},
		{name: "subset", cfg: Config{Languages: []string{"en", "de", "fr"}}},
		{name: "negative max", cfg: Config{MaxBytes: -1}, want: "lang.max_bytes: expected 0 (default) or 1..1073741824, got -1"},
		{name: "unknown code", cfg: Config{Languages: []string{"en", "xx"}}, want: `lang.languages[1]: expected a lowercase ISO 639-1 code lingua knows`},
		{name: "upper case", cfg: Config{Languages: []string{"EN", "de"}}, want: `got "EN"`},
		{name: "three letters", cfg: Config{Languages: []string{"eng", "de"}}, want: `got "eng"`},
		{name: "twice", cfg: Config{Languages: []string{"en", "en"}}, want: `lang.languages[1]: "en" is listed twice`},
		{name: "one language", cfg: Config{Languages: []string{"en"}}, want: "expected 0 (all) or at least 2 languages, got 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) || !errors.Is(err, ErrConfig) {
				t.Fatalf("got %v, want an ErrConfig containing %q", err, tt.want)
			}
		})
	}
}

func TestAllLanguages(t *testing.T) {
	all := AllLanguages()
	if len(all) != 75 {
		t.Fatalf("lingua knows %d languages, DESIGN.md says 75: a lingua upgrade changes the kernel", len(all))
	}
	for _, c := range all {
		if _, ok := languageOf(c); !ok {
			t.Errorf("%q from AllLanguages does not map back to a language", c)
		}
	}
}

func TestSubset(t *testing.T) {
	d, err := New(Config{Languages: []string{"en", "de"}})
	if err != nil {
		t.Fatal(err)
	}
	// French is not in the set: the nearest of the two is chosen.
	r := d.Detect("La bibliothèque ouvre à neuf heures du matin et ferme à six heures du soir.")
	if r.Code != "en" && r.Code != "de" {
		t.Fatalf("got %+v, want en or de", r)
	}
}

func TestPrefix(t *testing.T) {
	tests := []struct {
		name, in string
		max      int
		want     string
	}{
		{name: "short", in: "abc", max: 10, want: "abc"},
		{name: "exact", in: "abcd", max: 4, want: "abcd"},
		{name: "cut ascii", in: "abcdef", max: 4, want: "abcd"},
		{name: "cut inside two bytes", in: "abcé", max: 4, want: "abc"},
		{name: "cut inside four bytes", in: "a😀", max: 3, want: "a"},
		{name: "after four bytes", in: "a😀b", max: 5, want: "a😀"},
		{name: "invalid replaced", in: "a\xffb", max: 10, want: "a b"},
		{name: "lone continuation bytes", in: "\x80\x80\x80\x80\x80", max: 4, want: " "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Prefix(tt.in, tt.max); got != tt.want {
				t.Fatalf("Prefix(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
			}
		})
	}
}

func TestQuantize(t *testing.T) {
	tests := []struct {
		v    float64
		want int64
	}{
		{0, 0}, {-1, 0}, {1, 1000}, {2, 1000}, {0.0004999, 0}, {0.0005, 1}, {0.5, 500},
		{0.99999999999991585, 1000}, {0.9994999, 999}, {0.65, 650},
	}
	for _, tt := range tests {
		if got := quantize(tt.v); got != tt.want {
			t.Errorf("quantize(%v) = %d, want %d", tt.v, got, tt.want)
		}
	}
}
