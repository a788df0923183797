// Command hostile is a test module for the sandbox (GOOS=wasip1
// GOARCH=wasm). The first input row's text picks what it does; "echo"
// behaves, the others misbehave in one way each. Its output column is
// "result" (string). Built with -ldflags=-X=main.forceMode=<mode>, it
// does <mode> whatever its input (the dev network's tests run it over a
// crawl's rows that way).
package main

import (
	"bufio"
	crand "crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"net"
	"os"
	"strconv"
	"strings"
	"time"
)

// forceMode, set at link time, overrides the first row's text.
var forceMode string

type row struct {
	Text string `json:"text"`
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<26)
	var texts []string
	for in.Scan() {
		var r row
		if err := json.Unmarshal(in.Bytes(), &r); err != nil {
			fmt.Fprintln(os.Stderr, "bad input line:", err)
			os.Exit(10)
		}
		texts = append(texts, r.Text)
	}
	mode := forceMode
	if mode == "" && len(texts) > 0 {
		mode = texts[0]
	}
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	emit := func(v any) {
		b, _ := json.Marshal(v)
		out.Write(b)
		out.WriteByte('\n')
	}
	each := func(f func(string) any) {
		for _, t := range texts {
			emit(f(t))
		}
	}
	switch {
	case mode == "echo":
		each(func(t string) any { return map[string]string{"result": strings.ToUpper(t)} })
	case mode == "loop":
		for {
		}
	case mode == "alloc":
		var keep [][]byte
		for {
			b := make([]byte, 8<<20)
			b[len(b)-1] = 1
			keep = append(keep, b)
		}
	case mode == "output":
		line := strings.Repeat("x", 1<<16)
		for {
			if _, err := fmt.Fprintln(os.Stdout, line); err != nil {
				os.Exit(3)
			}
		}
	case mode == "recurse":
		each(func(string) any { return map[string]string{"result": strconv.Itoa(recurse(0))} })
	case mode == "probe":
		each(func(string) any { return map[string]string{"result": probe()} })
	case strings.HasPrefix(mode, "exit:"):
		n, _ := strconv.Atoi(mode[5:])
		out.Flush()
		os.Exit(n)
	case mode == "stderr":
		for i := 0; i < 2000; i++ {
			fmt.Fprintf(os.Stderr, "line %d of a lot of stderr\n", i)
		}
		os.Exit(1)
	case mode == "panic":
		panic("boom")
	case mode == "badtype":
		each(func(string) any { return map[string]int{"result": 5} })
	case mode == "missing":
		emit(map[string]string{"result": "only one"})
	case mode == "extra":
		each(func(t string) any { return map[string]string{"result": t} })
		emit(map[string]string{"result": "one too many"})
	case mode == "unknown":
		each(func(t string) any { return map[string]string{"result": t, "other": "x"} })
	case mode == "nofield":
		each(func(string) any { return map[string]string{} })
	case mode == "float":
		// Mixed-type output for the float/bool/list columns.
		each(func(t string) any {
			return map[string]any{"result": t, "x": -0.0, "ok": true, "tags": []string{"a", t}, "ns": []int64{1, -2}}
		})
	default:
		fmt.Fprintf(os.Stderr, "unknown mode %q\n", mode)
		os.Exit(9)
	}
}

//go:noinline
func recurse(n int) int {
	if n < 0 {
		return 0
	}
	return recurse(n+1) + 1
}

// probe tries what the sandbox forbids or fixes, and reports what it saw.
func probe() string {
	var parts []string
	add := func(k string, v any) { parts = append(parts, fmt.Sprintf("%s=%v", k, v)) }
	_, err := os.Open("/etc/passwd")
	add("open", err != nil)
	_, err = os.ReadDir(".")
	add("readdir", err != nil)
	err = os.WriteFile("x.txt", []byte("x"), 0o644)
	add("write", err != nil)
	_, err = net.Dial("tcp", "127.0.0.1:80")
	add("dial", err != nil)
	_, err = net.Listen("tcp", "127.0.0.1:0")
	add("listen", err != nil)
	add("env", len(os.Environ()))
	add("args", strings.Join(os.Args, " "))
	t0 := time.Now()
	add("now", t0.UTC().Format(time.RFC3339Nano))
	time.Sleep(90 * time.Minute)
	add("slept", time.Since(t0))
	add("after", time.Now().UTC().Format(time.RFC3339Nano))
	b := make([]byte, 16)
	crand.Read(b)
	add("crand", hex.EncodeToString(b))
	add("rand", rand.Uint64())
	m := map[int]bool{}
	for i := 0; i < 20; i++ {
		m[i] = true
	}
	order := ""
	for k := range m {
		order += strconv.Itoa(k) + ","
	}
	add("maporder", order)
	zero := 0.0
	nan := zero / zero
	add("nanbits", strconv.FormatUint(math.Float64bits(nan*2), 16))
	return strings.Join(parts, ";")
}
