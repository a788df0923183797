package api

import (
	"strings"
	"testing"
	"time"
)

func TestBlobGetValidate(t *testing.T) {
	runValidation(t, []validationCase{
		{name: "blob get", v: BlobGet{Hash: hash1, TaskID: "j-1.t000000"}},
		{name: "blob get zero hash", v: BlobGet{TaskID: "t"}, field: "hash", want: HashExpected},
		{name: "blob get no task", v: BlobGet{Hash: hash1}, field: "task_id", want: "an id of"},
		{name: "blob get bad task", v: BlobGet{Hash: hash1, TaskID: "a b"}, field: "task_id", want: "an id of"},
	})
}

// TestBlobGetEnvelope signs a BlobGet into the header form a node sends and
// opens it as a coordinator does; a body with a malformed hash is named
// under body.hash.
func TestBlobGetEnvelope(t *testing.T) {
	g := BlobGet{Hash: hash1, TaskID: "j-1.t000000"}
	e, err := Sign(testKey(t, 1), MethodBlobGet, g, 1, testNow.Add(time.Minute), DevDomain())
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"hash":"` + hash1.String() + `","task_id":"j-1.t000000"}`; string(e.Body) != want {
		t.Fatalf("body %s, want %s", e.Body, want)
	}
	h, err := e.Header()
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := ParseEnvelopeHeader(h)
	if err != nil {
		t.Fatal(err)
	}
	var got BlobGet
	if _, err := parsed.Open(testNow, DevDomain(), MethodBlobGet, &got); err != nil || got != g {
		t.Fatalf("open: %+v %v", got, err)
	}
	if _, err := parsed.Open(testNow, DevDomain(), MethodDatasetGet, &got); err == nil {
		t.Fatal("a blob.get envelope opened as dataset.get")
	}

	bad, err := Sign(testKey(t, 1), MethodBlobGet, map[string]string{"hash": strings.ToUpper(Hash{0xab}.String()), "task_id": "t"}, 2, testNow.Add(time.Minute), DevDomain())
	if err != nil {
		t.Fatal(err)
	}
	_, err = bad.Open(testNow, DevDomain(), MethodBlobGet, &got)
	checkFieldErr(t, err, "body.hash", HashExpected)
}
