package blob

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the package's Prometheus collectors. One value serves a Store,
// its Replicator and its Handler; a nil *Metrics records nothing. There are
// no package-level collectors: each coordinator registers its own, so that
// several coordinators can live in one process (tests, meadow dev).
type Metrics struct {
	stored      prometheus.Counter
	storedBytes prometheus.Counter
	blobs       prometheus.Gauge
	bytes       prometheus.Gauge
	counted     prometheus.Gauge
	rejected    *prometheus.CounterVec
	replication prometheus.Histogram
	pushes      *prometheus.CounterVec
	pushFails   *prometheus.CounterVec
	pending     prometheus.Gauge
	dropped     prometheus.Counter
	fetches     *prometheus.CounterVec
	redirected  prometheus.Counter
}

// NewMetrics creates the collectors and registers them with reg; a nil reg
// leaves them unregistered (they still count).
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	const ns, sub = "meadow", "blob"
	m := &Metrics{
		stored: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: ns, Subsystem: sub, Name: "stored_total",
			Help: "Blobs written to this coordinator's store (not counting ones it already held).",
		}),
		storedBytes: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: ns, Subsystem: sub, Name: "stored_bytes_total",
			Help: "Bytes of the blobs written to this coordinator's store.",
		}),
		blobs: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: ns, Subsystem: sub, Name: "local_blobs",
			Help: "Blobs held in this coordinator's store: its disk, or with an object store the shared bucket (see local_counted_timestamp_seconds).",
		}),
		bytes: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: ns, Subsystem: sub, Name: "local_bytes",
			Help: "Bytes of the blobs held in this coordinator's store: its disk, or with an object store the shared bucket.",
		}),
		counted: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: ns, Subsystem: sub, Name: "local_counted_timestamp_seconds",
			Help: "With an object store: when its bucket's blobs were last listed (Unix seconds), the count local_blobs and local_bytes start from; they follow this member's own writes since. 0 with blobs on the member's disk, whose gauges are always exact.",
		}),
		rejected: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: ns, Subsystem: sub, Name: "rejected_total",
			Help: "Blob writes refused, by reason (digest, size), and objects of the object store found not to hash to their name on a read or check (corrupt).",
		}, []string{"reason"}),
		replication: prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: ns, Subsystem: sub, Name: "replication_seconds",
			Help: "Time from the start of Replicate until a majority of the cluster held the blob.",
			// From a loopback push of a small blob (~1 ms) to a 1 GiB blob
			// over a slow WAN link (minutes).
			Buckets: prometheus.ExponentialBuckets(0.001, 4, 10),
		}),
		pushes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: ns, Subsystem: sub, Name: "peer_pushes_total",
			Help: "Blobs pushed to a peer that accepted them, by peer.",
		}, []string{"peer"}),
		pushFails: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: ns, Subsystem: sub, Name: "peer_push_failures_total",
			Help: "Failed attempts to push a blob to a peer, by peer.",
		}, []string{"peer"}),
		pending: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: ns, Subsystem: sub, Name: "pending_pushes",
			Help: "Pushes queued for the background loop (peers that were down or slow).",
		}),
		dropped: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: ns, Subsystem: sub, Name: "pending_dropped_total",
			Help: "Background pushes dropped because the queue was full; the peer's repair loop fetches those blobs instead.",
		}),
		fetches: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: ns, Subsystem: sub, Name: "fetches_total",
			Help: "Attempts to fetch a missing blob from a peer, by result (ok, not_found, digest_mismatch, error).",
		}, []string{"result"}),
		redirected: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: ns, Subsystem: sub, Name: "reads_redirected_total",
			Help: "Reads of a blob answered with a presigned URL of the object store (307), whose bytes did not pass through this coordinator.",
		}),
	}
	if reg != nil {
		for _, c := range []prometheus.Collector{
			m.stored, m.storedBytes, m.blobs, m.bytes, m.counted, m.rejected, m.replication,
			m.pushes, m.pushFails, m.pending, m.dropped, m.fetches, m.redirected,
		} {
			if err := reg.Register(c); err != nil {
				return nil, err
			}
		}
	}
	return m, nil
}

func (m *Metrics) addStored(size int64) {
	if m == nil {
		return
	}
	m.stored.Inc()
	m.storedBytes.Add(float64(size))
	m.blobs.Inc()
	m.bytes.Add(float64(size))
}

func (m *Metrics) addRemoved(size int64) {
	if m == nil {
		return
	}
	m.blobs.Dec()
	m.bytes.Sub(float64(size))
}

func (m *Metrics) setLocal(n, size int64) {
	if m == nil {
		return
	}
	m.blobs.Set(float64(n))
	m.bytes.Set(float64(size))
}

func (m *Metrics) setCounted(at time.Time) {
	if m == nil {
		return
	}
	m.counted.Set(float64(at.UnixMilli()) / 1000)
}

func (m *Metrics) reject(reason string) {
	if m == nil {
		return
	}
	m.rejected.WithLabelValues(reason).Inc()
}

func (m *Metrics) replicated(d time.Duration) {
	if m == nil {
		return
	}
	m.replication.Observe(d.Seconds())
}

func (m *Metrics) pushed(peer string, err error) {
	if m == nil {
		return
	}
	if err != nil {
		m.pushFails.WithLabelValues(peer).Inc()
		return
	}
	m.pushes.WithLabelValues(peer).Inc()
}

func (m *Metrics) setPending(n int) {
	if m == nil {
		return
	}
	m.pending.Set(float64(n))
}

func (m *Metrics) droppedPush() {
	if m == nil {
		return
	}
	m.dropped.Inc()
}

func (m *Metrics) fetched(result string) {
	if m == nil {
		return
	}
	m.fetches.WithLabelValues(result).Inc()
}

func (m *Metrics) readRedirected() {
	if m != nil {
		m.redirected.Inc()
	}
}
