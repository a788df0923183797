package devnet

import (
	"reflect"
	"testing"

	"github.com/meadow-net/meadow/dataset"
)

// TestTamperComputeAltersEveryType: the faulty node alters the first
// kernel output of its rows whatever the column's type. A type it left
// alone would let it agree on every task of that kind and earn adaptive
// replication's trust, after which its altered rows of later tasks would
// reach datasets unchecked (a CI failure of TestWasmJobsEndToEnd).
func TestTamperComputeAltersEveryType(t *testing.T) {
	samples := map[dataset.ColumnType]any{
		dataset.TypeString:     "text",
		dataset.TypeInt64:      int64(7),
		dataset.TypeBytes:      []byte{1, 2},
		dataset.TypeUint32List: []uint32{1, 2},
		dataset.TypeInt32List:  []int32{1, 2},
		dataset.TypeUint64List: []uint64{1, 2},
		dataset.TypeFloat64:    -1.0,
		dataset.TypeBool:       true,
		dataset.TypeStringList: []string{},
		dataset.TypeInt64List:  []int64{1, 2},
	}
	for typ := dataset.ColumnType(1); typ < 255; typ++ {
		if _, err := typ.MarshalText(); err != nil {
			continue // no such type
		}
		v, ok := samples[typ]
		if !ok {
			t.Errorf("column type %s has no sample here: add one, and a case to tamperCompute", typ)
			continue
		}
		s := dataset.Schema{Kind: dataset.KindCompute, Columns: []dataset.Column{
			{Name: dataset.ColSourceHash, Type: dataset.TypeBytes, Role: dataset.RoleContent},
			{Name: "out", Type: typ, Role: dataset.RoleContent},
		}}
		for _, first := range []byte{0, 3, 1} {
			r := dataset.Row{[]byte{first, 9}, v}
			got := Tamper(s, r)
			altered := !reflect.DeepEqual(got[1], v)
			if want := first%3 == 0; altered != want {
				t.Errorf("%s, source hash %x: altered %v (%#v), want %v", typ, r[0], altered, got[1], want)
			}
			if !reflect.DeepEqual(r[1], v) {
				t.Errorf("%s: Tamper changed its input row", typ)
			}
		}
	}
}
