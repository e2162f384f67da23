package bundle

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/wasmpages/wasmpages/host/internal/config"
)

// testConfig is the pages.toml of the test projects.
const testConfig = "name = \"x\"\npages_build_output_dir = \"public\"\n"

// writeTree writes files, by slash-separated path relative to dir.
func writeTree(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// newProject writes a built project into a new directory and returns the
// directory and its parsed pages.toml.
func newProject(t testing.TB, files map[string]string) (string, *config.Project) {
	t.Helper()
	dir := t.TempDir()
	writeTree(t, dir, files)
	p, err := config.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	return dir, p
}

// pack packs the project in dir and returns the bundle and its id.
func pack(t testing.TB, dir string, p *config.Project, routes []Route) ([]byte, string) {
	t.Helper()
	var buf bytes.Buffer
	_, id, size, err := Pack(&buf, dir, p, routes)
	if err != nil {
		t.Fatal(err)
	}
	if size != int64(buf.Len()) || id != sum(buf.Bytes()) {
		t.Fatalf("Pack returned size %d and id %s for %d bytes with SHA-256 %s", size, id, buf.Len(), sum(buf.Bytes()))
	}
	return buf.Bytes(), id
}

// sum returns the hex SHA-256 of b.
func sum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// entry is one entry of a hand-built archive.
type entry struct {
	name string
	body string
	typ  byte   // tar.TypeReg when zero
	link string // for links
	size int64  // the header's size when not zero; len(body) otherwise
	pax  map[string]string
}

// file is a regular file entry.
func file(name, body string) entry { return entry{name: name, body: body} }

// manifestOf returns a valid manifest for project "x" listing the regular
// files among entries, sorted.
func manifestOf(entries ...entry) *Manifest {
	m := &Manifest{Version: Version, Project: "x", OutputDir: "public"}
	for _, e := range entries {
		if e.typ == 0 || e.typ == tar.TypeReg {
			m.Files = append(m.Files, File{Path: e.name, Size: int64(len(e.body)), SHA256: sum([]byte(e.body))})
		}
	}
	slices.SortFunc(m.Files, func(a, b File) int { return strings.Compare(a.Path, b.Path) })
	return m
}

// manifestEntry returns the manifest.json entry of m.
func manifestEntry(t testing.TB, m *Manifest) entry {
	t.Helper()
	data, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return file(manifestName, string(data))
}

// archive returns the gzip-compressed tar of entries, in order.
func archive(t testing.TB, entries ...entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for _, e := range entries {
		hdr := &tar.Header{Name: e.name, Typeflag: e.typ, Linkname: e.link, Mode: 0o644, Size: e.size, PAXRecords: e.pax}
		if hdr.Typeflag == 0 {
			hdr.Typeflag = tar.TypeReg
		}
		if hdr.Size == 0 && hdr.Typeflag == tar.TypeReg {
			hdr.Size = int64(len(e.body))
		}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatalf("writing header of %q: %v", e.name, err)
		}
		if _, err := tw.Write([]byte(e.body)); err != nil {
			t.Fatalf("writing %q: %v", e.name, err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := gz.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// goodFiles are the files of a minimal valid bundle.
var goodFiles = []entry{
	file("pages.toml", testConfig),
	file("public/index.html", "<h1>hello</h1>"),
}

// goodBundle returns a minimal valid hand-built bundle.
func goodBundle(t testing.TB) []byte {
	t.Helper()
	return archive(t, append([]entry{manifestEntry(t, manifestOf(goodFiles...))}, goodFiles...)...)
}

// listDir returns the names in dir.
func listDir(t testing.TB, dir string) []string {
	t.Helper()
	des, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, de := range des {
		names = append(names, de.Name())
	}
	return names
}

// readTree returns every regular file below dir by slash-separated path,
// failing on anything but regular files and directories.
func readTree(t testing.TB, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		if !d.Type().IsRegular() {
			t.Errorf("%s is not a regular file (%v)", p, d.Type())
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		files[filepath.ToSlash(rel)] = string(b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}
