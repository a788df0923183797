package coord

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/hashicorp/raft"
	"github.com/prometheus/client_golang/prometheus"
)

// A full disk.
//
// A member that cannot persist must not keep leading: its snapshots fail, its
// payment cursor cannot be saved, and raft-wal cannot preallocate the next
// segment, while the cluster waits on it. So each member watches its data
// dir: every DiskCheckInterval it reads the free space, and a member with
// less than DiskReserve free, or whose last snapshot failed to persist within
// the last minute, hands leadership on (and keeps handing it on while the
// condition lasts), logging what it needs. A failed snapshot's temporary
// directory is removed at once (hashicorp/raft leaves it behind when the
// flush itself fails), and leftovers of a crash are removed at start. A
// member whose disk cannot hold the first log segment fails at start with an
// error that says how much it needs.

// snapshotsDir is where hashicorp/raft's FileSnapshotStore keeps snapshots
// under the data dir; a snapshot being written ends in ".tmp".
const snapshotsDir = "snapshots"

// persistRecent is how long a failed snapshot counts against leading.
const persistRecent = time.Minute

// diskWatch is what the last check of the data dir found.
type diskWatch struct {
	mu        sync.Mutex
	free      uint64 // bytes available to this process, at the last check
	known     bool
	low       bool
	persistAt time.Time // when a snapshot last failed to persist
	persist   error

	failures atomic.Uint64 // snapshots that failed to persist
	active   atomic.Int32  // snapshots being written (taken or installed)
}

// watchedSnapshots is the snapshot store as the disk check sees it: it
// reports every snapshot that fails to be written (at Create, Write or
// Close, for snapshots taken and snapshots installed from the leader alike)
// and counts those being written, so that temporary directories are removed
// only while none is.
type watchedSnapshots struct {
	raft.SnapshotStore
	w      *diskWatch
	report func(error)
}

func (s *watchedSnapshots) Create(version raft.SnapshotVersion, index, term uint64, configuration raft.Configuration,
	configurationIndex uint64, trans raft.Transport) (raft.SnapshotSink, error) {
	sink, err := s.SnapshotStore.Create(version, index, term, configuration, configurationIndex, trans)
	if err != nil {
		s.report(err)
		return nil, err
	}
	s.w.active.Add(1)
	return &watchedSink{SnapshotSink: sink, s: s}, nil
}

type watchedSink struct {
	raft.SnapshotSink
	s    *watchedSnapshots
	done atomic.Bool
}

func (k *watchedSink) Write(p []byte) (int, error) {
	n, err := k.SnapshotSink.Write(p)
	if err != nil {
		k.s.report(err)
	}
	return n, err
}

func (k *watchedSink) Close() error {
	err := k.SnapshotSink.Close()
	if err != nil {
		k.s.report(err)
	}
	k.end()
	return err
}

func (k *watchedSink) Cancel() error {
	err := k.SnapshotSink.Cancel()
	k.end()
	return err
}

func (k *watchedSink) end() {
	if k.done.CompareAndSwap(false, true) {
		k.s.w.active.Add(-1)
	}
}

// DiskReport is a member's view of its own data dir.
type DiskReport struct {
	FreeBytes    uint64 `json:"free_bytes"`
	ReserveBytes int64  `json:"reserve_bytes"`
	// Low is set while free space is under the reserve; PersistError is
	// the last snapshot failure within the last minute. Either keeps the
	// member from leading.
	Low          bool   `json:"low"`
	PersistError string `json:"persist_error,omitempty"`
}

// Disk returns the last check of this member's data dir.
func (c *Coordinator) Disk() DiskReport {
	w := &c.diskw
	w.mu.Lock()
	defer w.mu.Unlock()
	r := DiskReport{FreeBytes: w.free, ReserveBytes: c.cfg.DiskReserve, Low: w.low}
	if w.persist != nil && c.clock().Sub(w.persistAt) < persistRecent {
		r.PersistError = w.persist.Error()
	}
	return r
}

