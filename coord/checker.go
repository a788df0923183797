package coord

import (
	"bufio"
	"bytes"
	"context"
	"crypto/subtle"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/coord/blob"
	"github.com/meadow-net/meadow/coord/state"
)

// Checkers (issue 16, "coordinator CPU per GB uploaded: near zero"). With
// an object store, a presigned upload's bytes never reach a coordinator,
// but its check did: reading the staged object back, hashing every row and
// recovering every row's signature (keepAccepted) is nearly all the CPU a
// cluster spends per GB, and it cannot be sampled away (buyers verify every
// row's signature). A checker is a stateless process (`meadow checker`)
// that does that byte work for the members: it holds no Raft state, reads
// and writes only the bucket, and any number of them may run, anywhere the
// bucket is near. A member that checks a staged upload sends the checker
// the object's key and version, the uploader, what it signed and the task's
// accepted row hashes; the checker answers the blob to record, or the
// refusal naming the field. The member then only records it (one Raft
// command) and removes the staged object. Without checkers, or when none
// answers, the member checks itself, as before.

// RouteCheckStaged is the checker's route (POST, the cluster token in
// blob.TokenHeader): the body is a stagedCheck as one JSON line, then the
// accepted row hashes, 32 bytes each, as many as its "accepted" says.
const RouteCheckStaged = "/v1/check/staged"

// checkRequestHead is the JSON line of a check request.
type checkRequestHead struct {
	stagedCheck
	Accepted int `json:"accepted"`
}

// maxCheckHead bounds the JSON line of a check request.
const maxCheckHead = 64 << 10

// CheckerConfig configures a checker.
type CheckerConfig struct {
	// ObjectStore is the cluster's bucket, as the members name it.
	ObjectStore *ObjectStoreConfig
	// DataDir holds the files a check spools (DataDir/uploads).
	DataDir string
	// ClusterToken is the members' shared secret: the checker answers
	// only requests that carry it.
	ClusterToken string
	Logger       *slog.Logger
	// Registry receives the checker's metrics (default: its own).
	Registry *prometheus.Registry
}

// Checker checks staged uploads for the members of a cluster.
type Checker struct {
	cfg     CheckerConfig
	store   *blob.S3
	log     *slog.Logger
	reg     *prometheus.Registry
	checked prometheus.Counter
	refused prometheus.Counter
	bytes   prometheus.Counter
}

// NewChecker opens the bucket (checking that it can be reached) and returns
// a checker; serve it with its Handler.
func NewChecker(cfg CheckerConfig) (*Checker, error) {
	if cfg.ObjectStore == nil {
		return nil, invalidf("config.object_store: expected the cluster's bucket (a checker reads staged uploads from it)")
	}
	if err := cfg.ObjectStore.validate(); err != nil {
		return nil, err
	}
	if cfg.DataDir == "" {
		return nil, invalidf("config.data_dir: expected a directory for the files a check spools")
	}
	if cfg.ClusterToken == "" {
		return nil, invalidf("config.cluster_token: expected the members' shared secret (a checker answers no one else)")
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	reg := cfg.Registry
	if reg == nil {
		reg = prometheus.NewRegistry()
	}
	k := &Checker{cfg: cfg, log: log, reg: reg,
		checked: prometheus.NewCounter(prometheus.CounterOpts{Name: "meadow_checker_checked_total", Help: "Staged uploads this checker checked and stored under their names."}),
		refused: prometheus.NewCounter(prometheus.CounterOpts{Name: "meadow_checker_refused_total", Help: "Staged uploads this checker refused (size, digest, rows or signatures)."}),
		bytes:   prometheus.NewCounter(prometheus.CounterOpts{Name: "meadow_checker_bytes_total", Help: "Bytes of the staged uploads this checker read back."}),
	}
	for _, m := range []prometheus.Collector{k.checked, k.refused, k.bytes} {
		if err := reg.Register(m); err != nil {
			return nil, fmt.Errorf("checker: metrics: %w", err)
		}
	}
	bm, err := blob.NewMetrics(reg)
	if err != nil {
		return nil, fmt.Errorf("checker: blob metrics: %w", err)
	}
	if k.store, err = openObjectStore(cfg.ObjectStore, filepath.Join(cfg.DataDir, "uploads"), log.With("sub", "blob"), bm); err != nil {
		return nil, err
	}
	return k, nil
}

// Handler serves RouteCheckStaged, /healthz and /metrics.
func (k *Checker) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+RouteCheckStaged, k.serveCheck)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok\n") })
	mux.Handle("GET /metrics", promhttp.HandlerFor(k.reg, promhttp.HandlerOpts{}))
	return mux
}

