//go:build !nodeonly

package contracts

import (
	"fmt"
	"strings"
	"time"
)

// AdvanceTime mines one block whose timestamp is d past its parent's, on
// the in-process chain (a vault's lock counts in seconds); over JSON-RPC
// it fails.
func (c *Chain) AdvanceTime(d time.Duration) error {
	if c.sim == nil {
		return fmt.Errorf("contracts: advance time by %s: only the in-process chain can (%s is a real one)", d, c.endpoint)
	}
	if d < 0 {
		return fmt.Errorf("contracts: advance time by %s: time only moves forward", d)
	}
	c.commitMu.Lock()
	defer c.commitMu.Unlock()
	var err error
	for try := 0; try < 5; try++ {
		// The simulated beacon refuses to move time while its pool lists a
		// transaction, and the pool updates asynchronously: a transaction
		// just mined can still be listed for a moment (seen on a loaded
		// machine), and one just sent may not have made its block. Mine
		// whatever is really pending, wait a little, and try again.
		if err = c.sim.AdjustTime(d); err == nil || !strings.Contains(err.Error(), "non-empty block") {
			break
		}
		c.sim.Commit()
		time.Sleep(10 * time.Millisecond)
	}
	if err != nil {
		return fmt.Errorf("contracts: advance time by %s: %w", d, err)
	}
	return nil
}
