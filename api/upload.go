package api

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// Presigned uploads (issue 16): with an object store, a node's task blob
// goes straight into the bucket and never through a coordinator.
//
//  1. POST RouteUploadURL with a MethodUploadURL envelope whose body is the
//     Upload (task, lease, size, SHA-256): the leader checks the lease as
//     for an upload and answers an UploadURL, a presigned PUT to a staging
//     key whose signature binds the size and the SHA-256. A coordinator
//     whose blobs are on its own disk answers without a URL: the node
//     uploads through PUT /v1/node/upload as before.
//  2. The node PUTs the blob to the URL with the headers given.
//  3. POST RouteUploadStaged with a MethodUploadStaged envelope, the same
//     Upload as body: the member it reaches (a follower that can, else the
//     leader) reads the staged object back, checks it as an upload is
//     checked (size, SHA-256, accepted rows, row signatures), stores the
//     blob under its name, has the leader record it through Raft, removes
//     the staged object, then answers an UploadResponse.
const (
	MethodUploadURL    = "node.upload.url"
	MethodUploadStaged = "node.upload.staged"

	RouteUploadURL    = "/v1/node/upload/url"
	RouteUploadStaged = "/v1/node/upload/staged"
)

// UploadURL answers MethodUploadURL.
type UploadURL struct {
	// URL is the presigned PUT, empty when the coordinators keep blobs on
	// their own disks (upload through PUT /v1/node/upload instead) or when
	// the blob is already stored (Stored).
	URL string `json:"url,omitempty"`
	// Headers must be sent with the PUT exactly as given (they are signed:
	// Content-Length, x-amz-checksum-sha256, Content-Type).
	Headers map[string]string `json:"headers,omitempty"`
	// ExpiresAt is when the URL stops working (unix ms); ask again after.
	ExpiresAt int64 `json:"expires_at,omitempty"`
	// Stored says the task's blob is already stored: nothing to upload.
	Stored bool `json:"stored,omitempty"`
	// Rows is the stored blob's rows, when Stored.
	Rows int64 `json:"rows,omitempty"`
}

// Validate checks the answer: a URL is an http(s) URL with the size and
// checksum headers; a stored blob has rows in range.
func (u UploadURL) Validate() error {
	var v validator
	if u.URL != "" {
		p, err := url.Parse(u.URL)
		if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			v.add("url", quote(u.URL), "an http:// or https:// URL")
		}
		if len(u.Headers) > 16 {
			v.add("headers", items(len(u.Headers)), "at most 16 headers")
		}
		for k, val := range u.Headers {
			if k == "" || strings.ContainsAny(k+val, "\r\n") {
				v.add("headers", quote(k), "header names and values without line breaks")
			}
		}
		if u.ExpiresAt <= 0 {
			v.add("expires_at", itoa(u.ExpiresAt), "a unix time in ms")
		}
	}
	if u.Stored && u.URL != "" {
		v.add("url", quote(u.URL), "no URL for a blob already stored")
	}
	v.between("rows", u.Rows, 0, MaxTaskRows)
	return v.err()
}

// PutPresigned PUTs size bytes of body to u's presigned URL with its signed
// headers (Content-Length is the request's own), through hc. A refusal
// names the store's answer (the S3 error's Code); any may be passing (a 503
// SlowDown, an expired URL: 403, bytes damaged on the way: 400 BadDigest),
// so callers ask for a fresh URL and try again.
func PutPresigned(ctx context.Context, hc *http.Client, u UploadURL, size int64, body io.Reader) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, u.URL, body)
	if err != nil {
		return fmt.Errorf("PUT to the object store: %w", err)
	}
	req.ContentLength = size
	for k, v := range u.Headers {
		if !strings.EqualFold(k, "Content-Length") {
			req.Header.Set(k, v)
		}
	}
	resp, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("PUT to the object store: %w", err)
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("PUT to the object store: %s: %s", resp.Status, StoreCode(msg))
	}
	return nil
}

// StoreCode returns the Code of an S3 error answer, or the answer's start.
func StoreCode(b []byte) string {
	if i := bytes.Index(b, []byte("<Code>")); i >= 0 {
		b = b[i+6:]
		if j := bytes.IndexByte(b, '<'); j >= 0 {
			return string(b[:j])
		}
	}
	if len(b) > 200 {
		b = b[:200]
	}
	return string(b)
}
