package bundle

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// hostile is a bundle that Unpack must refuse.
type hostile struct {
	name string
	data func(t testing.TB) []byte
	id   string // the id given to Unpack; the SHA-256 of data when empty
	lim  Limits
	want string // in the error's message
}

// withManifest returns an archive of a manifest listing listed and of
// entries.
func withManifest(t testing.TB, listed []entry, entries ...entry) []byte {
	return archive(t, append([]entry{manifestEntry(t, manifestOf(listed...))}, entries...)...)
}

// plus returns goodFiles and more.
func plus(more ...entry) []entry {
	return append(slices.Clone(goodFiles), more...)
}

// gzipOf returns b, gzip-compressed.
func gzipOf(t testing.TB, b []byte) []byte {
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	if _, err := gz.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := gz.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

var hostileBundles = []hostile{
	{
		name: "not gzip",
		data: func(t testing.TB) []byte { return []byte("PK\x03\x04 this is a zip file, not a bundle") },
		want: "not a bundle (a bundle is a gzip-compressed tar): gzip: invalid header",
	},
	{
		name: "gzip of garbage",
		data: func(t testing.TB) []byte { return gzipOf(t, bytes.Repeat([]byte("garbage!"), 200)) },
		want: "not a bundle (a bundle is a gzip-compressed tar): archive/tar: invalid tar header",
	},
	{
		name: "empty archive",
		data: func(t testing.TB) []byte { return archive(t) },
		want: "not a bundle: the archive is empty",
	},
	{
		name: "first entry not the manifest",
		data: func(t testing.TB) []byte { return archive(t, goodFiles...) },
		want: `not a bundle: the first entry is "pages.toml", not a file named manifest.json`,
	},
	{
		name: "malformed manifest",
		data: func(t testing.TB) []byte {
			return archive(t, append([]entry{file(manifestName, `{"version":1,`)}, goodFiles...)...)
		},
		want: "manifest.json: unexpected EOF",
	},
	{
		name: "manifest with an unknown field",
		data: func(t testing.TB) []byte {
			return archive(t, append([]entry{file(manifestName, `{"version":1,"project":"x","output_dir":"public","files":[],"extra":1}`)}, goodFiles...)...)
		},
		want: `manifest.json: json: unknown field "extra"`,
	},
	{
		name: "unknown manifest version",
		data: func(t testing.TB) []byte {
			m := manifestOf(goodFiles...)
			m.Version = 2
			return archive(t, append([]entry{manifestEntry(t, m)}, goodFiles...)...)
		},
		want: "manifest.json: version 2 is not supported: this node reads version 1",
	},
	{
		name: "manifest lists a path outside",
		data: func(t testing.TB) []byte {
			m := manifestOf(goodFiles...)
			m.Files = append(m.Files, File{Path: "public/../../evil", SHA256: sum(nil)})
			return archive(t, append([]entry{manifestEntry(t, m)}, goodFiles...)...)
		},
		want: `manifest.json: file "public/../../evil": the path has a ".." component`,
	},
	{
		name: "manifest lists .dev.vars",
		data: func(t testing.TB) []byte {
			files := plus(file(".dev.vars", "SECRET=1"))
			return withManifest(t, files, files...)
		},
		want: `manifest.json: file ".dev.vars": not pages.toml, under public/ or a module under functions/`,
	},
	{
		name: "manifest with a file that is also a directory",
		data: func(t testing.TB) []byte {
			files := plus(file("public/a", "file"), file("public/a/b", "file below"))
			return withManifest(t, files, files...)
		},
		want: `manifest.json: file "public/a/b": "public/a" is a file, not a directory`,
	},
	{
		name: "manifest without pages.toml",
		data: func(t testing.TB) []byte {
			files := goodFiles[1:]
			return withManifest(t, files, files...)
		},
		want: "manifest.json: no pages.toml listed",
	},
	{
		name: "pages.toml disagrees with the manifest",
		data: func(t testing.TB) []byte {
			files := []entry{file("pages.toml", "name = \"y\"\npages_build_output_dir = \"public\"\n"), goodFiles[1]}
			return withManifest(t, files, files...)
		},
		want: `pages.toml says project "y" with output directory "public", but manifest.json says "x" and "public"`,
	},
	{
		name: "invalid pages.toml",
		data: func(t testing.TB) []byte {
			files := []entry{file("pages.toml", "name = \"x\"\npages_build_output_dir = \"public\"\nbogus = 1\n"), goodFiles[1]}
			return withManifest(t, files, files...)
		},
		want: "pages.toml:3: bogus:",
	},
	{
		name: "parent directory",
		data: func(t testing.TB) []byte { return withManifest(t, goodFiles, plus(file("../evil", "x"))...) },
		want: `entry "../evil": the path has a ".." component`,
	},
	{
		name: "absolute path",
		data: func(t testing.TB) []byte { return withManifest(t, goodFiles, plus(file("/etc/passwd", "x"))...) },
		want: `entry "/etc/passwd": the path is absolute`,
	},
	{
		name: "climbing path",
		data: func(t testing.TB) []byte { return withManifest(t, goodFiles, plus(file("a/../../b", "x"))...) },
		want: `entry "a/../../b": the path has a ".." component`,
	},
	{
		name: "double slash",
		data: func(t testing.TB) []byte { return withManifest(t, goodFiles, plus(file("public//a", "x"))...) },
		want: `entry "public//a": the path is not clean`,
	},
	{
		name: "dot component",
		data: func(t testing.TB) []byte { return withManifest(t, goodFiles, plus(file("./public/a", "x"))...) },
		want: `entry "./public/a": the path is not clean`,
	},
	{
		name: "backslash",
		data: func(t testing.TB) []byte { return withManifest(t, goodFiles, plus(file(`public\..\..\evil`, "x"))...) },
		want: `the path contains a backslash`,
	},
	{
		name: "control character",
		data: func(t testing.TB) []byte { return withManifest(t, goodFiles, plus(file("public/a\nb", "x"))...) },
		want: `entry "public/a\nb": the path contains a control character`,
	},
	{
		name: "symbolic link",
		data: func(t testing.TB) []byte {
			return withManifest(t, goodFiles, plus(entry{name: "public/passwd", typ: tar.TypeSymlink, link: "/etc/passwd"})...)
		},
		want: `entry "public/passwd" is a symbolic link: a bundle holds regular files only`,
	},
	{
		name: "symbolic link then a file through it",
		data: func(t testing.TB) []byte {
			return withManifest(t, goodFiles, entry{name: "public", typ: tar.TypeSymlink, link: ".."}, goodFiles[0], goodFiles[1])
		},
		want: `entry "public" is a symbolic link`,
	},
	{
		name: "hard link",
		data: func(t testing.TB) []byte {
			return withManifest(t, goodFiles, plus(entry{name: "public/hard", typ: tar.TypeLink, link: "pages.toml"})...)
		},
		want: `entry "public/hard" is a hard link: a bundle holds regular files only`,
	},
	{
		name: "directory named ..",
		data: func(t testing.TB) []byte {
			return withManifest(t, goodFiles, plus(entry{name: "../", typ: tar.TypeDir})...)
		},
		want: `entry "../" is a directory: a bundle holds regular files only`,
	},
	{
		name: "device",
		data: func(t testing.TB) []byte {
			return withManifest(t, goodFiles, plus(entry{name: "public/null", typ: tar.TypeChar})...)
		},
		want: `entry "public/null" is a device`,
	},
	{
		name: "duplicate entry",
		data: func(t testing.TB) []byte { return withManifest(t, goodFiles, plus(goodFiles[1])...) },
		want: "public/index.html appears twice in the bundle",
	},
	{
		name: "duplicate entry with other content",
		data: func(t testing.TB) []byte {
			return withManifest(t, goodFiles, plus(file("public/index.html", "<h1>owned</h1>"))...)
		},
		want: "public/index.html appears twice in the bundle",
	},
	{
		name: "file missing from the manifest",
		data: func(t testing.TB) []byte { return withManifest(t, goodFiles, plus(file("public/extra.html", "x"))...) },
		want: "public/extra.html is not listed in the manifest",
	},
	{
		name: "file missing from the archive",
		data: func(t testing.TB) []byte { return withManifest(t, plus(file("public/gone.html", "x")), goodFiles...) },
		want: "public/gone.html is listed in the manifest but missing from the bundle",
	},
	{
		name: "size mismatch",
		data: func(t testing.TB) []byte {
			return withManifest(t, plus(file("public/a.txt", "abc")), plus(file("public/a.txt", "abcde"))...)
		},
		want: "public/a.txt is 5 bytes, but the manifest says 3",
	},
	{
		name: "hash mismatch",
		data: func(t testing.TB) []byte {
			return withManifest(t, plus(file("public/a.txt", "abc")), plus(file("public/a.txt", "xyz"))...)
		},
		want: "public/a.txt does not match its SHA-256 in the manifest",
	},
	{
		name: "wrong id",
		data: goodBundle,
		id:   strings.Repeat("ab", 32),
		want: "the bundle's content does not match deployment id " + strings.Repeat("ab", 32),
	},
	{
		name: "malformed id",
		data: goodBundle,
		id:   "../../etc",
		want: `deployment id "../../etc" is not 64 lowercase hex digits`,
	},
	{
		name: "over MaxSize",
		data: goodBundle,
		lim:  Limits{MaxSize: 100},
		want: "the bundle is larger than the limit of 100B",
	},
	{
		name: "gzip bomb over MaxUnpacked",
		data: func(t testing.TB) []byte {
			files := plus(file("public/zeros", strings.Repeat("\x00", 2<<20)))
			return withManifest(t, files, files...)
		},
		lim:  Limits{MaxUnpacked: 1 << 20},
		want: "the bundle's files take more than the limit of 1MiB",
	},
	{
		name: "sizes that overflow",
		data: func(t testing.TB) []byte {
			m := manifestOf(plus(file("public/a", "a"))...)
			m.Files[2].Size = math.MaxInt64
			return archive(t, append([]entry{manifestEntry(t, m)}, goodFiles...)...)
		},
		want: "the bundle's files take more than the limit of 1GiB",
	},
	{
		name: "gzip bomb the manifest understates",
		data: func(t testing.TB) []byte {
			return withManifest(t, plus(file("public/zeros", "small")), plus(file("public/zeros", strings.Repeat("\x00", 2<<20)))...)
		},
		lim:  Limits{MaxUnpacked: 1 << 20},
		want: "public/zeros is 2097152 bytes, but the manifest says 5",
	},
	{
		name: "too many files",
		data: func(t testing.TB) []byte {
			files := plus(file("public/a", "a"), file("public/b", "b"))
			return withManifest(t, files, files...)
		},
		lim:  Limits{MaxFiles: 3},
		want: "the bundle has 4 files, more than the limit of 3",
	},
	{
		name: "oversized headers",
		data: func(t testing.TB) []byte {
			pad := map[string]string{"comment": strings.Repeat("x", 900<<10)}
			files := plus(file("public/a", "a"), file("public/b", "b"))
			entries := slices.Clone(files)
			for i := range entries {
				entries[i].pax = pad
			}
			return withManifest(t, files, entries...)
		},
		want: "the archive holds more than its files need",
	},
	{
		name: "truncated",
		data: func(t testing.TB) []byte {
			b := goodBundle(t)
			return b[:len(b)/2]
		},
		want: "not a bundle (a bundle is a gzip-compressed tar): unexpected EOF",
	},
}

func TestUnpackHostile(t *testing.T) {
	for _, h := range hostileBundles {
		t.Run(h.name, func(t *testing.T) {
			data := h.data(t)
			id := h.id
			if id == "" {
				id = sum(data)
			}
			parent := t.TempDir()
			dst := filepath.Join(parent, "deployment")
			m, err := Unpack(bytes.NewReader(data), id, dst, h.lim)
			if err == nil {
				t.Fatalf("Unpack succeeded with manifest %+v", m)
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("error %q does not match ErrInvalid", err)
			}
			if !strings.Contains(err.Error(), h.want) {
				t.Errorf("error %q does not contain %q", err, h.want)
			}
			if names := listDir(t, parent); len(names) != 0 {
				t.Errorf("Unpack left %q in the parent of dst", names)
			}
		})
	}
}

// countingReader counts the bytes read from r.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// endless reads as an endless run of zero bytes.
type endless struct{}

func (endless) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

func TestUnpackStopsAtMaxSize(t *testing.T) {
	// A bundle followed by endless data: Unpack stops at the limit rather
	// than reading, or holding, all of it.
	const limit = 1 << 20
	r := &countingReader{r: io.MultiReader(bytes.NewReader(goodBundle(t)), endless{})}
	dst := filepath.Join(t.TempDir(), "d")
	_, err := Unpack(r, strings.Repeat("0", 64), dst, Limits{MaxSize: limit})
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "larger than the limit of 1MiB") {
		t.Fatalf("error = %v, want the size limit", err)
	}
	if r.n > limit+1 {
		t.Errorf("Unpack read %d bytes with a limit of %d", r.n, limit)
	}
}

