package node

import (
	"context"
	"crypto/ecdsa"
	"crypto/x509"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/crawl"
)

// The node API's routes (docs/ARCHITECTURE.md, docs/api.yaml).
const (
	routeRegister = "/v1/node/register"
	routeWork     = "/v1/node/work"
	routeCommit   = "/v1/node/commit"
	routeReveal   = "/v1/node/reveal"
	routeUpload   = "/v1/node/upload"
	routeRefuse   = "/v1/node/refuse"
	routeRecord   = "/v1/node/" // + address
)

// Client is the node's side of the node API: api.Client's signed requests
// and failover, with one method per call.
type Client struct {
	*api.Client
	log *slog.Logger
}

func (c *Client) logger() *slog.Logger {
	if c.log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return c.log
}

// ClientConfig configures a Client.
type ClientConfig struct {
	Coordinators []string
	Key          *ecdsa.PrivateKey
	Domain       api.Domain
	SourceIP     net.IP // the dev network's per-node loopback /24
	Logger       *slog.Logger
	// Groups lets the client follow the coordinators to the node's home
	// group on a network of several (the network file's operators).
	Groups *api.GroupTrust
	// AllowList is the node's crawl allow-list (tests and meadow dev
	// only). Every host that is not a coordinator (an object store's
	// presigned URL, a redirect to it) is dialed through the crawl
	// safety policy: public addresses on any port, and these prefixes.
	AllowList []netip.Prefix
	// RootCAs, when set, verifies https coordinators (and the hosts their
	// answers name) instead of the system's roots: a cluster with its own
	// CA (--coord-ca). The crawler's connections never use it.
	RootCAs *x509.CertPool
}

// NewClient returns a client of the coordinators.
func NewClient(cfg ClientConfig) (*Client, error) {
	d := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	if cfg.SourceIP != nil {
		d.LocalAddr = &net.TCPAddr{IP: cfg.SourceIP}
	}
	other := &crawl.Policy{AllowList: cfg.AllowList, AnyPort: true, Dialer: d}
	c, err := api.NewClient(api.ClientConfig{Coordinators: cfg.Coordinators, Key: cfg.Key, Domain: cfg.Domain, SourceIP: cfg.SourceIP, Logger: cfg.Logger, Groups: cfg.Groups,
		DialOther: other.DialContext, RootCAs: cfg.RootCAs})
	if err != nil {
		return nil, err
	}
	// Ride out a leader election (1-3 s): a commit, reveal or upload that
	// gave up sooner would drop a task whose lease the node still holds,
	// and the task would wait for its lease to expire.
	c.Attempts, c.MaxBackoff = 8*len(cfg.Coordinators), time.Second
	return &Client{Client: c, log: cfg.Logger}, nil
}

// Register introduces the node.
func (c *Client) Register(ctx context.Context, r api.RegisterRequest) (api.RegisterResponse, error) {
	var out api.RegisterResponse
	return out, c.Post(ctx, api.MethodRegister, routeRegister, r, &out)
}

// Work asks for leases.
func (c *Client) Work(ctx context.Context, r api.WorkRequest) (api.WorkResponse, error) {
	var out api.WorkResponse
	return out, c.Post(ctx, api.MethodWork, routeWork, r, &out)
}

// Commit sends a task's commitment.
func (c *Client) Commit(ctx context.Context, r api.Commitment) (api.CommitResponse, error) {
	var out api.CommitResponse
	return out, c.Post(ctx, api.MethodCommit, routeCommit, r, &out)
}

// Reveal sends a task's row hashes.
func (c *Client) Reveal(ctx context.Context, r api.Reveal) (api.RevealResponse, error) {
	var out api.RevealResponse
	return out, c.Post(ctx, api.MethodReveal, routeReveal, r, &out)
}

// Refuse reports a URL the node would not fetch.
func (c *Client) Refuse(ctx context.Context, r api.Refusal) error {
	var out struct{}
	return c.Post(ctx, api.MethodRefuse, routeRefuse, r, &out)
}

// Upload sends a task's Arrow IPC stream: straight to the object store
// through a presigned URL when the coordinators hand one out (upload.go),
// else through a coordinator. open is called once per try, and tries may
// run at once (api.Client.DoIdempotent), so the blob must be re-readable by
// several readers (a file).
func (c *Client) Upload(ctx context.Context, u api.Upload, open func() (io.ReadCloser, error)) (api.UploadResponse, error) {
	out, done, err := c.uploadPresigned(ctx, u, open)
	if done || err != nil {
		return out, err
	}
	return c.uploadProxied(ctx, u, open)
}

// uploadProxied sends the blob through a coordinator (PUT /v1/node/upload).
func (c *Client) uploadProxied(ctx context.Context, u api.Upload, open func() (io.ReadCloser, error)) (api.UploadResponse, error) {
	var out api.UploadResponse
	err := c.DoIdempotent(ctx, func(ctx context.Context, base string) (*http.Response, error) {
		env, err := c.Sign(api.MethodUpload, u)
		if err != nil {
			return nil, err
		}
		h, err := env.Header()
		if err != nil {
			return nil, err
		}
		body, err := open()
		if err != nil {
			return nil, err
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPut, base+routeUpload, body)
		if err != nil {
			body.Close()
			return nil, err
		}
		req.ContentLength = u.Size
		req.Header.Set(api.EnvelopeHeader, h)
		req.Header.Set("Content-Type", "application/vnd.apache.arrow.stream")
		return c.HTTP().Do(req)
	}, &out)
	return out, err
}

// Record fetches what the coordinators know of this node (accepted rows,
// work units, reputation), for the dashboard, as the one wire type the
// coordinator writes it with (api.NodeRecord). The answer is checked.
//
// The read is signed (api.MethodNodeRead, signed afresh on every try): the
// record holds the address and network the node connects from, which the
// coordinators show only to the node itself and to operators.
func (c *Client) Record(ctx context.Context, addr string) (api.NodeRecord, error) {
	var out api.NodeRecord
	route := routeRecord + strings.ToLower(addr)
	err := c.Do(ctx, func(ctx context.Context, base string) (*http.Response, error) {
		env, err := c.Sign(api.MethodNodeRead, api.ReadRequest{Path: route})
		if err != nil {
			return nil, err
		}
		h, err := env.Header()
		if err != nil {
			return nil, err
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+route, nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set(api.EnvelopeHeader, h)
		return c.HTTP().Do(req)
	}, &out)
	if err != nil {
		return out, err
	}
	return out, out.Validate()
}

func hostOf(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", err
	}
	return u.Hostname(), nil
}
