package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime"
)

// MinSecretLen is the least number of bytes a secret or token file holds,
// after surrounding whitespace is trimmed.
const MinSecretLen = 32

// maxSecretLen bounds what ReadSecret reads: a secret is short, and a
// larger file is not one.
const maxSecretLen = 64 << 10

// ReadSecret reads a secret or token file, such as node.toml's
// cluster.secret_file or admin.token_file, and returns its contents with
// surrounding whitespace trimmed. It fails, saying what to do, when the
// file is missing, is not a regular file, is readable by every user of the
// machine (mode & 0o004; not checked on Windows), is larger than 64KiB, or
// holds fewer than MinSecretLen bytes.
func ReadSecret(path string) ([]byte, error) {
	generate := fmt.Sprintf("generate one with: (umask 077; head -c 32 /dev/urandom | base64 > %s)", path)
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("no such file: %s: %s", path, generate)
	}
	if err != nil {
		return nil, fmt.Errorf("reading secret: %w", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("reading secret: %w", err)
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("secret file %s is not a regular file (%v): give the path of a file", path, info.Mode().Type())
	}
	if info.Mode().Perm()&0o004 != 0 && runtime.GOOS != "windows" {
		return nil, fmt.Errorf("secret file %s is readable by every user (mode %v): chmod 600 %s", path, info.Mode().Perm(), path)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxSecretLen+1))
	if err != nil {
		return nil, fmt.Errorf("reading secret: %w", err)
	}
	if len(data) > maxSecretLen {
		return nil, fmt.Errorf("secret file %s is larger than 64KiB, so it is not a secret: check the path", path)
	}
	secret := bytes.TrimSpace(data)
	switch {
	case len(secret) == 0:
		return nil, fmt.Errorf("secret file %s is empty: %s", path, generate)
	case len(secret) < MinSecretLen:
		return nil, fmt.Errorf("secret file %s holds %d bytes, fewer than the %d a secret needs: %s", path, len(secret), MinSecretLen, generate)
	}
	return secret, nil
}
