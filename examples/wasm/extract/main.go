// Command extract is an example meadow WebAssembly kernel: for each row's
// text it writes the e-mail addresses and http(s) URLs it finds, without
// repeats, and how many URLs there are.
//
//	GOOS=wasip1 GOARCH=wasm go build -o extract.wasm ./examples/wasm/extract
//
// Output columns: emails:list<string>, urls:list<string>, links:int64
package main

import (
	"github.com/meadow-net/meadow/examples/wasm/internal/rows"
	"github.com/meadow-net/meadow/examples/wasm/textfn"
)

func main() {
	rows.Map(func(dst []byte, text string) []byte {
		emails, urls := textfn.Extract(text)
		dst = append(dst, `{"emails":`...)
		dst = rows.AppendStrings(dst, emails)
		dst = append(dst, `,"urls":`...)
		dst = rows.AppendStrings(dst, urls)
		dst = append(dst, `,"links":`...)
		dst = rows.AppendInt(dst, int64(len(urls)))
		return append(dst, '}')
	})
}
