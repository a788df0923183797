package state

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/meadow-net/meadow/api"
)

// Encode streams the state but writes exactly the bytes encoding/json
// writes for it: digests and snapshots of one state are the same whichever
// wrote them, including HTML-escaped and non-ASCII keys, nil and empty maps,
// and the fields left out while empty.
func TestEncodeMatchesEncodingJSON(t *testing.T) {
	full := New()
	full.Members["c1"] = &Member{ID: "c1"}
	full.Nodes["0xab"] = &Node{}
	full.Jobs["j1"] = &Job{}
	for _, id := range []string{"j1.t2", "j1.t1", "j1.t10", "ü<&>\u2028"} {
		full.Tasks[id] = &Task{ID: id}
	}
	full.Leases["l1"] = &Lease{ID: "l1"}
	full.Datasets["ds-j1"] = &Dataset{ID: "ds-j1"}
	full.Domains["a.example"] = Domain{}
	full.Nonces["0xab"] = api.NonceWindow{Floor: 3, Recent: []uint64{5, 4}}
	full.Seq = 7
	full.RevokedTokens = map[string]int64{"0xab/1": 9}
	full.Modules = map[string]*Module{"aa": {}}
	full.Pipelines = map[string]*Pipeline{"p1": {}}

	bare := &State{} // every map nil
	emptied := New()
	emptied.RevokedTokens = map[string]int64{}
	for name, s := range map[string]*State{"full": full, "new": New(), "nil maps": bare, "empty maps": emptied} {
		t.Run(name, func(t *testing.T) {
			var want, got bytes.Buffer
			if err := json.NewEncoder(&want).Encode(s); err != nil {
				t.Fatal(err)
			}
			if err := s.Encode(&got); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Bytes(), want.Bytes()) {
				t.Fatalf("Encode wrote\n%s\nencoding/json writes\n%s", got.Bytes(), want.Bytes())
			}
			back, err := Decode(&got)
			if err != nil {
				t.Fatal(err)
			}
			var again bytes.Buffer
			if err := back.Encode(&again); err != nil {
				t.Fatal(err)
			}
			if name == "full" && !bytes.Equal(again.Bytes(), want.Bytes()) {
				t.Fatal("decoding and encoding again changed the bytes")
			}
		})
	}
}

// Encode names State's fields one by one: a field added to State must be
// added there too, or snapshots would silently lose it.
func TestEncodeCoversEveryField(t *testing.T) {
	var names []string
	for f := range reflect.TypeFor[State]().Fields() {
		if f.IsExported() {
			names = append(names, strings.Split(f.Tag.Get("json"), ",")[0])
		}
	}
	want := []string{"members", "nodes", "jobs", "tasks", "leases", "datasets", "domains", "nonces", "seq", "rewards", "revoked_tokens", "modules", "pipelines"}
	if !slices.Equal(names, want) {
		t.Fatalf("State's fields are %v; Encode (encode.go) writes %v: add the new field there, in the struct's order", names, want)
	}
}
