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

type out struct {
	Topic string  `json:"topic"`
	Score int64   `json:"score"`
	Share float64 `json:"share"`
}

func main() {
	rows.Map(func(text string) out {
		t, s, f := textfn.Classify(text)
		return out{Topic: t, Score: s, Share: f}
	})
}
