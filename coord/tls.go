package coord

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/raft"
)

// TLS between members and for the public API.
//
// A member given --tls-cert, --tls-key and --tls-ca (all three, or none)
// serves its HTTP API over TLS with that certificate, and speaks mutual TLS
// to the other members: Raft's connections require a client certificate that
// chains to the cluster CA and present the member's own; the HTTP requests
// members send each other (forwarding, joins, signing, blob copies, status
// probes) verify the peer's certificate against the CA and present the
// member's own. One certificate per member, valid for the names or addresses
// the others dial it by, for both server and client use. Clients of the
// public API (nodes, buyers, the CLI) verify the coordinator's certificate
// with their system roots or the CA they are given; a member asks them for
// no certificate. A peer whose certificate is not the cluster's is refused at
// the handshake, and the error (on either side) names --tls-ca.

// tlsSetup holds a member's TLS configurations, loaded from the files the
// config names.
type tlsSetup struct {
	// raftServer requires and verifies a member's client certificate;
	// httpServer verifies one when given (peers), and asks nobody for it.
	raftServer, httpServer *tls.Config
	// client presents this member's certificate and verifies the peer's
	// against the cluster CA.
	client *tls.Config
}

// loadTLS reads the certificate, key and CA files; it returns nil when TLS
// is off.
func loadTLS(cfg Config) (*tlsSetup, error) {
	if cfg.TLSCert == "" {
		return nil, nil
	}
	cert, err := tls.LoadX509KeyPair(cfg.TLSCert, cfg.TLSKey)
	if err != nil {
		return nil, invalidf("config.tls_cert %s / config.tls_key %s: %v", cfg.TLSCert, cfg.TLSKey, err)
	}
	pem, err := os.ReadFile(cfg.TLSCA)
	if err != nil {
		return nil, invalidf("config.tls_ca %s: %v", cfg.TLSCA, err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, invalidf("config.tls_ca %s: expected PEM certificates of the cluster's CA", cfg.TLSCA)
	}
	// Refuse at start a member certificate the other members would refuse.
	leaf, err := x509.ParseCertificate(cert.Certificate[0])
	if err != nil {
		return nil, invalidf("config.tls_cert %s: %v", cfg.TLSCert, err)
	}
	inter := x509.NewCertPool()
	for _, der := range cert.Certificate[1:] {
		if c, err := x509.ParseCertificate(der); err == nil {
			inter.AddCert(c)
		}
	}
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: pool, Intermediates: inter, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth}}); err != nil {
		return nil, invalidf("config.tls_cert %s: not valid under config.tls_ca %s for server and client use: %v", cfg.TLSCert, cfg.TLSCA, err)
	}
	base := &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{cert}}
	raftServer := base.Clone()
	raftServer.ClientCAs, raftServer.ClientAuth = pool, tls.RequireAndVerifyClientCert
	httpServer := base.Clone()
	httpServer.ClientCAs, httpServer.ClientAuth = pool, tls.VerifyClientCertIfGiven
	client := base.Clone()
	client.RootCAs = pool
	return &tlsSetup{raftServer: raftServer, httpServer: httpServer, client: client}, nil
}

// scheme is the scheme of member-to-member HTTP requests.
func (c *Coordinator) scheme() string {
	if c.tls != nil {
		return "https"
	}
	return "http"
}

// memberURL is the URL of path on the member whose HTTP address is addr.
func (c *Coordinator) memberURL(addr, path string) string {
	return c.scheme() + "://" + trimScheme(addr) + path
}

