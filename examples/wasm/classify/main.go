// Command classify is an example meadow WebAssembly kernel: it labels each
// row's text with a topic by counting keywords, with the count and the
// count's share of the words.
//
//	GOOS=wasip1 GOARCH=wasm go build -o classify.wasm ./examples/wasm/classify
//
// Output columns: topic:string, score:int64, share:float64
package main

import (
	"github.com/meadow-net/meadow/examples/wasm/internal/rows"
	"github.com/meadow-net/meadow/examples/wasm/textfn"
)

func main() {
	rows.Map(func(dst []byte, text string) []byte {
		topic, score, share := textfn.Classify(text)
		dst = append(dst, `{"topic":`...)
		dst = rows.AppendString(dst, topic)
		dst = append(dst, `,"score":`...)
		dst = rows.AppendInt(dst, score)
		dst = append(dst, `,"share":`...)
		dst = rows.AppendFloat(dst, share)
		return append(dst, '}')
	})
}
