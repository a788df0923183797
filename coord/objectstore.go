package coord

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/meadow-net/meadow/coord/blob"
)

// ObjectStoreConfig is the object_store section of a coordinator's config:
// an S3-compatible bucket that every coordinator of the cluster shares and
// that then holds every blob (task outputs, compute inputs, dataset files,
// modules). Its durability replaces the rule that a majority of members
// hold a copy: nothing is copied between coordinators. Absent, blobs live
// on each coordinator's disk (DataDir/blobs), replicated by the members.
//
// The credentials never sit in the config: they come from the environment
// variables AccessKeyEnv and SecretKeyEnv, or from CredentialsFile.
type ObjectStoreConfig struct {
	// Endpoint is the store's host:port, without a scheme.
	Endpoint string `json:"endpoint"`
	// Bucket holds the blobs; it must exist before the coordinator starts.
	Bucket string `json:"bucket"`
	// Region is the bucket's region (empty: asked of the store).
	Region string `json:"region,omitempty"`
	// Prefix is put before every object key, ending in "/" ("meadow/").
	Prefix string `json:"prefix,omitempty"`
	// UseTLS selects https.
	UseTLS bool `json:"use_tls,omitempty"`
	// AccessKeyEnv and SecretKeyEnv name the environment variables that
	// hold the credentials (defaults AWS_ACCESS_KEY_ID and
	// AWS_SECRET_ACCESS_KEY).
	AccessKeyEnv string `json:"access_key_env,omitempty"`
	SecretKeyEnv string `json:"secret_key_env,omitempty"`
	// CredentialsFile, when set, is read instead of the environment: lines
	// access_key=… and secret_key=…, in a file only its owner may read
	// (mode 0600 or stricter).
	CredentialsFile string `json:"credentials_file,omitempty"`
	// Verify is how an upload is checked before it is acknowledged:
	// "checksum" (default: the store verifies the SHA-256 sent with the
	// PUT and reports it back) or "readback" (the object is also read back
	// and hashed, for stores that keep no SHA-256).
	Verify string `json:"verify,omitempty"`
	// CountEvery is how often each member lists the bucket to refresh its
	// meadow_blob_local_* metrics (0: every minute); a listing that takes
	// long waits ten times its own time before the next, so that a large
	// bucket is not listed without pause.
	CountEvery time.Duration `json:"count_every,omitempty"`

	// AccessKey and SecretKey, when both set, are used as they are: for
	// tests and the in-process dev network, never from a file.
	AccessKey string `json:"-"`
	SecretKey string `json:"-"`
}

// Default names of the credential variables, the ones every S3 tool reads.
const (
	defaultAccessKeyEnv = "AWS_ACCESS_KEY_ID"
	defaultSecretKeyEnv = "AWS_SECRET_ACCESS_KEY"
)

// validate checks the section without reading the environment or files.
func (o *ObjectStoreConfig) validate() error {
	switch {
	case o.Endpoint == "" || strings.Contains(o.Endpoint, "://") || strings.Contains(o.Endpoint, "/"):
		return invalidf("config.object_store.endpoint %q: expected host:port of the S3-compatible store, without a scheme", o.Endpoint)
	case len(o.Bucket) < 3 || len(o.Bucket) > 63 || strings.ContainsAny(o.Bucket, "/ _"):
		return invalidf("config.object_store.bucket %q: expected an S3 bucket name (3 to 63 characters, no slash)", o.Bucket)
	case strings.HasPrefix(o.Prefix, "/") || (o.Prefix != "" && !strings.HasSuffix(o.Prefix, "/")):
		return invalidf("config.object_store.prefix %q: expected empty or a key prefix ending in / (\"meadow/\")", o.Prefix)
	case o.Verify != "" && o.Verify != blob.VerifyChecksum && o.Verify != blob.VerifyReadBack:
		return invalidf("config.object_store.verify %q: expected %q or %q", o.Verify, blob.VerifyChecksum, blob.VerifyReadBack)
	case o.CredentialsFile != "" && (o.AccessKeyEnv != "" || o.SecretKeyEnv != ""):
		return invalidf("config.object_store.credentials_file %q: expected either a credentials file or access_key_env/secret_key_env, not both", o.CredentialsFile)
	case o.CountEvery != 0 && o.CountEvery < time.Second:
		return invalidf("config.object_store.count_every %s: expected at least 1s, or 0 for every minute", o.CountEvery)
	case (o.AccessKey == "") != (o.SecretKey == ""):
		return invalidf("config.object_store: expected both access and secret key, or neither")
	}
	return nil
}

