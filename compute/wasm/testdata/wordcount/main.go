// Command wordcount writes, for each row, its number of words and its
// longest word. Output columns: words:int64, longest:string
package main

import (
	"bufio"
	"encoding/json"
	"os"
	"strings"
)

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<30) // rows can be long
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	enc := json.NewEncoder(out) // one object per line
	for in.Scan() {
		var row struct {
			Text string `json:"text"`
		}
		if err := json.Unmarshal(in.Bytes(), &row); err != nil {
			os.Stderr.WriteString(err.Error() + "\n")
			os.Exit(1)
		}
		longest := ""
		words := strings.Fields(row.Text)
		for _, w := range words {
			if len(w) > len(longest) {
				longest = w
			}
		}
		enc.Encode(map[string]any{"words": len(words), "longest": longest})
	}
}
