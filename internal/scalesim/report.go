package scalesim

import (
	"fmt"
	"io"
	"time"
)

// Header is the first line of a table of Steps (Fprint).
const Header = "active  reg      leases/s  work p50/p99 ms  commit p50/p99  reveal p50/p99  upload p50/p99  errs  late  entries/s  WAL KB/s  cores  heap MB  RSS MB  snap MB  snap ms  load"

// Fprint writes st as a row of Header's table.
func Fprint(w io.Writer, st Step) {
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	var errs int64
	for _, o := range st.Ops {
		errs += o.Errors
	}
	secs := (st.Duration + st.Tail).Seconds()
	fmt.Fprintf(w, "%-7d %-8d %-9.1f %6.1f / %-7.1f %5.1f / %-7.1f %5.1f / %-7.1f %5.1f / %-7.1f %-5d %-5d %-10.0f %-9.0f %-6.2f %-8.0f %-7.0f %-8.1f %-8.0f %s\n",
		st.Active, st.Registered, st.LeasesPerSec(),
		ms(st.Ops[OpWork].P50), ms(st.Ops[OpWork].P99),
		ms(st.Ops[OpCommit].P50), ms(st.Ops[OpCommit].P99),
		ms(st.Ops[OpReveal].P50), ms(st.Ops[OpReveal].P99),
		ms(st.Ops[OpUpload].P50), ms(st.Ops[OpUpload].P99),
		errs, st.Late, float64(st.Applied)/secs, float64(st.WALBytes)/1024/secs, st.CPU,
		float64(st.HeapAlloc)/(1<<20), float64(st.RSS)/(1<<20), float64(st.SnapshotLen)/(1<<20), ms(st.SnapshotDur), st.Load)
}
