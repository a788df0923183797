package verify

import (
	"crypto/sha256"
	"fmt"
	"slices"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/dataset"
)

// rows returns n distinct row hashes named by tag: rows("a", 3) and
// rows("b", 3) never share a hash.
func rows(tag string, n int) []api.Hash {
	out := make([]api.Hash, n)
	for i := range out {
		out[i] = api.Hash(sha256.Sum256(fmt.Appendf(nil, "%s-%d", tag, i)))
	}
	return out
}

// cat concatenates row lists into a new slice.
func cat(lists ...[]api.Hash) []api.Hash {
	var out []api.Hash
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// revealed is a replica that committed and revealed rows.
func revealed(node string, rs []api.Hash) Replica {
	return Replica{Node: node, Operator: node, Rows: rs, Root: contentRoot(rs), Committed: true, Revealed: true}
}

// contentRoot is the content root of rs, leaving rs as it was.
func contentRoot(rs []api.Hash) api.Hash {
	hs := make([]dataset.Hash, len(rs))
	for i, h := range rs {
		hs[i] = dataset.Hash(h)
	}
	return api.Hash(dataset.ContentRoot(hs))
}

// sorted returns a sorted copy of rs.
func sorted(rs []api.Hash) []api.Hash {
	out := slices.Clone(rs)
	slices.SortFunc(out, func(a, b api.Hash) int { return dataset.CompareHash(dataset.Hash(a), dataset.Hash(b)) })
	return out
}