func TestUnpackTrailingData(t *testing.T) {
	tests := []struct {
		name string
		data func(t testing.TB) []byte
	}{
		{"after the gzip stream", func(t testing.TB) []byte {
			return append(goodBundle(t), "trailing garbage"...)
		}},
		{"a second gzip stream", func(t testing.TB) []byte {
			return append(goodBundle(t), gzipOf(t, []byte("more"))...)
		}},
		{"after the tar, inside the gzip stream", func(t testing.TB) []byte {
			var tarball bytes.Buffer
			tw := tar.NewWriter(&tarball)
			for _, e := range append([]entry{manifestEntry(t, manifestOf(goodFiles...))}, goodFiles...) {
				if err := tw.WriteHeader(&tar.Header{Name: e.name, Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(e.body))}); err != nil {
					t.Fatal(err)
				}
				if _, err := tw.Write([]byte(e.body)); err != nil {
					t.Fatal(err)
				}
			}
			if err := tw.Close(); err != nil {
				t.Fatal(err)
			}
			tarball.WriteString("trailing garbage inside")
			return gzipOf(t, tarball.Bytes())
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := tt.data(t)
			r := &countingReader{r: bytes.NewReader(data)}
			dst := filepath.Join(t.TempDir(), "d")
			if _, err := Unpack(r, sum(data), dst, Limits{}); err != nil {
				t.Fatal(err)
			}
			if r.n != int64(len(data)) {
				t.Errorf("Unpack read %d of %d bytes", r.n, len(data))
			}
			if got := readTree(t, dst)["public/index.html"]; got != "<h1>hello</h1>" {
				t.Errorf("public/index.html = %q", got)
			}
		})
	}

	t.Run("is part of the id", func(t *testing.T) {
		good := goodBundle(t)
		data := append(slices.Clone(good), "trailing"...)
		_, err := Unpack(bytes.NewReader(data), sum(good), filepath.Join(t.TempDir(), "d"), Limits{})
		if !errors.Is(err, ErrInvalid) {
			t.Fatalf("error = %v, want a mismatched id", err)
		}
	})
}

