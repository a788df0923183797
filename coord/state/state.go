package state

import (
	"encoding/json"

	"github.com/meadow-net/meadow/api"
	"io"
	"maps"
	"slices"
)

// State is the whole replicated state. Its exported fields are what a
// snapshot holds; indexes derived from them are rebuilt on Restore.
type State struct {
	// Members are the coordinators, by Raft server id.
	Members map[string]*Member `json:"members"`
	// Nodes are the registered home nodes, by address.
	Nodes map[string]*Node `json:"nodes"`
	// Jobs, Tasks, Leases and Datasets by id.
	Jobs     map[string]*Job     `json:"jobs"`
	Tasks    map[string]*Task    `json:"tasks"`
	Leases   map[string]*Lease   `json:"leases"`
	Datasets map[string]*Dataset `json:"datasets"`
	// Domains are the crawl rates of hosts, by host name.
	Domains map[string]Domain `json:"domains"`
	// Nonces are the replay windows of the signers of requests, by
	// lowercase address.
	Nonces map[string]api.NonceWindow `json:"nonces"`
	// Seq is the last task sequence number given out.
	Seq uint64 `json:"seq"`
	// Rewards are the payments seen and the epochs settled.
	Rewards Rewards `json:"rewards"`
	// RevokedTokens are the read tokens revoked, "buyer/id" → unix ms until
	// which the revocation is kept (readtoken.go); absent while empty, so
	// that a state without any encodes as before.
	RevokedTokens map[string]int64 `json:"revoked_tokens,omitempty"`
	// Modules are buyers' WebAssembly modules by SHA-256 (modules.go);
	// absent while empty, so that a state without any encodes as before.
	Modules map[string]*Module `json:"modules,omitempty"`
	// Pipelines are buyers' pipelines by id (pipelines.go); absent while
	// empty, so that a state without any encodes as before.
	Pipelines map[string]*Pipeline `json:"pipelines,omitempty"`

	idx index
}

// New returns an empty state.
func New() *State {
	s := &State{}
	s.fill()
	s.idx = newIndex()
	return s
}

// Decode reads a state written by Encode.
func Decode(r io.Reader) (*State, error) {
	s := &State{}
	if err := json.NewDecoder(r).Decode(s); err != nil {
		return nil, err
	}
	s.fill()
	s.repack()
	s.rebuild()
	return s, nil
}

// fill replaces nil maps left by decoding an older snapshot.
func (s *State) fill() {
	if s.Members == nil {
		s.Members = map[string]*Member{}
	}
	if s.Nodes == nil {
		s.Nodes = map[string]*Node{}
	}
	if s.Jobs == nil {
		s.Jobs = map[string]*Job{}
	}
	if s.Tasks == nil {
		s.Tasks = map[string]*Task{}
	}
	if s.Leases == nil {
		s.Leases = map[string]*Lease{}
	}
	if s.Datasets == nil {
		s.Datasets = map[string]*Dataset{}
	}
	if s.Nonces == nil {
		s.Nonces = map[string]api.NonceWindow{}
	}
	if s.Domains == nil {
		s.Domains = map[string]Domain{}
	}
	if s.Modules == nil {
		s.Modules = map[string]*Module{}
	}
	if s.Pipelines == nil {
		s.Pipelines = map[string]*Pipeline{}
	}
	s.Rewards.fill()
}

// sortedKeys returns a map's keys in order: every walk over a map that can
// change the state goes through it, because Go randomizes map order and
// replicas must make the same changes in the same order.
func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}
