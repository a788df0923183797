package dataset

import (
	"os"
	"syscall"
	"testing"
	"unsafe"
)

// TestCollapsedASCIIAtPageEdges puts texts at the very end of a mapped page
// followed by one that may not be read, and at the start of the page after
// one that may not be read: the vector collapse reads whole 32-byte blocks,
// and its last, partial block must stay within the text's pages.
func TestCollapsedASCIIAtPageEdges(t *testing.T) {
	ps := os.Getpagesize()
	mem, err := syscall.Mmap(-1, 0, 3*ps, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Munmap(mem) })
	for _, guard := range [][]byte{mem[:ps], mem[2*ps:]} {
		if err := syscall.Mprotect(guard, syscall.PROT_NONE); err != nil {
			t.Fatal(err)
		}
	}
	page := mem[ps : 2*ps]
	for _, s := range collapsedASCIITexts(20000) {
		if len(s) == 0 {
			continue
		}
		for _, off := range []int{ps - len(s), 0} {
			copy(page[off:], s)
			checkCollapsed(t, unsafe.String(&page[off], len(s)))
		}
	}
}
