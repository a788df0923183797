package api

// Dataset-wide dedup (issue 13). A dedup job reads a verified minhash
// dataset and clusters every one of its rows at once: exact duplicates by
// the hash of their normalized text, near duplicates by shared LSH band
// keys. Clusters span the whole dataset, so the job is planned as one task
// over all the input's rows; the coordinators refuse an input with more
// than DedupRowsLimit rows. docs/ARCHITECTURE.md ("Dataset-wide dedup as a
// task") gives the plan past that limit.

// Columns a dedup job reads from its input, a minhash dataset (package
// compute's minhash kernel writes them): the source hash of each row (the
// row it was computed from), its LSH band keys and the SHA-256 of its
// normalized text.
const (
	DedupSourceHashColumn = "source_hash"
	DedupBandsColumn      = "minhash_bands"
	DedupTextHashColumn   = "text_sha256"
)

// DedupColumn is the column a dedup spec names (and WithDefaults writes
// in): the band keys it clusters by. It reads DedupInputColumns in all.
const DedupColumn = DedupBandsColumn

// DedupRowsLimit is the most rows a dedup job's input may have: one task
// takes them all, and one task's blob, commitment and reveal hold at most
// MaxTaskRows rows. At 100,000 rows a node fetches about 80 MB of minhash
// rows (128 permutations) and clusters them in well under a second.
const DedupRowsLimit = MaxTaskRows

// DedupInputColumns returns the columns a dedup task reads from its input,
// in the order the kernel takes them.
func DedupInputColumns() []string {
	return []string{DedupSourceHashColumn, DedupBandsColumn, DedupTextHashColumn}
}

// checkDedup checks what a dedup spec may set: its column is the band keys
// (absent or minhash_bands) and it has no shard size of its own (absent, or
// DedupRowsLimit as WithDefaults writes it): the job is one task.
func (c ComputeSpec) checkDedup(v *validator, p string) {
	if c.Column != "" && c.Column != DedupColumn {
		v.add(sub(p, "column"), quote(c.Column), "absent or "+DedupColumn+": dedup reads a minhash dataset's source_hash, minhash_bands and text_sha256")
	}
	if c.ShardRows != 0 && c.ShardRows != DedupRowsLimit {
		v.add(sub(p, "shard_rows"), itoa(int64(c.ShardRows)), "absent: a dedup job is one task over every row of its input (at most "+itoa(DedupRowsLimit)+")")
	}
	if c.GPU {
		v.add(sub(p, "gpu"), "true", "absent: dedup has no GPU implementation (it is hashing and union-find)")
	}
}

// withDedupDefaults writes a dedup spec's column and shard size in.
func (c *ComputeSpec) withDedupDefaults() {
	if c.Column == "" {
		c.Column = DedupColumn
	}
	if c.ShardRows == 0 {
		c.ShardRows = DedupRowsLimit
	}
}
