// Package rows is the input/output loop of the example kernels: it reads
// meadow's JSON Lines from stdin and writes one JSON object per row to
// stdout (docs/wasm.md).
package rows

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
)

// Map calls f with the "text" field of each input row and writes what f
// returns (a struct whose JSON fields are the output columns) as one line.
// An input line that is not JSON ends the run with exit code 1.
func Map[T any](f func(text string) T) {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<30) // rows can be long
	out := bufio.NewWriterSize(os.Stdout, 1<<16)
	enc := json.NewEncoder(out) // Encode ends each value with "\n"
	enc.SetEscapeHTML(false)
	for in.Scan() {
		var row struct {
			Text string `json:"text"`
		}
		if err := json.Unmarshal(in.Bytes(), &row); err != nil {
			fmt.Fprintln(os.Stderr, "reading a row:", err)
			os.Exit(1)
		}
		if err := enc.Encode(f(row.Text)); err != nil {
			fmt.Fprintln(os.Stderr, "writing a row:", err)
			os.Exit(1)
		}
	}
	if err := in.Err(); err != nil {
		fmt.Fprintln(os.Stderr, "reading stdin:", err)
		os.Exit(1)
	}
	if err := out.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, "writing stdout:", err)
		os.Exit(1)
	}
}
