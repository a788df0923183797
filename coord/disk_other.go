//go:build !unix

package coord

import "errors"

// freeBytes cannot tell on this system; the disk checks then rely on
// persist failures alone.
func freeBytes(string) (uint64, error) {
	return 0, errors.New("coord: free space unknown on this system")
}
