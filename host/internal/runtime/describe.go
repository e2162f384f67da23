package runtime

import (
	"crypto/rand"
	"errors"
	"fmt"

	"github.com/tetratelabs/wazero/sys"
)

// randReader is every instance's source of random bytes.
var randReader = rand.Reader

// describe rewrites wazero's errors into what a function author can act on.
func describe(err error) error {
	if errors.Is(err, errInterrupted) {
		return errInterrupted
	}
	var exit *sys.ExitError
	if errors.As(err, &exit) {
		switch exit.ExitCode() {
		case sys.ExitCodeDeadlineExceeded:
			return errors.New("interrupted at its time limit")
		case sys.ExitCodeContextCanceled:
			return errors.New("interrupted: canceled")
		}
		return fmt.Errorf("exited with code %d (a Go guest exits with 2 on a fatal error such as running out of memory)", exit.ExitCode())
	}
	return err
}