// diskLoop checks the data dir every DiskCheckInterval until ctx ends.
func (c *Coordinator) diskLoop(ctx context.Context) {
	t := time.NewTicker(c.cfg.DiskCheckInterval)
	defer t.Stop()
	for {
		c.checkDisk()
		if r := c.Disk(); (r.Low || r.PersistError != "") && c.IsLeader() {
			c.log.Error("this member cannot persist reliably: handing leadership on",
				"data_dir", c.cfg.DataDir, "free_bytes", r.FreeBytes, "reserve_bytes", r.ReserveBytes, "persist_error", r.PersistError)
			if err := c.raft.LeadershipTransfer().Error(); err != nil {
				c.log.Warn("leadership transfer", "err", err)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// checkDisk reads the free space and, while no snapshot is being written,
// removes temporary snapshot directories left by failures.
func (c *Coordinator) checkDisk() {
	free, err := freeBytes(c.cfg.DataDir)
	w := &c.diskw
	w.mu.Lock()
	was := w.low
	w.known = err == nil
	if err == nil {
		w.free = free
		w.low = free < uint64(c.cfg.DiskReserve)
	}
	low := w.low
	w.mu.Unlock()
	switch {
	case low && !was:
		c.log.Error("data dir is nearly full: this member will not lead until space is freed",
			"data_dir", c.cfg.DataDir, "free_bytes", free, "needs_bytes", c.cfg.DiskReserve)
	case was && !low:
		c.log.Info("data dir has space again", "free_bytes", free)
	}
	if w.active.Load() == 0 {
		c.cleanSnapshotTemps()
	}
}

// snapshotPersisted records a snapshot that failed to be written.
func (c *Coordinator) snapshotPersisted(err error) {
	if err == nil {
		return
	}
	w := &c.diskw
	w.failures.Add(1)
	w.mu.Lock()
	w.persist, w.persistAt = err, c.clock()
	w.mu.Unlock()
	c.log.Error("snapshot failed to persist", "data_dir", c.cfg.DataDir, "err", err)
}

// cleanSnapshotTemps removes snapshots/*.tmp: directories of snapshots that
// never completed. It must not run while a snapshot is being written.
func (c *Coordinator) cleanSnapshotTemps() {
	tmps, _ := filepath.Glob(filepath.Join(c.cfg.DataDir, snapshotsDir, "*.tmp"))
	for _, d := range tmps {
		if err := os.RemoveAll(d); err != nil {
			c.log.Warn("remove a failed snapshot's temporary directory", "path", d, "err", err)
			continue
		}
		c.log.Info("removed a failed snapshot's temporary directory", "path", d)
	}
}

// checkStartSpace refuses to open a new Raft log where the first segment
// cannot be preallocated, with an error that says how much is needed,
// instead of raft-wal's bare "no space left on device".
func checkStartSpace(dir string, segment int) error {
	if ents, err := os.ReadDir(filepath.Join(dir, "wal")); err == nil && len(ents) > 0 {
		return nil // an existing log has its segment already
	}
	free, err := freeBytes(dir)
	if err != nil {
		return nil // cannot tell: let raft-wal try
	}
	if need := uint64(segment) + 1<<20; free < need {
		return fmt.Errorf("%w: data dir %s has %d MiB free; the Raft log preallocates segments of %d MiB (--wal-segment-size) and needs %d MiB to start: free space, move --data-dir, or choose a smaller segment",
			ErrDiskFull, dir, free>>20, segment>>20, need>>20)
	}
	return nil
}

// explainNoSpace adds the remedy to an error caused by a full disk.
func explainNoSpace(err error, dir string) error {
	if errors.Is(err, syscall.ENOSPC) {
		return fmt.Errorf("%w: %s: %w", ErrDiskFull, dir, err)
	}
	return err
}

// diskCollector reports the data dir's state at scrape time.
type diskCollector struct{ c *Coordinator }

var (
	descDiskFree     = prometheus.NewDesc("meadow_disk_free_bytes", "Bytes free in this member's data dir, at the last check.", nil, nil)
	descDiskLow      = prometheus.NewDesc("meadow_disk_low", "1 while free space is under --disk-reserve (the member does not lead).", nil, nil)
	descPersistFails = prometheus.NewDesc("meadow_snapshot_persist_failures_total", "Snapshots that failed to persist.", nil, nil)
)

func (k *diskCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- descDiskFree
	ch <- descDiskLow
	ch <- descPersistFails
}

func (k *diskCollector) Collect(ch chan<- prometheus.Metric) {
	r := k.c.Disk()
	low := 0.0
	if r.Low {
		low = 1
	}
	ch <- prometheus.MustNewConstMetric(descDiskFree, prometheus.GaugeValue, float64(r.FreeBytes))
	ch <- prometheus.MustNewConstMetric(descDiskLow, prometheus.GaugeValue, low)
	ch <- prometheus.MustNewConstMetric(descPersistFails, prometheus.CounterValue, float64(k.c.diskw.failures.Load()))
}
