package devnet

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/meadow-net/meadow/coord"
	"github.com/meadow-net/meadow/coord/blob"
	"github.com/meadow-net/meadow/coord/blob/s3gw"
	"github.com/meadow-net/meadow/dataset"
)

// The object store `meadow dev --object-store` runs (Config.ObjectStoreBinary):
// its directory in the network's, the bucket made for the run, and the key
// prefix of the blobs in it.
const (
	ObjectStoreDirName = "objectstore"
	devBucket          = "meadow-dev"
	devBlobPrefix      = "blobs/"
)

// ObjectStoreSummary is the S3-compatible store the coordinators kept their
// blobs in, and what the journey found in it.
type ObjectStoreSummary struct {
	// Store names it as the coordinators log it ("s3 http://…/bucket/prefix").
	Store    string `json:"store"`
	Endpoint string `json:"endpoint"`
	Bucket   string `json:"bucket"`
	Prefix   string `json:"prefix,omitempty"`
	// PID, Root, Log and CredentialsFile describe the gateway the dev
	// network runs: its process, the posix directory it serves
	// (ROOT/BUCKET/KEY is an object), its output, and the file of its
	// access_key= and secret_key= (mode 0600), which the coordinators read.
	PID             int    `json:"pid,omitempty"`
	Root            string `json:"root,omitempty"`
	Log             string `json:"log,omitempty"`
	CredentialsFile string `json:"credentials_file,omitempty"`
	// Checked says the journey counted the bucket: Objects blobs of Bytes
	// bytes in all (the keys blob.S3.Walk lists, not the datasets' files
	// beside them under datasets/), DatasetBlobs of them the blobs that the journey's
	// datasets list (each found there), and LocalBlobs files under the
	// members' blob directories (DIR/cN/blobs), which must be none.
	Checked      bool  `json:"checked"`
	Objects      int64 `json:"objects"`
	Bytes        int64 `json:"bytes"`
	DatasetBlobs int   `json:"dataset_blobs"`
	LocalBlobs   int64 `json:"local_blobs"`
	// PresignedUploads are the task blobs nodes PUT straight to the store
	// (meadow_uploads_presigned_total), ProxiedUploads and ProxiedBytes
	// those they sent through a coordinator instead
	// (meadow_uploads_proxied_total, meadow_upload_proxied_bytes_total),
	// which must be none: summed over the MembersCounted members that
	// answered.
	PresignedUploads int64 `json:"presigned_uploads"`
	ProxiedUploads   int64 `json:"proxied_uploads"`
	ProxiedBytes     int64 `json:"proxied_bytes"`
	// ProxyRefused are the uploads the members refused to carry
	// (meadow_uploads_proxy_refused_total): clients whose PUTs to the
	// store failed four times and who tried a coordinator; they try the
	// store again later, so the journey only reports them.
	ProxyRefused int64 `json:"proxy_refused"`
	// PresignedModules are the buyers' modules PUT straight to the store
	// (meadow_modules_presigned_total): the journey's wasm step's.
	PresignedModules int64 `json:"presigned_modules"`
	MembersCounted   int   `json:"members_counted"`
	// Checkers are the checkers' URLs (meadow dev --checkers);
	// CheckedByCheckers the presigned uploads they checked for the
	// members (meadow_uploads_checked_by_checker_total), and
	// CheckedWithoutCheckers those a member checked itself because none
	// answered (meadow_uploads_checked_without_checker_total).
	Checkers               []string `json:"checkers,omitempty"`
	CheckedByCheckers      int64    `json:"checked_by_checkers"`
	CheckedWithoutCheckers int64    `json:"checked_without_checkers"`
}

