package state

import "github.com/meadow-net/meadow/api"

// checkDedupInput checks that a dedup job's input fits its one task: a
// dataset made by a minhash job (whose rows carry source_hash,
// minhash_bands and text_sha256), with at most api.DedupRowsLimit rows in
// at most api.MaxShardParts blobs. A dedup job's ShardRows is
// api.DedupRowsLimit (api.ComputeSpec.WithDefaults), so within these limits
// splitCompute makes exactly one task over every row. Past them the job is
// refused rather than split: clusters span the whole dataset, and shards
// cut by row would miss duplicates across shards.
func (s *State) checkDedupInput(id string, in *Dataset) error {
	kernel := string(in.Kind)
	if j, ok := s.Jobs[in.JobID]; ok && j.Spec.Compute != nil {
		kernel = j.Spec.Compute.Kernel
	}
	switch {
	case kernel != api.KernelMinHash:
		return inField("compute.input", invalidf("dataset %q was made by a %s job: expected a verified minhash dataset (kernel dedup reads its source_hash, minhash_bands and text_sha256)", id, kernel))
	case in.Rows > api.DedupRowsLimit:
		return inField("compute.input", invalidf("dataset %q has %d rows: expected at most %d, the rows one dedup task takes (dedup a smaller dataset, or see docs/ARCHITECTURE.md for the plan past the limit)", id, in.Rows, api.DedupRowsLimit))
	case len(in.Tasks) > api.MaxShardParts:
		return inField("compute.input", invalidf("dataset %q is stored in %d blobs: expected at most %d, the blobs one task reads (compute its minhash with a larger shard_rows)", id, len(in.Tasks), api.MaxShardParts))
	}
	return nil
}
