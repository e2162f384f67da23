package secrets

import (
	"bytes"
	"errors"
	"maps"
	"strings"
	"testing"
)

var clusterSecret = bytes.Repeat([]byte("k"), 32)

func TestSealOpen(t *testing.T) {
	box, err := NewBox(clusterSecret)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"API_KEY": "s3cr3t-value", "DB_URL": "postgres://u:p@db/x"}
	sealed, err := box.Seal("site", "dep1", want)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range want {
		if bytes.Contains(sealed, []byte(v)) {
			t.Fatalf("the sealed form holds %q in clear text", v)
		}
	}
	got, err := box.Open("site", "dep1", sealed)
	if err != nil || !maps.Equal(got, want) {
		t.Fatalf("open: %v %v", got, err)
	}
	again, _ := box.Seal("site", "dep1", want)
	if bytes.Equal(again, sealed) || Version(again) == Version(sealed) {
		t.Error("sealing twice gave the same bytes: the nonce is not random")
	}
	if Version(sealed) != Version(append([]byte(nil), sealed...)) || Version(nil) != "" {
		t.Error("Version is not a function of the sealed bytes")
	}

	other, _ := NewBox(bytes.Repeat([]byte("x"), 32))
	tampered := append([]byte(nil), sealed...)
	tampered[len(tampered)-1] ^= 1
	for name, open := range map[string]func() (map[string]string, error){
		"another cluster secret": func() (map[string]string, error) { return other.Open("site", "dep1", sealed) },
		"another project":        func() (map[string]string, error) { return box.Open("other", "dep1", sealed) },
		"another deployment":     func() (map[string]string, error) { return box.Open("site", "dep2", sealed) },
		"a flipped bit":          func() (map[string]string, error) { return box.Open("site", "dep1", tampered) },
		"truncated":              func() (map[string]string, error) { return box.Open("site", "dep1", sealed[:10]) },
	} {
		if got, err := open(); !errors.Is(err, ErrOpen) || got != nil {
			t.Errorf("%s: opened to %v, %v", name, got, err)
		}
	}

	if s, err := box.Seal("site", "dep1", nil); s != nil || err != nil {
		t.Errorf("no secrets sealed to %v, %v", s, err)
	}
	if m, err := box.Open("site", "dep1", nil); err != nil || len(m) != 0 {
		t.Errorf("nil opened to %v, %v", m, err)
	}
}

func TestCheck(t *testing.T) {
	many := map[string]string{}
	for i := range MaxCount + 1 {
		many["S"+strings.Repeat("x", i)] = "v"
	}
	for _, tt := range []struct {
		secrets map[string]string
		problem string
	}{
		{map[string]string{"API_KEY": "v", "_x1": ""}, ""},
		{map[string]string{"1ABC": "v"}, "not a valid secret name"},
		{map[string]string{"A-B": "v"}, "not a valid secret name"},
		{map[string]string{"": "v"}, "not a valid secret name"},
		{map[string]string{"BIG": strings.Repeat("v", MaxValueSize+1)}, "secret BIG is 5121 bytes"},
		{map[string]string{"BIN": "a\xffb"}, "secret BIN is not UTF-8 text"},
		{func() map[string]string {
			m := map[string]string{}
			for i := range 7 {
				m["S"+strings.Repeat("x", i)] = strings.Repeat("v", MaxValueSize)
			}
			return m
		}(), "at most 32768 are allowed"},
		{many, "at most 128"},
	} {
		err := Check(tt.secrets)
		if tt.problem == "" && err != nil || tt.problem != "" && (err == nil || !strings.Contains(err.Error(), tt.problem)) {
			t.Errorf("Check(%d secrets) = %v, want %q", len(tt.secrets), err, tt.problem)
		}
	}
	box, _ := NewBox(clusterSecret)
	if _, err := box.Seal("site", "d", map[string]string{"A B": "v"}); err == nil {
		t.Error("Seal took a bad name")
	}
}
