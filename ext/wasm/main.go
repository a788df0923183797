//go:build js && wasm

// Command wasm is the browser extension's main-text extractor: the crawl
// package's own main-text extraction (crawl/htmldoc: the body decoded, the
// task's exclude rules applied, then go-trafilatura and html-to-markdown) compiled to WebAssembly, so that a
// page the extension fetches gets the main-text columns a Go node would
// write for the same bytes, bit for bit. ext/build.mjs builds it into the
// extension as maintext.wasm; ext/src/lib/maintext.js loads it.
//
// It defines one function on the global object:
//
//	meadowMainText(body Uint8Array, pageURL, contentType, crawlJSON string) string
//
// body is the response as fetched (before any charset decoding),
// contentType the Content-Type the node goes by, crawlJSON the task's crawl
// spec as the coordinator sent it. The answer is JSON: the dataset.MainText
// fields (htmldoc.MainText) in the wire names below, or {"error": "..."} naming what was wrong.
package main

import (
	"encoding/json"
	"syscall/js"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/crawl/htmldoc"
)

// result is one page's main-text columns as the extension reads them, or
// the error.
type result struct {
	htmldoc.MainText
	Error string `json:"error,omitempty"`
}

func mainText(_ js.Value, args []js.Value) any {
	answer := func(r result) any {
		b, _ := json.Marshal(r)
		return string(b)
	}
	if len(args) != 4 || args[0].Type() != js.TypeObject {
		return answer(result{Error: "meadowMainText: expected (body Uint8Array, pageURL, contentType, crawlJSON)"})
	}
	body := make([]byte, args[0].Get("length").Int())
	js.CopyBytesToGo(body, args[0])
	var spec api.CrawlSpec
	if err := json.Unmarshal([]byte(args[3].String()), &spec); err != nil {
		return answer(result{Error: "crawl spec: " + err.Error()})
	}
	m, err := htmldoc.Page(body, args[1].String(), args[2].String(), spec)
	if err != nil {
		return answer(result{Error: err.Error()})
	}
	return answer(result{MainText: m})
}

func main() {
	js.Global().Set("meadowMainText", js.FuncOf(mainText))
	select {}
}