// explainTLS turns a failed handshake with the member at addr into an error
// that says which side refused which certificate.
func explainTLS(addr string, err error) error {
	var unknown x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var invalid x509.CertificateInvalidError
	switch {
	case errors.As(err, &unknown):
		return fmt.Errorf("%s presented a certificate not signed by this cluster's CA (--tls-ca): %w", addr, err)
	case errors.As(err, &hostname):
		return fmt.Errorf("%s presented a certificate not valid for that address (its names: %v): %w", addr, hostname.Certificate.DNSNames, err)
	case errors.As(err, &invalid):
		return fmt.Errorf("%s presented an invalid certificate: %w", addr, err)
	case strings.Contains(err.Error(), "remote error: tls:"):
		return fmt.Errorf("%s refused this member's certificate (is it signed by the CA %s trusts, --tls-ca?): %w", addr, addr, err)
	}
	return err
}

// raftStream is hashicorp/raft's stream layer: plain TCP, or mutual TLS
// when setup is set. Connections to other members leave from the address
// Raft listens on when that is a specific one, so that a member's Raft
// traffic, both ways, is the traffic of one address: what an operator's
// firewall rule (or the fault suite's partition) names.
type raftStream struct {
	ln        net.Listener
	advertise net.Addr
	local     *net.TCPAddr // dial from here; nil for the system's choice
	setup     *tlsSetup    // nil: plain TCP
	log       *slog.Logger
}

func newRaftStream(bind string, advertise net.Addr, setup *tlsSetup, log *slog.Logger) (*raftStream, error) {
	ln, err := net.Listen("tcp", bind)
	if err != nil {
		return nil, err
	}
	if advertise == nil {
		advertise = ln.Addr()
	}
	if a, ok := advertise.(*net.TCPAddr); !ok || a.IP == nil || a.IP.IsUnspecified() {
		ln.Close()
		return nil, invalidf("config.raft_addr %s: expected an address other members can dial (or set --raft-advertise)", advertise)
	}
	s := &raftStream{ln: ln, advertise: advertise, setup: setup, log: log}
	if a, ok := ln.Addr().(*net.TCPAddr); ok && !a.IP.IsUnspecified() {
		s.local = &net.TCPAddr{IP: a.IP}
	}
	return s, nil
}

func (s *raftStream) Accept() (net.Conn, error) {
	conn, err := s.ln.Accept()
	if err != nil || s.setup == nil {
		return conn, err
	}
	return &handshakeConn{Conn: tls.Server(conn, s.setup.raftServer), log: s.log}, nil
}

func (s *raftStream) Close() error   { return s.ln.Close() }
func (s *raftStream) Addr() net.Addr { return s.advertise }

func (s *raftStream) Dial(addr raft.ServerAddress, timeout time.Duration) (net.Conn, error) {
	d := &net.Dialer{Timeout: timeout}
	if s.local != nil {
		d.LocalAddr = s.local
	}
	if s.setup == nil {
		return d.Dial("tcp", string(addr))
	}
	conn, err := tls.DialWithDialer(d, "tcp", string(addr), s.setup.client)
	if err != nil {
		err = explainTLS(string(addr), err)
		s.log.Warn("raft: cannot reach a member over TLS", "member", addr, "err", err)
		return nil, err
	}
	return conn, nil
}

// handshakeConn completes the server side's handshake on first use and logs
// a refused peer once, with the reason, instead of leaving raft to report a
// decode error.
type handshakeConn struct {
	*tls.Conn
	log  *slog.Logger
	once sync.Once
	err  error
}

func (c *handshakeConn) handshake() error {
	c.once.Do(func() {
		_ = c.SetDeadline(time.Now().Add(10 * time.Second))
		if err := c.Handshake(); err != nil {
			c.err = err
			c.log.Warn("raft: refused a connection: its certificate is not one of this cluster's (signed by --tls-ca)",
				"remote", c.RemoteAddr().String(), "err", err)
			return
		}
		_ = c.SetDeadline(time.Time{})
	})
	return c.err
}

func (c *handshakeConn) Read(p []byte) (int, error) {
	if err := c.handshake(); err != nil {
		return 0, err
	}
	return c.Conn.Read(p)
}

func (c *handshakeConn) Write(p []byte) (int, error) {
	if err := c.handshake(); err != nil {
		return 0, err
	}
	return c.Conn.Write(p)
}
