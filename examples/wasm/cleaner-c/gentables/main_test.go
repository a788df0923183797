package main

import (
	"bytes"
	"os"
	"testing"
	"unicode"
	"unicode/utf8"
)

// TestTablesCurrent fails when ../unicode_tables.h is not what gentables
// writes with this Go toolchain (a Go release with a new Unicode version
// changes textfn.Clean, and so must change the C cleaner's tables).
func TestTablesCurrent(t *testing.T) {
	got, err := os.ReadFile("../unicode_tables.h")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, generate()) {
		t.Fatal("examples/wasm/cleaner-c/unicode_tables.h is stale: go run ./examples/wasm/cleaner-c/gentables -out examples/wasm/cleaner-c/unicode_tables.h")
	}
}

// TestTablesMatchGo checks the tables against Go's unicode package for
// every code point from 0x80, looked up as the C cleaner looks them up.
func TestTablesMatchGo(t *testing.T) {
	seps, lows := tables()
	for r := rune(utf8.RuneSelf); r <= unicode.MaxRune; r++ {
		sep := false
		for _, s := range seps {
			if r >= s[0] && r <= s[1] {
				sep = true
				break
			}
		}
		if sep != separator(r) {
			t.Fatalf("%U: separator %v in the table, %v in Go", r, sep, separator(r))
		}
		if sep {
			continue
		}
		lower := r
		for _, l := range lows {
			if r >= l.lo && r <= l.hi {
				if (r-l.lo)%l.stride == 0 {
					lower = r + l.delta
				}
				break
			}
		}
		if lower != unicode.ToLower(r) {
			t.Fatalf("%U: lowercase %U in the table, %U in Go", r, lower, unicode.ToLower(r))
		}
		// The C cleaner's output buffer assumes a lowercase is at most
		// 3/2 as long as its letter in UTF-8 (surrogates never get there).
		if utf8.ValidRune(r) && 2*utf8.RuneLen(lower) > 3*utf8.RuneLen(r) {
			t.Fatalf("%U: lowercase %U is longer than 3/2", r, lower)
		}
	}
}
