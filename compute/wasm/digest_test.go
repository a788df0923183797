package wasm

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"testing"
)

// TestDigest runs the Go-built modules over the sample texts and logs one
// digest of everything a replica would compare: rows, fuel used, failure
// kinds and exit codes. It must be the same on every machine and engine:
// run it under qemu-aarch64 (docs/BENCHMARKS.md, "WASM sandbox") and
// compare the logged digests.
func TestDigest(t *testing.T) {
	c, i := digest(t, false), digest(t, true)
	if c != i {
		t.Fatalf("compiler digest %s, interpreter %s", c, i)
	}
	t.Logf("determinism digest: %s", c)
}

func digest(t *testing.T, interp bool) string {
	texts := sampleTexts()
	h := sha256.New()
	record := func(name string, res Result, err error) {
		var f *Failure
		if errors.As(err, &f) {
			fmt.Fprintf(h, "%s failure %s %d %d %q\n", name, f.Kind, f.ExitCode, f.Row, f.Field)
		} else if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		fmt.Fprintf(h, "%s fuel %d in %d out %d rows %#v\n", name, res.FuelUsed, res.InputBytes, res.OutputBytes, res.Rows)
		t.Logf("interpreter %v: %s: fuel %d", interp, name, res.FuelUsed)
	}
	r := sharedRuntime(t, interp)
	lim := testLimits()
	lim.Fuel = 20_000_000
	for _, k := range exampleKernels {
		m := mustLoad(t, r, goModule(t, k.name))
		res, err := m.Run(context.Background(), "text", texts, k.cols, DefaultLimits())
		record(k.name, res, err)
	}
	m := mustLoad(t, r, goModule(t, "hostile"))
	for _, mode := range []string{"probe", "loop", "recurse", "panic"} {
		res, err := m.Run(context.Background(), "text", []string{mode}, resultCol, lim)
		record(mode, res, err)
	}
	res, err := runHand(t, r, kitchenSink().bytes(), lim)
	record("kitchen sink", res, err)
	return fmt.Sprintf("%x", h.Sum(nil))
}
