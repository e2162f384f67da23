package bundle

import (
	"bytes"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// FuzzUnpack unpacks arbitrary bytes, with their own SHA-256 as the id so
// that the id check is not what refuses them. Unpack must never panic; when
// it fails, nothing is left beside dst; when it succeeds, dst holds exactly
// the manifest's files, as regular files with their listed sizes, and
// nothing was created beside dst.
func FuzzUnpack(f *testing.F) {
	f.Add(goodBundle(f))
	for _, h := range hostileBundles {
		if h.lim == (Limits{}) {
			f.Add(h.data(f))
		}
	}
	dir, p := newProject(f, projectFiles)
	data, _ := pack(f, dir, p, []Route{{Path: "/api/:id", Module: "api/[id].wasm"}})
	f.Add(data)

	lim := Limits{MaxSize: 4 << 20, MaxUnpacked: 4 << 20, MaxFiles: 64}
	f.Fuzz(func(t *testing.T, data []byte) {
		parent := t.TempDir()
		dst := filepath.Join(parent, "d")
		m, err := Unpack(bytes.NewReader(data), sum(data), dst, lim)
		if err != nil {
			if names := listDir(t, parent); len(names) != 0 {
				t.Fatalf("Unpack failed (%v) and left %q", err, names)
			}
			if _, statErr := os.Lstat(dst); !errors.Is(statErr, os.ErrNotExist) {
				t.Fatalf("Unpack failed (%v) and dst exists", err)
			}
			return
		}
		if names := listDir(t, parent); !slices.Equal(names, []string{"d"}) {
			t.Fatalf("beside dst: %q", names)
		}
		files := readTree(t, dst)
		want := map[string]int64{}
		for _, f := range m.Files {
			want[f.Path] = f.Size
		}
		if got := slices.Sorted(maps.Keys(files)); !slices.Equal(got, slices.Sorted(maps.Keys(want))) {
			t.Fatalf("dst holds %q, the manifest lists %+v", got, m.Files)
		}
		for name, content := range files {
			if int64(len(content)) != want[name] {
				t.Errorf("%s has %d bytes, the manifest says %d", name, len(content), want[name])
			}
		}
	})
}
