package config

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestReadSecret(t *testing.T) {
	dir := t.TempDir()
	secret := strings.Repeat("k", MinSecretLen)
	generate := "generate one with: (umask 077; head -c 32 /dev/urandom | base64 > "
	tests := []struct {
		name    string
		content string // the file is not created when empty and mode is 0
		mode    os.FileMode
		want    string // the secret, or the start of the error
		wantErr bool
	}{
		{name: "secret", content: secret, mode: 0o600, want: secret},
		{name: "whitespace trimmed", content: "\n  " + secret + "x\r\n", mode: 0o400, want: secret + "x"},
		{name: "group may read", content: secret, mode: 0o640, want: secret},
		{name: "missing", wantErr: true, want: "no such file: %s: " + generate + "%s)"},
		{name: "empty", content: " \n", mode: 0o600, wantErr: true, want: "secret file %s is empty: " + generate + "%s)"},
		{name: "short", content: secret[1:] + "\n", mode: 0o600, wantErr: true,
			want: "secret file %s holds 31 bytes, fewer than the 32 a secret needs: " + generate + "%s)"},
		{name: "readable by others", content: secret, mode: 0o644, wantErr: true,
			want: "secret file %s is readable by every user (mode -rw-r--r--): chmod 600 %s"},
		{name: "too large", content: strings.Repeat("k", 64<<10+1), mode: 0o600, wantErr: true,
			want: "secret file %s is larger than 64KiB, so it is not a secret: check the path"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.name == "readable by others" && runtime.GOOS == "windows" {
				t.Skip("file modes are not checked on Windows")
			}
			path := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "-"))
			if tt.mode != 0 {
				if err := os.WriteFile(path, []byte(tt.content), 0o600); err != nil {
					t.Fatal(err)
				}
				if err := os.Chmod(path, tt.mode); err != nil { // WriteFile's mode is masked by the umask
					t.Fatal(err)
				}
			}
			got, err := ReadSecret(path)
			if !tt.wantErr {
				if err != nil || string(got) != tt.want {
					t.Fatalf("ReadSecret = %q, %v; want %q", got, err, tt.want)
				}
				return
			}
			want := strings.ReplaceAll(tt.want, "%s", path)
			if err == nil || err.Error() != want {
				t.Fatalf("ReadSecret = %q, %v; want the error %q", got, err, want)
			}
		})
	}
}

func TestReadSecretNotAFile(t *testing.T) {
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	_, err := ReadSecret(dir)
	if want := "secret file " + dir + " is not a regular file (d---------): give the path of a file"; err == nil || err.Error() != want {
		t.Errorf("ReadSecret(a directory) = %v, want %q", err, want)
	}
}
