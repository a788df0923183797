//go:build soak

package dataset

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestSoakVerifyMemory writes a 1 GiB dataset (a million rows of 1 KiB) in
// each format and verifies it in a child process, whose peak resident
// memory (VmHWM) must stay under 200 MB: Verify streams, keeping 32 bytes
// a row. It is built with -tags soak (make soak); set MEADOW_SOAK_ROWS to
// change the size.
func TestSoakVerifyMemory(t *testing.T) {
	n := 1 << 20
	if v := os.Getenv("MEADOW_SOAK_ROWS"); v != "" {
		n, _ = strconv.Atoi(v)
	}
	s, rows, _ := benchData(t, 4096, benchRowBytes)
	dir := t.TempDir()
	for _, f := range benchFormats {
		path := filepath.Join(dir, "soak"+f.Ext())
		fh, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		bw := bufio.NewWriterSize(fh, 1<<20)
		w, err := NewWriter(bw, f, s)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < n; i++ {
			r := append(Row(nil), rows[i%len(rows)]...)
			r[0] = fmt.Sprintf("https://example.org/%d", i) // distinct rows
			if err := w.Write(r); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		bw.Flush()
		fh.Close()
		sum := w.Summary()
		w = nil

		cmd := exec.Command(os.Args[0], "-test.run=^TestVerifyMemoryChild$", "-test.v")
		cmd.Env = append(os.Environ(), "MEADOW_VERIFY_CHILD="+path, "MEADOW_VERIFY_ROOT="+sum.Root.String())
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: child: %v\n%s", f, err, out)
		}
		var hwm int
		var line string
		for _, l := range strings.Split(string(out), "\n") {
			if i := strings.Index(l, "VmHWM_kB="); i >= 0 {
				line = strings.TrimSpace(l)
				hwm, _ = strconv.Atoi(strings.Fields(l[i+len("VmHWM_kB="):])[0])
			}
		}
		t.Logf("%s: %d rows, %d MiB file: %s", f, n, sum.Bytes>>20, line)
		if hwm == 0 || hwm > 200_000 {
			t.Errorf("%s: verify peaked at %d kB resident: want under 200 MB", f, hwm)
		}
		os.Remove(path)
	}
}
