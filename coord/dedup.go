package coord

import (
	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/coord/state"
	"github.com/meadow-net/meadow/dataset"
)

// dedupInputTypes are the types of the columns a dedup job reads
// (api.DedupInputColumns), as the minhash kernel writes them.
var dedupInputTypes = map[string]dataset.ColumnType{
	api.DedupSourceHashColumn: dataset.TypeBytes,
	api.DedupBandsColumn:      dataset.TypeUint64List,
	api.DedupTextHashColumn:   dataset.TypeBytes,
}

// checkDedupSchema checks that a dedup job's input dataset has the columns
// the kernel reads, with their types: a minhash dataset from before
// text_sha256 existed has none to read exact duplicates from, and nodes
// would only fail the task. state.checkDedupInput has checked already that
// a minhash job made it and that it fits one task.
func checkDedupSchema(input string, s dataset.Schema) error {
	for _, name := range api.DedupInputColumns() {
		want := dedupInputTypes[name]
		if i := s.Index(name); i < 0 || s.Columns[i].Type != want {
			return &state.FieldError{Field: "compute.input", Err: invalidf(
				"dataset %s has no %s column of type %s: expected a verified minhash dataset with columns source_hash (bytes), minhash_bands (list<uint64>) and text_sha256 (bytes); recompute its minhash",
				input, name, want)}
		}
	}
	return nil
}
