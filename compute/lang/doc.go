// Package lang identifies the language of a text for pretraining pipelines:
// an ISO 639-1 code and a confidence in parts per thousand, from lingua
// (github.com/pemistahl/lingua-go), whose n-gram models ship inside its Go
// module, so nothing is downloaded at run time.
//
// What it guarantees, because replicas on different machines cross-check
// its output:
//
//   - Defined for every input: empty text, text without letters, invalid
//     UTF-8 (read as spaces) and very long texts (only the first
//     Config.MaxBytes are read) give a Result, never a panic.
//   - An integer confidence: lingua's float64 confidence is rounded to
//     parts per thousand in one correctly rounded multiplication that the
//     compiler cannot fuse, so arm64's fused multiply-add cannot change it.
//   - Pinned definition: the language set, the prefix length and the mode
//     (lingua's low accuracy mode, trigram models) are fixed by Config and
//     the lingua version in go.mod; testdata/golden.json records the output
//     on amd64 and arm64 alike (TestGoldenArm64 runs it under qemu).
//
// Lingua's float confidence is not bit-identical from run to run even on
// one machine (it sums logarithms in map order); the rounding keeps that
// noise, about 10⁻¹⁴, away from the integer. DESIGN.md beside this file
// gives the measured noise, memory and load time, and what remains.
//
// Detectors are safe for concurrent use. The package imports only lingua
// and the standard library; it is wired into compute jobs elsewhere.
package lang
