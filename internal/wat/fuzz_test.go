package wat

import (
	"bytes"
	"errors"
	"testing"
)

// FuzzCompile checks that Compile never panics, fails only with *Error, and
// is deterministic.
func FuzzCompile(f *testing.F) {
	for _, tc := range runCases {
		f.Add([]byte(tc.src))
	}
	for _, tc := range errorCases {
		f.Add([]byte(tc.src))
	}
	f.Add([]byte(opModule()))
	f.Fuzz(func(t *testing.T, src []byte) {
		bin, err := Compile(src)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || bin != nil {
				t.Fatalf("Compile failed with %T %v and %d bytes of output", err, err, len(bin))
			}
			return
		}
		again, _ := Compile(src)
		if !bytes.Equal(bin, again) {
			t.Fatal("Compile is not deterministic")
		}
	})
}
