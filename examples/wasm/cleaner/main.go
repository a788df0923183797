// Command cleaner is an example meadow WebAssembly kernel: for each row's
// text it writes the column clean (string), the text lowercased, with
// punctuation and symbols removed and white space collapsed.
//
//	GOOS=wasip1 GOARCH=wasm go build -o cleaner.wasm ./examples/wasm/cleaner
//
// Output columns: clean:string
package main

import (
	"github.com/meadow-net/meadow/examples/wasm/internal/rows"
	"github.com/meadow-net/meadow/examples/wasm/textfn"
)

func main() {
	rows.Map(func(dst []byte, text string) []byte {
		dst = append(dst, `{"clean":`...)
		dst = rows.AppendString(dst, textfn.Clean(text))
		return append(dst, '}')
	})
}