func TestUnpackExistingDestination(t *testing.T) {
	data := goodBundle(t)
	dst := t.TempDir()
	writeTree(t, dst, map[string]string{"keep.txt": "mine"})
	_, err := Unpack(bytes.NewReader(data), sum(data), dst, Limits{})
	if err == nil || errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("error = %v, want one saying dst exists", err)
	}
	if got := readTree(t, dst); len(got) != 1 || got["keep.txt"] != "mine" {
		t.Errorf("dst now holds %q", got)
	}
	if names := listDir(t, filepath.Dir(dst)); len(names) != 1 {
		t.Errorf("parent of dst holds %q", names)
	}
}

func TestUnpackReadError(t *testing.T) {
	broken := errors.New("connection reset")
	data := goodBundle(t)
	r := io.MultiReader(bytes.NewReader(data[:len(data)/2]), iotestErr{broken})
	parent := t.TempDir()
	_, err := Unpack(r, sum(data), filepath.Join(parent, "d"), Limits{})
	if !errors.Is(err, broken) || errors.Is(err, ErrInvalid) {
		t.Fatalf("error = %v, want the reader's error, not ErrInvalid", err)
	}
	if names := listDir(t, parent); len(names) != 0 {
		t.Errorf("Unpack left %q", names)
	}
}