// openObjectStore starts the store of Config.ObjectStoreBinary, or takes
// Config.ObjectStore, as the coordinators' store, and opens the client that
// the journey counts the bucket with (not for a given store whose keys only
// the coordinators know).
func (n *Network) openObjectStore(ctx context.Context) error {
	var access, secret string
	switch {
	case n.cfg.ObjectStoreBinary != "":
		var err error
		if access, secret, err = n.startObjectStore(ctx); err != nil {
			return err
		}
	case n.cfg.ObjectStore != nil:
		n.objectStore = n.cfg.ObjectStore
		access, secret = n.objectStore.AccessKey, n.objectStore.SecretKey
	}
	if access == "" {
		return nil
	}
	o := n.objectStore
	s, err := blob.NewS3(blob.S3Config{Endpoint: o.Endpoint, Bucket: o.Bucket, Region: o.Region, Prefix: o.Prefix, UseTLS: o.UseTLS,
		AccessKey: access, SecretKey: secret, SpoolDir: n.dir, MaxRetries: 1})
	if err != nil {
		return fmt.Errorf("devnet: object store: %w", err)
	}
	n.store = s
	return nil
}

// startObjectStore runs the gateway over DIR/objectstore/root with fresh
// random keys, written for the coordinators to DIR/objectstore/credentials
// (0600), and creates the run's bucket.
func (n *Network) startObjectStore(ctx context.Context) (access, secret string, err error) {
	dir := filepath.Join(n.dir, ObjectStoreDirName)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", "", fmt.Errorf("devnet: object store: %w", err)
	}
	if access, secret, err = s3gw.NewKeys(); err != nil {
		return "", "", err
	}
	creds := filepath.Join(dir, "credentials")
	if err := s3gw.WriteCredentials(creds, access, secret); err != nil {
		return "", "", fmt.Errorf("devnet: object store: %w", err)
	}
	gw, err := s3gw.Start(ctx, s3gw.Config{Binary: n.cfg.ObjectStoreBinary, Root: filepath.Join(dir, "root"),
		AccessKey: access, SecretKey: secret, Log: filepath.Join(dir, "gateway.log")})
	if err != nil {
		return "", "", fmt.Errorf("devnet: object store: %w", err)
	}
	n.gw = gw
	if err := gw.MakeBucket(ctx, devBucket); err != nil {
		return "", "", fmt.Errorf("devnet: object store: %w", err)
	}
	n.objectStore = &coord.ObjectStoreConfig{Endpoint: gw.Endpoint, Bucket: devBucket, Prefix: devBlobPrefix, CredentialsFile: creds}
	n.log.Info("object store started", "endpoint", gw.Endpoint, "bucket", devBucket, "pid", gw.PID(), "root", gw.Root)
	return access, secret, nil
}

// objectStoreInfo describes the store, before anything is counted; nil
// without one.
func (n *Network) objectStoreInfo() *ObjectStoreSummary {
	o := n.objectStore
	if o == nil {
		return nil
	}
	scheme := "http"
	if o.UseTLS {
		scheme = "https"
	}
	info := &ObjectStoreSummary{Store: "s3 " + scheme + "://" + o.Endpoint + "/" + o.Bucket + "/" + o.Prefix,
		Endpoint: o.Endpoint, Bucket: o.Bucket, Prefix: o.Prefix, CredentialsFile: o.CredentialsFile, Checkers: n.checkerURLs}
	if n.gw != nil {
		info.PID, info.Root, info.Log = n.gw.PID(), n.gw.Root, n.gw.Log
	}
	return info
}