// Checked returns how many staged uploads this checker checked and stored.
func (k *Checker) Checked() int { return counterValue(k.checked) }

func (k *Checker) serveCheck(w http.ResponseWriter, r *http.Request) {
	if subtle.ConstantTimeCompare([]byte(r.Header.Get(blob.TokenHeader)), []byte(k.cfg.ClusterToken)) != 1 {
		writeCheckError(w, http.StatusUnauthorized, api.ErrorDetail{Code: blob.CodeUnauthorized, Field: blob.TokenHeader, Message: "checker: expected the cluster token"})
		return
	}
	head, accepted, err := readCheckRequest(r.Body)
	if err != nil {
		status, body := errorBody(err)
		writeCheckError(w, status, body.Error)
		return
	}
	b, err := checkStagedObject(r.Context(), k.store, k.store, filepath.Join(k.cfg.DataDir, "uploads"), head.stagedCheck, accepted)
	if err != nil {
		if errors.As(err, new(stagedRefusal)) {
			k.refused.Inc()
		} else {
			k.log.Warn("check of a staged upload failed", "key", head.Object.Key, "err", err)
		}
		status, body := errorBody(err)
		writeCheckError(w, status, body.Error)
		return
	}
	k.checked.Inc()
	k.bytes.Add(float64(head.Upload.Size))
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(b)
}

func writeCheckError(w http.ResponseWriter, status int, d api.ErrorDetail) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(api.ErrorBody{Error: d})
}

// readCheckRequest reads a check request's JSON line and its accepted row
// hashes.
func readCheckRequest(body io.Reader) (checkRequestHead, []api.Hash, error) {
	br := bufio.NewReaderSize(body, 64<<10)
	line, err := br.ReadSlice('\n')
	if err != nil {
		return checkRequestHead{}, nil, invalidf("check request: expected a JSON line of at most %d bytes, then the accepted row hashes: %v", maxCheckHead, err)
	}
	var head checkRequestHead
	if err := json.Unmarshal(line, &head); err != nil {
		return checkRequestHead{}, nil, invalidf("check request: %v", err)
	}
	if head.Accepted < 0 || head.Accepted > api.MaxTaskRows {
		return checkRequestHead{}, nil, invalidf("check request: accepted %d: expected 0 to %d row hashes", head.Accepted, api.MaxTaskRows)
	}
	if err := head.Upload.Validate(); err != nil {
		return checkRequestHead{}, nil, err
	}
	accepted := make([]api.Hash, head.Accepted)
	for i := range accepted {
		if _, err := io.ReadFull(br, accepted[i][:]); err != nil {
			return checkRequestHead{}, nil, invalidf("check request: accepted row hash %d of %d: %v", i, head.Accepted, err)
		}
	}
	return head, accepted, nil
}

// errNoChecker: no checker answered a check; the member checks itself.
var errNoChecker = errors.New("coord: no checker answered")

// checkers is a member's client of the cluster's checkers.
type checkers struct {
	urls  []string
	token string
	hc    *http.Client
	next  atomic.Uint32 // the checker tried first, round robin
	// remote counts the checks a checker did for this member; local those
	// it did itself although checkers are configured (none answered).
	remote, local prometheus.Counter
}

func newCheckers(urls []string, token string, tlsc *tls.Config, reg prometheus.Registerer) (*checkers, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if tlsc != nil {
		tr.TLSClientConfig = tlsc
	}
	k := &checkers{urls: urls, token: token, hc: &http.Client{Transport: tr},
		remote: prometheus.NewCounter(prometheus.CounterOpts{Name: "meadow_uploads_checked_by_checker_total", Help: "Staged uploads a checker (meadow checker) checked for this member."}),
		local:  prometheus.NewCounter(prometheus.CounterOpts{Name: "meadow_uploads_checked_without_checker_total", Help: "Staged uploads this member checked itself although checkers are configured, because none answered."}),
	}
	for _, m := range []prometheus.Collector{k.remote, k.local} {
		if err := reg.Register(m); err != nil {
			return nil, fmt.Errorf("coord: checker metrics: %w", err)
		}
	}
	return k, nil
}

