package coord

import (
	"context"
	"fmt"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/coord/state"
	"github.com/meadow-net/meadow/dataset"
)

// provenanceRoots are a complete dataset's provenance roots: one per task,
// in the dataset's order, and the dataset's.
type provenanceRoots struct {
	tasks []dataset.Hash
	all   dataset.Hash
}

// provenanceRootsOf computes a complete dataset's provenance roots
// (dataset/DESIGN.md, "Provenance") from its stored blobs: the RFC 6962
// root over the record hashes (every column, provenance included) of each
// task's rows, and over all of the dataset's rows. Blobs are content
// addressed and never change once the dataset is complete, so every
// member computes the same roots and each member computes them once.
// The upload check made sure every row in them is signed by its node.
func (c *Coordinator) provenanceRootsOf(ctx context.Context, d state.Dataset) (provenanceRoots, error) {
	if v, ok := c.provRoots.Load(d.ID); ok {
		return v.(provenanceRoots), nil
	}
	var pr provenanceRoots
	var all []dataset.Hash
	for _, t := range d.Tasks {
		if t.Blob == nil {
			return pr, fmt.Errorf("%w: dataset %s: task %s has no blob yet", state.ErrConflict, d.ID, t.TaskID)
		}
		recs, err := c.blobRecordHashes(ctx, *t.Blob)
		if err != nil {
			return pr, fmt.Errorf("coord: provenance root of task %s: %w", t.TaskID, err)
		}
		all = append(all, recs...)
		pr.tasks = append(pr.tasks, dataset.ProvenanceRoot(recs))
	}
	pr.all = dataset.ProvenanceRoot(all)
	c.provRoots.Store(d.ID, pr)
	return pr, nil
}

// blobRecordHashes returns the record hash of every row of a stored blob.
func (c *Coordinator) blobRecordHashes(ctx context.Context, h api.Hash) ([]dataset.Hash, error) {
	r, done, err := c.openBlob(ctx, h)
	if err != nil {
		return nil, err
	}
	defer done()
	var out []dataset.Hash
	for {
		hs, ok := r.NextHashes()
		if !ok {
			break
		}
		recs := make([]dataset.Hash, len(hs))
		if err := r.RecordHashes(recs); err != nil {
			return nil, err
		}
		out = append(out, recs...)
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	return out, nil
}
