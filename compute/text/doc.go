// Package text computes the text-quality signals and filters of pretraining
// pipelines (the Gopher quality and repetition rules, C4's line and document
// rules, FineWeb's added rules) and masks personal data (e-mail addresses,
// IP addresses, phone numbers), as pure functions of a text.
//
// What it guarantees, because replicas on different machines cross-check
// its output bit for bit:
//
//   - Deterministic: the output depends only on the text and the
//     parameters; no clock, randomness, locale, map order or environment.
//   - Integer-only signals: every signal is an int64; every ratio is fixed
//     point, floor(numerator × 10⁶ / denominator) in parts per million,
//     computed in integers. No floating point is used anywhere in the
//     package, so arm64's fused multiply-add cannot change a bit.
//   - Defined for every input: empty text, invalid UTF-8, binary bytes and
//     very long texts all give defined output in time linear in their
//     length (plus hashing), without panics.
//   - Pinned definitions: white space is a written-out list; letters,
//     punctuation and digits come from the Unicode tables of the Go release
//     in go.mod (Unicode 15.0.0), and TestUnicodeVersion fails when an
//     upgrade changes them, so results cannot change silently.
//
// Params.Signals measures a text (and applies C4's line filter), Params.Keep
// decides whether a row passes and names every rule it fails, C4Lines is the
// C4 line filter alone, and MaskPII masks personal data. DESIGN.md beside this
// file defines every signal, rule and pattern exactly, so that another
// implementation can reproduce testdata/golden.json.
//
// Every function is safe for concurrent use. The package imports only the
// standard library; it is wired into compute jobs elsewhere.
package text
