package s3gw

import "syscall"

// childAttr puts the gateway in a process group of its own, so that a
// Ctrl-C at the terminal reaches only its parent, which stops it after the
// coordinators that write to it; and has the kernel kill it when the process
// that started it dies, so that a crashed `meadow dev` or a test killed by
// its timeout leaves no gateway behind. (The signal follows the OS thread
// that started the child; Go keeps its threads alive unless a goroutine
// locked to one exits.)
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
