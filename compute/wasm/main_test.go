package wasm

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// The test modules written in Go are built once, with the go toolchain that
// runs the tests, for GOOS=wasip1 GOARCH=wasm, into a temporary directory.
var goModules = map[string]string{
	"hostile":   "./testdata/hostile",
	"wordcount": "./testdata/wordcount",
	"cleaner":   "../../examples/wasm/cleaner",
	"extract":   "../../examples/wasm/extract",
	"classify":  "../../examples/wasm/classify",
}

var builtDir string

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	flag.Parse()
	dir, err := os.MkdirTemp("", "meadow-wasm-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "wasm tests:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	builtDir = dir
	start := time.Now()
	args := []string{"build", "-trimpath", "-o", dir + string(filepath.Separator)}
	for _, p := range goModules {
		args = append(args, p)
	}
	goTool := filepath.Join(os.Getenv("GOROOT"), "bin", "go")
	if _, err := os.Stat(goTool); err != nil {
		goTool = "go"
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, goTool, args...)
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm", "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "wasm tests: building the test modules needs the go toolchain with GOOS=wasip1 GOARCH=wasm (Go 1.21 or later): go %v: %v\n%s", args, err, out)
		return 1
	}
	if testing.Verbose() {
		fmt.Fprintf(os.Stderr, "wasm tests: built %d wasip1 modules in %s\n", len(goModules), time.Since(start).Round(time.Millisecond))
	}
	return m.Run()
}

// goModule returns the bytes of a test module built by TestMain.
func goModule(t testing.TB, name string) []byte {
	t.Helper()
	if _, ok := goModules[name]; !ok {
		t.Fatalf("no test module %q", name)
	}
	b, err := os.ReadFile(filepath.Join(builtDir, name))
	if err != nil {
		t.Fatalf("test module %s: %v (TestMain builds it)", name, err)
	}
	return b
}

// Shared runtimes: compiling a Go module takes about a second, so the tests
// share one compiler runtime and one interpreter runtime, and load each
// module once per runtime (the cache does the rest).
var (
	sharedMu  sync.Mutex
	sharedRTs = map[bool]*Runtime{}
)

func sharedRuntime(t testing.TB, interpreter bool) *Runtime {
	t.Helper()
	sharedMu.Lock()
	defer sharedMu.Unlock()
	if r := sharedRTs[interpreter]; r != nil {
		return r
	}
	var opts []Option
	if interpreter {
		opts = append(opts, WithInterpreter())
	}
	r, err := New(context.Background(), opts...)
	if err != nil {
		t.Fatal(err)
	}
	sharedRTs[interpreter] = r
	return r
}

func mustLoad(t testing.TB, r *Runtime, wasm []byte) *Module {
	t.Helper()
	m, err := r.Load(context.Background(), wasm)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return m
}

// testLimits are small enough that a runaway module ends in well under a
// second.
func testLimits() Limits {
	l := DefaultLimits()
	l.Fuel = 200_000_000
	l.WallTime = 30 * time.Second
	return l
}

var resultCol = []Column{{Name: "result", Type: TypeString}}