// iotestErr is a reader that fails with err.
type iotestErr struct{ err error }

func (e iotestErr) Read([]byte) (int, error) { return 0, e.err }

func TestValidID(t *testing.T) {
	tests := []struct {
		id   string
		want bool
	}{
		{sum(nil), true},
		{strings.Repeat("0", 64), true},
		{strings.Repeat("A", 64), false},
		{strings.Repeat("0", 63), false},
		{strings.Repeat("0", 65), false},
		{strings.Repeat("g", 64), false},
		{"", false},
		{"../" + strings.Repeat("0", 61), false},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			if got := ValidID(tt.id); got != tt.want {
				t.Errorf("ValidID(%q) = %v, want %v", tt.id, got, tt.want)
			}
		})
	}
}

func TestCheckPath(t *testing.T) {
	tests := []struct {
		path string
		want string // in the reason; "" for a valid path
	}{
		{"pages.toml", ""},
		{"public/a/b.html", ""},
		{"public/café.html", ""},
		{"public/..a", ""},
		{"public/" + strings.Repeat("a", 255), ""},
		{"", "empty"},
		{"public/a\x00b", "NUL"},
		{"public/\xff", "UTF-8"},
		{"public/a\tb", "control character"},
		{`public\a`, "backslash"},
		{"/etc/passwd", "absolute"},
		{"..", `".."`},
		{"public/../../x", `".."`},
		{".", "not clean"},
		{"./a", "not clean"},
		{"a//b", "not clean"},
		{"a/", "not clean"},
		{"a/./b", "not clean"},
		{"public/" + strings.Repeat("a", 256), "longer than 255"},
		{strings.Repeat("a/", 600) + "a", "longer than 1024"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			got := checkPath(tt.path)
			if tt.want == "" && got != "" || !strings.Contains(got, tt.want) {
				t.Errorf("checkPath(%q) = %q, want %q", tt.path, got, tt.want)
			}
		})
	}
}

func TestUnpackIntoMissingParent(t *testing.T) {
	data := goodBundle(t)
	dst := filepath.Join(t.TempDir(), "missing", "d")
	_, err := Unpack(bytes.NewReader(data), sum(data), dst, Limits{})
	if err == nil || errors.Is(err, ErrInvalid) {
		t.Fatalf("error = %v, want a failure to create the directory", err)
	}
	if _, err := os.Stat(dst); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("dst: %v", err)
	}
}
