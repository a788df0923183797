// Package arm64test builds Go code for linux/arm64 and runs it under
// Debian's qemu-user, for tests that require arm64 to give the same bits
// as the machine they run on. Go may fuse x*y + z into one FMA instruction
// on arm64 and does not on amd64 (GOAMD64=v1), so float code can round
// differently there; home nodes include Raspberry Pis and Apple-silicon
// machines, and replicas are cross-checked bit for bit.
//
// Builds are CGO_ENABLED=0. A binary that is dynamically linked anyway (a
// package that loads NVML or CUDA with purego takes dlopen from glibc)
// runs with qemu-aarch64 -L Sysroot, the arm64 glibc of Debian's
// libc6-arm64-cross; a static one runs without it. A missing qemu-aarch64
// or sysroot fails the test naming the Debian package: scripts/deps.sh
// installs both. On a linux/arm64 machine binaries run natively.
package arm64test
