package coord

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/coord/blob"
)

// checkRequest is a well-formed check request body with n accepted hashes.
func checkRequest(n int) []byte {
	head, _ := json.Marshal(checkRequestHead{stagedCheck: stagedCheck{
		Object: blob.StagedObject{Key: "meadow/uploads/j.t000000/0xab", Size: 10, ETag: "e"},
		Node:   "0x" + string(bytes.Repeat([]byte("ab"), 20)),
		Upload: api.Upload{TaskID: "j.t000000", LeaseID: "l1", SHA256: api.Hash{1}, Size: 10},
		TaskID: "j.t000000",
	}, Accepted: n})
	raw := append(head, '\n')
	for i := range n {
		raw = append(raw, bytes.Repeat([]byte{byte(i + 1)}, 32)...)
	}
	return raw
}

// The checker's request parser refuses what is not a whole request: a
// missing line end, a bad JSON line, a count out of range, hashes short of
// the count, an upload that does not validate. Each is ErrInvalid.
func TestReadCheckRequest(t *testing.T) {
	head, acc, err := readCheckRequest(bytes.NewReader(checkRequest(3)))
	if err != nil || len(acc) != 3 || acc[2] != (api.Hash{3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3}) || head.TaskID != "j.t000000" {
		t.Fatalf("a good request: %+v %v %v", head, acc, err)
	}
	good := checkRequest(3)
	for name, raw := range map[string][]byte{
		"empty":          nil,
		"no line end":    []byte(`{"accepted":0}`),
		"not JSON":       []byte("nope\n"),
		"negative count": []byte(`{"accepted":-1}` + "\n"),
		"huge count":     []byte(`{"accepted":99999999}` + "\n"),
		"short hashes":   good[:len(good)-5],
		"bad upload":     []byte(`{"upload":{"task_id":"","size":-1},"accepted":0}` + "\n"),
	} {
		if _, _, err := readCheckRequest(bytes.NewReader(raw)); !errors.Is(err, ErrInvalid) && !errors.As(err, new(*api.FieldError)) {
			t.Errorf("%s: %v, want a refusal", name, err)
		}
	}
}

// FuzzReadCheckRequest: any body is parsed or refused, never a panic, and
// a parsed one has exactly the hashes its count says.
func FuzzReadCheckRequest(f *testing.F) {
	f.Add(checkRequest(0))
	f.Add(checkRequest(2))
	f.Add([]byte(`{"accepted":1}` + "\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		head, acc, err := readCheckRequest(bytes.NewReader(b))
		if err != nil {
			return
		}
		if len(acc) != head.Accepted {
			t.Fatalf("%d hashes for a count of %d", len(acc), head.Accepted)
		}
	})
}
