package s3gw

import "errors"

var (
	// ErrNotInstalled is returned by Find when the gateway is neither in
	// the module's .cache/bin nor on PATH.
	ErrNotInstalled = errors.New("s3gw: Versity's S3 gateway is not installed")
	// ErrConfig is a Config that lacks a field Start needs.
	ErrConfig = errors.New("s3gw: invalid config")
)
