package lang

import "errors"

// ErrConfig is wrapped by every error of Config.Validate.
var ErrConfig = errors.New("lang: invalid config")
