// Command genvectors writes api/testdata/envelope_vectors.json: signed
// request envelopes made from fixed private keys, with every intermediate
// hash, so that another implementation (the browser extension's JavaScript)
// can reproduce them byte for byte. api's tests check the file.
//
// Run it from the repository root:
//
//	go run ./api/internal/genvectors
//
// The keys are derived from fixed strings and hold nothing of value.
package main

import (
	"bytes"
	"crypto/ecdsa"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/meadow-net/meadow/api"
)

// File is the layout of envelope_vectors.json.
type File struct {
	Comment []string `json:"comment"`
	Vectors []Vector `json:"vectors"`
}

// Vector is one signed envelope with its inputs and every hash along the way.
type Vector struct {
	Name       string     `json:"name"`
	PrivateKey string     `json:"private_key"`
	Address    string     `json:"address"`
	Domain     api.Domain `json:"domain"`
	Method     string     `json:"method"`
	Nonce      uint64     `json:"nonce"`
	Expiry     int64      `json:"expiry"`
	// BodyValue is the body as a JSON value; Body is its exact canonical
	// bytes as a string, BodyHex the same bytes in hex.
	BodyValue       json.RawMessage `json:"body_value"`
	Body            string          `json:"body"`
	BodyHex         string          `json:"body_hex"`
	BodyHash        string          `json:"body_hash"`
	DomainSeparator string          `json:"domain_separator"`
	StructHash      string          `json:"struct_hash"`
	Digest          string          `json:"digest"`
	Signature       string          `json:"signature"`
	TypedData       api.TypedData   `json:"typed_data"`
	// Envelope is the whole envelope's JSON as encoding/json writes it.
	Envelope string `json:"envelope"`
	// VerifyAt is a time (unix seconds) at which the envelope verifies.
	VerifyAt int64 `json:"verify_at"`
}

func main() {
	out := flag.String("out", "api/testdata/envelope_vectors.json", "file to write")
	flag.Parse()
	f, err := generate()
	if err != nil {
		fmt.Fprintln(os.Stderr, "genvectors:", err)
		os.Exit(1)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(f); err != nil {
		fmt.Fprintln(os.Stderr, "genvectors:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "genvectors:", err)
		os.Exit(1)
	}
}

const expiry = 1767225600 // 2026-01-01T00:00:00Z

// vectorDomain is the domain of most vectors: chain 31337, fixed here rather
// than api.DevDomain() so that the committed vectors stay what they are when
// the dev chain's id changes (it became 1337); any chain id tests the hashing.
var vectorDomain = api.DomainFor(31337)

func generate() (File, error) {
	root := api.Hash{}
	for i := range root {
		root[i] = byte(i)
	}
	cases := []struct {
		name   string
		key    int
		domain api.Domain
		method string
		nonce  uint64
		body   any
	}{
		{
			name: "commit", key: 1, domain: vectorDomain, method: api.MethodCommit, nonce: 1,
			body: api.Commitment{TaskID: "job-1:t-0001", LeaseID: "lease-42", Root: root, Rows: 25},
		},
		{
			name: "refusal with characters that are escaped", key: 2, domain: vectorDomain, method: api.MethodRefuse, nonce: 1767225000123456,
			body: api.Refusal{TaskID: "job-1:t-0002", LeaseID: "lease-43", URL: "https://example.com/search?q=<b>&lang=fr",
				Reason: api.RefusedRobots, Detail: "Disallow: /search — été \u2028 line separator"},
		},
		{
			name: "register on chain 1", key: 3, domain: api.DomainFor(1), method: api.MethodRegister, nonce: api.MaxNonce,
			body: api.RegisterRequest{
				Address:  crypto.PubkeyToAddress(mustKey(3).PublicKey),
				Operator: common.HexToAddress("0x00000000000000000000000000000000000000aa"),
				Capabilities: api.Capabilities{RenderJS: true, CPUCores: 8, MaxConcurrent: 4,
					GPUs: []api.GPU{{Model: "NVIDIA GeForce RTX 4090", MemoryMiB: 24564, ComputeCapability: "8.9"}}},
				Version:     "v0.1.0",
				CrawlDelays: map[string]int64{"example.com": 2000, "a.example": 500},
			},
		},
		{
			name: "job submit", key: 4, domain: vectorDomain, method: api.MethodJobSubmit, nonce: 7,
			body: api.JobSpec{Kind: api.JobCrawl, Name: "sample", Threshold: 0.75, Crawl: &api.CrawlSpec{
				Seeds:  []string{"https://www.example.com/"},
				Fields: []api.FieldRule{{Name: "title", Selector: "h1 > a[href^='/wiki/']", Attr: "title"}},
			}},
		},
	}
	f := File{Comment: []string{
		"Signed request envelopes (package api). Regenerate: go run ./api/internal/genvectors",
		"typed data: EIP-712, " + api.DomainType + ", " + api.RequestType,
		"body_hash = keccak256(body bytes); digest = keccak256(0x19 0x01 || domain_separator || struct_hash)",
		"signature = r || s || v with v = 27 or 28 (RFC 6979 deterministic nonces, low s)",
		"body is compact JSON with < > & U+2028 U+2029 escaped as \\u003c \\u003e \\u0026 \\u2028 \\u2029: in JavaScript, JSON.stringify(body_value) and then those escapes gives body",
	}}
	for _, c := range cases {
		key := mustKey(c.key)
		env, err := api.Sign(key, c.method, c.body, c.nonce, time.Unix(expiry, 0), c.domain)
		if err != nil {
			return File{}, fmt.Errorf("%s: %w", c.name, err)
		}
		if _, err := env.Verify(time.Unix(expiry-60, 0), c.domain); err != nil {
			return File{}, fmt.Errorf("%s: %w", c.name, err)
		}
		envJSON, err := json.Marshal(env)
		if err != nil {
			return File{}, err
		}
		sep, st, d, bh := c.domain.Separator(), env.StructHash(), env.Digest(c.domain), env.BodyHash()
		f.Vectors = append(f.Vectors, Vector{
			Name:            c.name,
			PrivateKey:      "0x" + hex.EncodeToString(crypto.FromECDSA(key)),
			Address:         env.Signer.Hex(),
			Domain:          c.domain,
			Method:          env.Method,
			Nonce:           env.Nonce,
			Expiry:          env.Expiry,
			BodyValue:       env.Body,
			Body:            string(env.Body),
			BodyHex:         hex.EncodeToString(env.Body),
			BodyHash:        bh.Hex(),
			DomainSeparator: sep.Hex(),
			StructHash:      st.Hex(),
			Digest:          d.Hex(),
			Signature:       env.Signature.String(),
			TypedData:       env.TypedData(c.domain),
			Envelope:        string(envJSON),
			VerifyAt:        expiry - 60,
		})
	}
	return f, nil
}

// mustKey derives test key i from a fixed string.
func mustKey(i int) *ecdsa.PrivateKey {
	k, err := crypto.ToECDSA(crypto.Keccak256([]byte("meadow envelope vector key " + strconv.Itoa(i))))
	if err != nil {
		panic(err) // a fixed input; cannot fail unless keccak256 changed
	}
	return k
}
