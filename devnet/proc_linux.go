package devnet

import "syscall"

// childAttr has the kernel kill a coordinator process when the process that
// started it dies, so that a test killed by its timeout or a crashed
// `meadow dev` leaves no coordinator behind holding its ports. (The signal
// follows the OS thread that started the child; Go keeps its threads alive
// unless a goroutine locked to one exits, which devnet never does.)
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
