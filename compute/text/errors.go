package text

import "errors"

// ErrInvalidParams is wrapped by every error of Params.Validate.
var ErrInvalidParams = errors.New("text: invalid parameters")