// checkObjectStore is the journey's last step on a network with an object
// store: the bucket holds blobs, among them every blob of the datasets the
// journey downloaded (their manifests in outDir), and the members' blob
// directories hold none.
func (n *Network) checkObjectStore(ctx context.Context, s *Summary, outDir string, step func(string, string, time.Time)) (string, error) {
	const name = "object store"
	if n.store == nil {
		return "", nil
	}
	t0 := time.Now()
	info := n.objectStoreInfo()
	if err := n.store.Walk(ctx, func(i blob.Info) error {
		info.Objects++
		info.Bytes += i.Size
		return nil
	}); err != nil {
		return name, err
	}
	seen := map[dataset.Hash]bool{}
	for _, j := range s.Jobs {
		raw, err := os.ReadFile(filepath.Join(outDir, j.Dataset+".manifest.json"))
		if err != nil {
			return name, err
		}
		m, err := dataset.ParseManifest(raw)
		if err != nil {
			return name, fmt.Errorf("%s: %w", j.Name, err)
		}
		for _, t := range m.Tasks {
			if seen[t.BlobSHA256] {
				continue
			}
			if _, err := n.store.Stat(ctx, t.BlobSHA256); err != nil {
				return name, fmt.Errorf("%s: dataset %s: the blob of task %s is not in %s: %w", j.Name, j.Dataset, t.TaskID, n.store, err)
			}
			seen[t.BlobSHA256] = true
		}
	}
	info.DatasetBlobs = len(seen)
	local, err := n.localBlobs()
	if err != nil {
		return name, err
	}
	info.LocalBlobs, info.Checked = local, true
	counts, members, err := n.memberCounters(ctx, "meadow_uploads_presigned_total", "meadow_uploads_proxied_total", "meadow_upload_proxied_bytes_total", "meadow_modules_presigned_total",
		"meadow_uploads_checked_by_checker_total", "meadow_uploads_checked_without_checker_total", "meadow_uploads_proxy_refused_total")
	if err != nil {
		return name, err
	}
	info.PresignedModules = int64(counts["meadow_modules_presigned_total"])
	info.ProxyRefused = int64(counts["meadow_uploads_proxy_refused_total"])
	info.CheckedByCheckers = int64(counts["meadow_uploads_checked_by_checker_total"])
	info.CheckedWithoutCheckers = int64(counts["meadow_uploads_checked_without_checker_total"])
	info.PresignedUploads, info.ProxiedUploads = int64(counts["meadow_uploads_presigned_total"]), int64(counts["meadow_uploads_proxied_total"])
	info.ProxiedBytes, info.MembersCounted = int64(counts["meadow_upload_proxied_bytes_total"]), members
	s.ObjectStore = info
	switch {
	case info.Objects == 0:
		return name, fmt.Errorf("%s holds no blob: expected every blob of the journey there", n.store)
	case local > 0:
		return name, fmt.Errorf("the members' blob directories (%s) hold %d files: expected none, every blob in %s", filepath.Join(n.dir, "cN", "blobs"), local, n.store)
	case info.ProxiedUploads > 0:
		return name, fmt.Errorf("%d task blobs (%d bytes) went through a coordinator (meadow_uploads_proxied_total): expected every node to PUT its blob straight to %s through a presigned URL; the nodes' logs say why they fell back",
			info.ProxiedUploads, info.ProxiedBytes, n.store)
	case info.PresignedUploads == 0:
		return name, fmt.Errorf("no member counts a presigned upload (meadow_uploads_presigned_total over the %d that answered): expected the nodes' blobs to go straight to %s", members, n.store)
	case len(n.checkerURLs) > 0 && info.CheckedByCheckers == 0:
		return name, fmt.Errorf("no member had a checker check an upload (meadow_uploads_checked_by_checker_total; %d checked without one): expected the checkers %v to check them", info.CheckedWithoutCheckers, n.checkerURLs)
	}
	checked := ""
	if len(n.checkerURLs) > 0 {
		checked = fmt.Sprintf(", %d checked by %d checkers (%d by a member itself)", info.CheckedByCheckers, len(n.checkerURLs), info.CheckedWithoutCheckers)
	}
	if info.ProxyRefused > 0 {
		checked += fmt.Sprintf("; %d uploads offered to a coordinator after failed PUTs were refused and tried again at the store", info.ProxyRefused)
	}
	step(name, fmt.Sprintf("%d blobs, %d bytes in %s, the %d blobs of the %d datasets among them; the members' blob directories hold none; %d task blobs PUT straight to the store, none through a coordinator%s",
		info.Objects, info.Bytes, n.store, info.DatasetBlobs, len(s.Jobs), info.PresignedUploads, checked), t0)
	return "", nil
}

// localBlobs counts the files under the coordinators' blob directories
// (DIR/cN/blobs); a directory that does not exist holds none.
func (n *Network) localBlobs() (int64, error) {
	var count int64
	for _, id := range n.CoordIDs {
		err := filepath.WalkDir(filepath.Join(n.dir, id, "blobs"), func(_ string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.Type().IsRegular() {
				count++
			}
			return nil
		})
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return count, fmt.Errorf("devnet: %s's blob directory: %w", id, err)
		}
	}
	return count, nil
}