// credentials returns the access and secret key from the section, the
// environment (getenv) or the credentials file. The error names where it
// looked.
func (o *ObjectStoreConfig) credentials(getenv func(string) string) (access, secret string, err error) {
	if o.AccessKey != "" {
		return o.AccessKey, o.SecretKey, nil
	}
	if o.CredentialsFile != "" {
		return readCredentialsFile(o.CredentialsFile)
	}
	ae, se := o.AccessKeyEnv, o.SecretKeyEnv
	if ae == "" {
		ae = defaultAccessKeyEnv
	}
	if se == "" {
		se = defaultSecretKeyEnv
	}
	access, secret = getenv(ae), getenv(se)
	if access == "" || secret == "" {
		return "", "", invalidf("config.object_store: environment variables %s and %s: expected the store's access and secret key (or set credentials_file)", ae, se)
	}
	return access, secret, nil
}

// readCredentialsFile reads access_key= and secret_key= lines from a file
// that only its owner may read.
func readCredentialsFile(path string) (access, secret string, err error) {
	fi, err := os.Stat(path)
	if err != nil {
		return "", "", invalidf("config.object_store.credentials_file %q: %v", path, err)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return "", "", invalidf("config.object_store.credentials_file %q: mode %04o: expected 0600 or stricter (the file holds a secret)", path, fi.Mode().Perm())
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", "", invalidf("config.object_store.credentials_file %q: %v", path, err)
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for line := 1; sc.Scan(); line++ {
		t := strings.TrimSpace(sc.Text())
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		k, v, ok := strings.Cut(t, "=")
		switch k, v = strings.TrimSpace(k), strings.TrimSpace(v); {
		case ok && k == "access_key":
			access = v
		case ok && k == "secret_key":
			secret = v
		default:
			return "", "", invalidf("config.object_store.credentials_file %q line %d: expected access_key=… or secret_key=…", path, line)
		}
	}
	if access == "" || secret == "" {
		return "", "", invalidf("config.object_store.credentials_file %q: expected both access_key and secret_key", path)
	}
	return access, secret, nil
}

// objectStorePing bounds the check at start that the bucket is there.
const objectStorePing = 10 * time.Second

// openObjectStore returns the S3 backend the section describes, after
// checking that its bucket can be reached: a coordinator configured for a
// store it cannot use refuses to start rather than fail every upload.
func (c *Coordinator) openObjectStore(m *blob.Metrics) (*blob.S3, error) {
	return openObjectStore(c.cfg.ObjectStore, filepath.Join(c.cfg.DataDir, "uploads"), c.log.With("sub", "blob"), m)
}

// openObjectStore opens the store o describes, spooling in spool, and
// checks that its bucket can be reached (a member, or a checker).
func openObjectStore(o *ObjectStoreConfig, spool string, log *slog.Logger, m *blob.Metrics) (*blob.S3, error) {
	access, secret, err := o.credentials(os.Getenv)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(spool, 0o750); err != nil {
		return nil, fmt.Errorf("coord: object store spool: %w", err)
	}
	s, err := blob.NewS3(blob.S3Config{
		Endpoint: o.Endpoint, Bucket: o.Bucket, Region: o.Region, Prefix: o.Prefix, UseTLS: o.UseTLS,
		AccessKey: access, SecretKey: secret, Verify: o.Verify,
		SpoolDir: spool, Logger: log, Metrics: m,
	})
	if err != nil {
		return nil, invalidf("config.object_store: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), objectStorePing)
	defer cancel()
	if err := s.Ping(ctx); err != nil {
		return nil, fmt.Errorf("coord: object store: %w", err)
	}
	return s, nil
}
