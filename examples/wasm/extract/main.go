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

type out struct {
	Emails []string `json:"emails"`
	URLs   []string `json:"urls"`
	Links  int64    `json:"links"`
}

func main() {
	rows.Map(func(text string) out {
		e, u := textfn.Extract(text)
		return out{Emails: e, URLs: u, Links: int64(len(u))}
	})
}
