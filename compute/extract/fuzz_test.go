package extract

import (
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// fuzzDeadline is how long one fuzz input may take: 64 KiB pages take
// milliseconds, so a page past it has found a hang (it would block a
// node's task), and the fuzzer records it as a failure.
const fuzzDeadline = 10 * time.Second

// FuzzExtract checks that Extract is defined for every input: no panic,
// either a result or an error wrapping one of errors.go's sentinels, valid
// UTF-8 in every field, and the same answer twice.
func FuzzExtract(f *testing.F) {
	for _, in := range goldenInputs(f) {
		if in.file == "" {
			f.Add(in.html)
		}
	}
	f.Add(`<html><body><table><tr><td>a<td>b<tr><td>c</table><pre>x
  y</pre><code>one
two</code></body></html>`)
	f.Add(`<p>` + strings.Repeat(`<div>`, 200) + `deep` + strings.Repeat(`</div>`, 200))
	f.Fuzz(func(t *testing.T, page string) {
		opts := DefaultOptions()
		opts.MaxBytes = 1 << 16
		type answer struct {
			res Result
			err error
		}
		done := make(chan answer, 1)
		go func() {
			r, e := Extract([]byte(page), "https://example.com/a/b", opts)
			done <- answer{r, e}
		}()
		var res Result
		var err error
		select {
		case a := <-done:
			res, err = a.res, a.err
		case <-time.After(fuzzDeadline):
			t.Fatalf("Extract of a %d-byte page ran past %v: %q", len(page), fuzzDeadline, page)
		}
		if err != nil {
			known := false
			for _, s := range sentinels {
				known = known || errors.Is(err, s)
			}
			if !known {
				t.Fatalf("error %v wraps no sentinel", err)
			}
		}
		for name, v := range map[string]string{"text": res.Text, "markdown": res.Markdown, "title": res.Title, "author": res.Author, "date": res.Date, "language": res.Language} {
			if !utf8.ValidString(v) {
				t.Fatalf("%s is not valid UTF-8: %q", name, v)
			}
		}
		if err == nil && res.Text == "" {
			t.Fatal("no error and no text")
		}
		res2, err2 := Extract([]byte(page), "https://example.com/a/b", opts)
		if res2 != res || (err == nil) != (err2 == nil) || (err != nil && err.Error() != err2.Error()) {
			t.Fatalf("second run differs: %+v %v, first %+v %v", res2, err2, res, err)
		}
	})
}
