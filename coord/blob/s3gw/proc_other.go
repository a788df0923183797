//go:build !linux

package s3gw

import "syscall"

// childAttr is nil where the kernel cannot kill a child with its parent: the
// caller stops the gateway with Kill.
func childAttr() *syscall.SysProcAttr { return nil }
