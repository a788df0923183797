//go:build !linux

package devnet

import "syscall"

// childAttr is nil where the kernel cannot kill a child with its parent:
// Network.Close stops the coordinator processes.
func childAttr() *syscall.SysProcAttr { return nil }
