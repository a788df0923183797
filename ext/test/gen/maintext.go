package main

import (
	"encoding/json"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/crawl"
	"github.com/meadow-net/meadow/crawl/htmldoc"
)

// mainTextRequest is what -maintext reads: one crawl spec and the pages to
// extract, each as a response the static path would keep.
type mainTextRequest struct {
	Spec  api.CrawlSpec `json:"spec"`
	Pages []struct {
		URL         string `json:"url"`
		ContentType string `json:"content_type"`
		Body        []byte `json:"body"` // base64 in JSON
	} `json:"pages"`
}

// mainTextResult is one page's main-text columns, in the names the
// extension's extractor (ext/wasm) answers with, or the error.
type mainTextResult struct {
	htmldoc.MainText
	Error string `json:"error,omitempty"`
}

// mainTexts prints, for each page of the request read from standard
// input, what the Go node's crawl path records as its main text
// (crawl.MainText: the crawl's rules, then the extractor), so that the
// extension's WebAssembly build can be compared with it. With passes > 0 it
// extracts every page that many times and prints {"seconds", "bytes"}
// instead: the native figure the extension's benchmark
// (ext/test/maintext.bench.mjs) sets its own against.
func mainTexts(passes int) {
	var req mainTextRequest
	dec := json.NewDecoder(os.Stdin)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		log.Fatal(err)
	}
	if passes > 0 {
		var n int
		start := time.Now()
		for range passes {
			for _, p := range req.Pages {
				if _, err := crawl.MainText(p.Body, p.URL, p.ContentType, req.Spec); err != nil {
					log.Fatal(err)
				}
				n += len(p.Body)
			}
		}
		fmt.Printf("{\"seconds\": %.6f, \"bytes\": %d}\n", time.Since(start).Seconds(), n)
		return
	}
	out := make([]mainTextResult, 0, len(req.Pages))
	for _, p := range req.Pages {
		m, err := crawl.MainText(p.Body, p.URL, p.ContentType, req.Spec)
		if err != nil {
			out = append(out, mainTextResult{Error: err.Error()})
			continue
		}
		out = append(out, mainTextResult{MainText: htmldoc.MainText(*m)})
	}
	b, err := json.Marshal(out)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(string(b))
}
