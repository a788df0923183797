//go:build nodeonly

package contracts

import "github.com/ethereum/go-ethereum/common"

// In the node-only build (-tags nodeonly) there is no in-process chain
// (simulated.go): a Chain is always one reached over JSON-RPC, so c.sim is
// always nil and this type is never used.
type simBackend struct{}

func (*simBackend) Commit() common.Hash { return common.Hash{} }
