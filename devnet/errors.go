package devnet

import "errors"

// ErrInProcess is returned by what only coordinator processes can do (be
// killed, be restarted) when the coordinators run in this process
// (Config.CoordBinary empty).
var ErrInProcess = errors.New("devnet: the coordinators run in this process, not as processes (Config.CoordBinary is empty)")