// check asks the checkers in turn, starting from the next in the round:
// the first answer wins. A refusal comes back as a stagedRefusal; no
// answer from any (unreachable, 5xx) as errNoChecker.
func (k *checkers) check(ctx context.Context, rq stagedCheck, accepted []api.Hash) (state.StoredBlob, error) {
	head, err := json.Marshal(checkRequestHead{stagedCheck: rq, Accepted: len(accepted)})
	if err != nil {
		return state.StoredBlob{}, err
	}
	raw := make([]byte, 0, len(head)+1+32*len(accepted))
	raw = append(append(raw, head...), '\n')
	for _, h := range accepted {
		raw = append(raw, h[:]...)
	}
	first := int(k.next.Add(1))
	var last error
	for i := range k.urls {
		u := k.urls[(first+i)%len(k.urls)]
		b, err := k.checkAt(ctx, u, raw)
		if err == nil || errors.As(err, new(stagedRefusal)) || ctx.Err() != nil {
			return b, err
		}
		last = err
	}
	return state.StoredBlob{}, fmt.Errorf("%w: %w", errNoChecker, last)
}

func (k *checkers) checkAt(ctx context.Context, base string, raw []byte) (state.StoredBlob, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+RouteCheckStaged, bytes.NewReader(raw))
	if err != nil {
		return state.StoredBlob{}, err
	}
	req.Header.Set(blob.TokenHeader, k.token)
	req.Header.Set("Content-Type", "application/octet-stream")
	resp, err := k.hc.Do(req)
	if err != nil {
		return state.StoredBlob{}, fmt.Errorf("checker %s: %w", base, err)
	}
	defer resp.Body.Close()
	text, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return state.StoredBlob{}, fmt.Errorf("checker %s: %w", base, err)
	}
	if resp.StatusCode == http.StatusOK {
		var b state.StoredBlob
		if err := json.Unmarshal(text, &b); err != nil {
			return state.StoredBlob{}, fmt.Errorf("checker %s: answer: %w", base, err)
		}
		return b, nil
	}
	var eb api.ErrorBody
	_ = json.Unmarshal(text, &eb)
	d := eb.Error
	switch resp.StatusCode {
	case http.StatusBadRequest:
		// The message is the checker's whole error; the field is its field.
		err := fmt.Errorf("%w: %s", ErrInvalid, strings.TrimPrefix(d.Message, ErrInvalid.Error()+": "))
		if d.Field != "" {
			err = &state.FieldError{Field: d.Field, Err: err}
		}
		return state.StoredBlob{}, stagedRefusal{err}
	case http.StatusConflict:
		return state.StoredBlob{}, stagedRefusal{fmt.Errorf("%w: %s", state.ErrMismatch, d.Message)}
	}
	return state.StoredBlob{}, fmt.Errorf("checker %s: %s: %s", base, resp.Status, d.Message)
}

// runCheck does a staged check's byte work on a checker when the cluster
// has some, else (or when none answers) here.
func (c *Coordinator) runCheck(ctx context.Context, st stager, rq stagedCheck, accepted []api.Hash) (state.StoredBlob, error) {
	if c.checkers != nil {
		b, err := c.checkers.check(ctx, rq, accepted)
		if err == nil {
			c.checkers.remote.Inc()
		}
		if !errors.Is(err, errNoChecker) {
			return b, err
		}
		c.log.Warn("no checker answered; checking the staged upload here", "task", rq.TaskID, "err", err)
		c.checkers.local.Inc()
	}
	return checkStagedObject(ctx, st, c.blobs, filepath.Join(c.cfg.DataDir, "uploads"), rq, accepted)
}

// validateCheckers checks Config.Checkers: http(s) base URLs, and an object
// store for them to read.
func validateCheckers(urls []string, store *ObjectStoreConfig) error {
	if len(urls) > 0 && store == nil {
		return invalidf("config.checker: expected an object_store as well (checkers read staged uploads from the bucket)")
	}
	for i, raw := range urls {
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") {
			return invalidf("config.checker[%d] %q: expected the http:// or https:// base URL of a meadow checker", i, raw)
		}
	}
	return nil
}
