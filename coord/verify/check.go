package verify

import (
	"fmt"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/dataset"
)

// CheckReveal checks a reveal against its commitment: the same task and
// lease, as many row hashes as committed rows, and hashes that, sorted, give
// the committed content root (dataset.ContentRoot, RFC 6962 over the sorted
// hashes). The error wraps ErrRevealMismatch and names the field that
// differs with both values. The reveal is not modified.
func CheckReveal(commit api.Commitment, reveal api.Reveal) error {
	if err := reveal.Matches(commit); err != nil {
		return fmt.Errorf("%w: %w", ErrRevealMismatch, err)
	}
	hs := make([]dataset.Hash, len(reveal.RowHashes))
	for i, h := range reveal.RowHashes {
		hs[i] = dataset.Hash(h)
	}
	if root := api.Hash(dataset.ContentRoot(hs)); root != commit.Root {
		return fmt.Errorf("%w: row_hashes: the %d hashes give content root %s, expected the committed root %s",
			ErrRevealMismatch, len(hs), root, commit.Root)
	}
	return nil
}

// CheckBlob checks an uploaded blob against a verified task's accepted rows.
// rowHashes are the hashes recomputed from the blob's rows, in file order;
// accepted is Verdict.Accepted (a multiset: a hash listed twice needs two
// rows). It returns the indexes, ascending, of the rows to keep: for each
// accepted hash, its first occurrences in the blob, as many as were
// accepted. Rows that were not accepted, and extra copies, are dropped.
// When an accepted row is missing the error wraps ErrMissingRow and names
// the first such hash in the order of accepted, and how many rows are
// missing in all.
func CheckBlob(rowHashes, accepted []api.Hash) (keep []int, err error) {
	want := make(map[api.Hash]int, len(accepted))
	for _, h := range accepted {
		want[h]++
	}
	keep = make([]int, 0, len(accepted))
	for i, h := range rowHashes {
		if want[h] > 0 {
			want[h]--
			keep = append(keep, i)
		}
	}
	if missing := len(accepted) - len(keep); missing > 0 {
		for _, h := range accepted {
			if want[h] > 0 {
				return nil, fmt.Errorf("%w: row %s is accepted but not in the blob's %d rows (%d accepted rows missing in all)",
					ErrMissingRow, h, len(rowHashes), missing)
			}
		}
	}
	return keep, nil
}
