package bundle

import (
	"errors"
	"fmt"
)

// ErrInvalid is matched, with errors.Is, by every error of Unpack that is
// about the bundle itself rather than the machine unpacking it: a malformed
// or hostile archive, a manifest that does not match the files, a bundle
// over the limits, or bytes that do not hash to the deployment id. A server
// answers such an error with 400 Bad Request.
var ErrInvalid = errors.New("bundle: invalid")

// invalid returns an error that wraps ErrInvalid with a message.
func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
}
