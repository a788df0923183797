// Package langid identifies the language of a text, deterministically: the
// same bytes give the same code and the same float64 bits on every machine
// (amd64, arm64) and on every call, so replicas of a task agree row by row.
//
// It is a thin wrapper around github.com/abadojack/whatlanggo v1.0.1, whose
// trigram profiles are Go source inside its module (nothing is downloaded).
// whatlanggo scores languages by integer trigram distances and builds its
// confidence from correctly rounded IEEE divisions and one addition (no
// multiplication, so no fused multiply-add on arm64). Its one source of
// nondeterminism is a tie: it ranks the languages of a profile map in map
// order, so when the two best share a distance the language it names varies
// from call to call. A tie always has confidence 0, and this package reports
// every confidence-0 answer as unknown (Result{}). compute/DESIGN.md
// ("language") is the full definition.
//
// The package may import no other Meadow package and no module but
// whatlanggo (scripts/check-imports.sh).
package langid
