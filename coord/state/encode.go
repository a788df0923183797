package state

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"

	"github.com/meadow-net/meadow/api"
)

// Encode writes the state as JSON, the same bytes as encoding/json's
// Encoder would (maps in key order, so two equal states encode to the same
// bytes; a newline at the end), but streamed: each map entry is encoded on
// its own and written through a buffer, instead of the whole state being
// built in memory first. A state of millions of tasks encodes to a GiB; built
// whole, that GiB and its copies as the buffer grows were garbage enough to
// keep the collector running through a snapshot, and every goroutine that
// allocated meanwhile (the FSM's among them) was made to help it
// (docs/ARCHITECTURE.md, "Snapshots off the apply path").
func (s *State) Encode(w io.Writer) error {
	e := &encoder{w: bufio.NewWriterSize(w, 256<<10)}
	e.enc = json.NewEncoder(&e.buf)
	e.w.WriteByte('{')
	field(e, "members", s.Members, false)
	field(e, "nodes", s.Nodes, false)
	field(e, "jobs", s.Jobs, false)
	// A task is written through one reused taskJSON rather than by its
	// MarshalJSON, which would allocate a record per task (and have
	// encoding/json check its bytes again): a snapshot of millions of
	// tasks then makes no garbage for the collector to chase.
	var (
		tw    taskJSON
		crawl api.CrawlTask
	)
	fieldAs(e, "tasks", s.Tasks, false, func(t *Task) any {
		t.wire(&tw, &crawl)
		return &tw
	})
	field(e, "leases", s.Leases, false)
	field(e, "datasets", s.Datasets, false)
	field(e, "domains", s.Domains, false)
	field(e, "nonces", s.Nonces, false)
	e.name("seq")
	e.value(s.Seq)
	e.name("rewards")
	e.value(s.Rewards)
	field(e, "revoked_tokens", s.RevokedTokens, true)
	field(e, "modules", s.Modules, true)
	field(e, "pipelines", s.Pipelines, true)
	e.w.WriteString("}\n")
	if e.err != nil {
		return e.err
	}
	return e.w.Flush()
}

// encoder writes JSON pieces, keeping the first error.
type encoder struct {
	w     *bufio.Writer
	buf   bytes.Buffer
	enc   *json.Encoder
	err   error
	comma bool // a field was written: the next one needs a comma
}

// name writes a field's name, after a comma unless it is the first.
func (e *encoder) name(n string) {
	if e.comma {
		e.w.WriteByte(',')
	}
	e.comma = true
	e.w.WriteByte('"')
	e.w.WriteString(n) // field names are plain ASCII
	e.w.WriteString(`":`)
}

// value writes v as encoding/json encodes it.
func (e *encoder) value(v any) {
	if e.err != nil {
		return
	}
	e.buf.Reset()
	if err := e.enc.Encode(v); err != nil {
		e.err = err
		return
	}
	b := e.buf.Bytes()
	e.w.Write(b[:len(b)-1]) // Encode ends with a newline
}

// field writes the map m as field n: null when nil, nothing at all when
// omitEmpty and empty, else its entries in key order, one at a time.
func field[V any](e *encoder, n string, m map[string]V, omitEmpty bool) {
	fieldAs(e, n, m, omitEmpty, func(v V) any { return v })
}

// fieldAs is field, each value written as what as returns for it (which
// must encode as the value does).
func fieldAs[V any](e *encoder, n string, m map[string]V, omitEmpty bool, as func(V) any) {
	if omitEmpty && len(m) == 0 {
		return
	}
	e.name(n)
	if m == nil {
		e.w.WriteString("null")
		return
	}
	e.w.WriteByte('{')
	for i, k := range sortedKeys(m) {
		if i > 0 {
			e.w.WriteByte(',')
		}
		e.value(k) // escaped as encoding/json escapes map keys
		e.w.WriteByte(':')
		e.value(as(m[k]))
	}
	e.w.WriteByte('}')
}
