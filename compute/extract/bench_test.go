package extract

import (
	"bytes"
	"testing"

	trafilatura "github.com/markusmobius/go-trafilatura"
)

// benchPages is the real-page corpus, read from the installed packages (32
// pages, about 1 MB).
func benchPages(b *testing.B) ([][]byte, int64) {
	pages := loadCorpus(b).html
	var n int64
	for _, p := range pages {
		n += int64(len(p))
	}
	return pages, n
}

// BenchmarkExtract is Extract with DefaultOptions over the whole real-page
// corpus per op (MB/s of HTML).
func BenchmarkExtract(b *testing.B) {
	pages, n := benchPages(b)
	for _, tt := range []struct {
		name string
		opts Options
	}{
		{name: "default", opts: DefaultOptions()},
		{name: "no-fallback", opts: Options{Focus: FavorPrecision}},
	} {
		b.Run(tt.name, func(b *testing.B) {
			b.SetBytes(n)
			for i := 0; i < b.N; i++ {
				for _, p := range pages {
					if _, err := Extract(p, "", tt.opts); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}

// BenchmarkExtractTrafilatura is the bare library call on the same pages
// with the same settings (trafilatura.Extract, its own charset detection
// and flat text, no Markdown): the baseline for Extract's overhead.
func BenchmarkExtractTrafilatura(b *testing.B) {
	pages, n := benchPages(b)
	for _, tt := range []struct {
		name     string
		fallback bool
	}{{"default", true}, {"no-fallback", false}} {
		b.Run(tt.name, func(b *testing.B) {
			b.SetBytes(n)
			for i := 0; i < b.N; i++ {
				for _, p := range pages {
					_, err := trafilatura.Extract(bytes.NewReader(p), trafilatura.Options{
						Focus: trafilatura.FavorPrecision, EnableFallback: tt.fallback, ExcludeComments: true, Deduplicate: true,
						HtmlDateMode: trafilatura.Fast,
					})
					if err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
