package bundle

import (
	"bytes"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// projectFiles is a built project: what it shipped and what it keeps.
var projectFiles = map[string]string{
	"pages.toml":                 testConfig,
	"public/index.html":          "<h1>home</h1>",
	"public/css/site.css":        "body { color: red }",
	"public/_routes.json":        `{"version":1,"include":["/api/*"],"exclude":[]}`,
	"public/_headers":            "/*\n  x-test: 1\n",
	"public/café/menü.html":      "unicode names",
	"public/" + long:             "a long name",
	"public/empty.txt":           "",
	"functions/_middleware.wasm": "\x00asm middleware",
	"functions/api/[id].wasm":    "\x00asm handler",
	// Not shipped:
	".dev.vars":                   "SECRET=1",
	"build.sh":                    "go build",
	"functions/src/main.go":       "package main",
	"functions/README.md":         "docs",
	"public/.dev.vars":            "SECRET=2",
	"public/.DS_Store":            "junk",
	"public/.git/config":          "[core]",
	"public/node_modules/m/i.js":  "module",
	"src/main.go":                 "package main",
	"node_modules/x/index.js":     "module",
	"functions/api/[id].wasm.map": "map",
}

// long is a path component that needs a PAX header in a tar.
var long = strings.Repeat("long-", 30) + ".html"

// shipped lists the paths of projectFiles that go into its bundle, sorted.
var shipped = slices.Sorted(slices.Values([]string{
	"functions/_middleware.wasm",
	"functions/api/[id].wasm",
	"pages.toml",
	"public/" + long,
	"public/_headers",
	"public/_routes.json",
	"public/café/menü.html",
	"public/css/site.css",
	"public/empty.txt",
	"public/index.html",
}))

func TestPackUnpackRoundTrip(t *testing.T) {
	dir, p := newProject(t, projectFiles)
	routes := []Route{
		{Path: "/", Module: "_middleware.wasm", Middleware: true},
		{Method: "GET", Path: "/api/:id", Module: "api/[id].wasm"},
	}
	var buf bytes.Buffer
	m, id, size, err := Pack(&buf, dir, p, routes)
	if err != nil {
		t.Fatal(err)
	}
	if id != sum(buf.Bytes()) || size != int64(buf.Len()) || !ValidID(id) {
		t.Fatalf("Pack returned id %s and size %d for %d bytes with SHA-256 %s", id, size, buf.Len(), sum(buf.Bytes()))
	}

	dst := filepath.Join(t.TempDir(), id)
	got, err := Unpack(bytes.NewReader(buf.Bytes()), id, dst, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	files := readTree(t, dst)
	if keys := slices.Sorted(maps.Keys(files)); !slices.Equal(keys, shipped) {
		t.Fatalf("unpacked files:\n%s\nwant:\n%s", strings.Join(keys, "\n"), strings.Join(shipped, "\n"))
	}
	for name, content := range files {
		if content != projectFiles[name] {
			t.Errorf("%s: unpacked %q, project has %q", name, content, projectFiles[name])
		}
	}
	// The directory is readable by others, as a temporary one is not.
	fi, err := os.Stat(dst)
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm != 0o755 {
		t.Errorf("unpacked directory has mode %v, want 0755", perm)
	}

	if got.Project != "x" || got.OutputDir != "public" || got.Version != Version {
		t.Errorf("manifest = %+v", got)
	}
	if !slices.Equal(got.Routes, routes) || !slices.Equal(m.Routes, routes) {
		t.Errorf("routes = %+v, want %+v", got.Routes, routes)
	}
	if !slices.Equal(got.Files, m.Files) {
		t.Errorf("Unpack's manifest files %+v differ from Pack's %+v", got.Files, m.Files)
	}
	wantModules := []string{"functions/_middleware.wasm", "functions/api/[id].wasm"}
	if mods := got.Modules(); !slices.Equal(mods, wantModules) {
		t.Errorf("Modules() = %q, want %q", mods, wantModules)
	}
	var wantOutput []string
	for _, s := range shipped {
		if strings.HasPrefix(s, "public/") {
			wantOutput = append(wantOutput, s)
		}
	}
	if out := got.OutputFiles(); !slices.Equal(out, wantOutput) {
		t.Errorf("OutputFiles() = %q, want %q", out, wantOutput)
	}
}

func TestPackWorker(t *testing.T) {
	dir, p := newProject(t, map[string]string{
		"pages.toml":          testConfig,
		"public/_worker.wasm": "\x00asm worker",
		"public/index.html":   "home",
	})
	routes := []Route{{Path: "/:path*", Module: "_worker.wasm"}}
	data, id := pack(t, dir, p, routes)
	m, err := Unpack(bytes.NewReader(data), id, filepath.Join(t.TempDir(), "d"), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if mods := m.Modules(); !slices.Equal(mods, []string{"public/_worker.wasm"}) {
		t.Errorf("Modules() = %q", mods)
	}
}

func TestPackDeterministic(t *testing.T) {
	dir, p := newProject(t, projectFiles)
	first, id1 := pack(t, dir, p, nil)
	second, id2 := pack(t, dir, p, nil)
	if id1 != id2 || !bytes.Equal(first, second) {
		t.Fatalf("packing twice gave ids %s and %s", id1, id2)
	}

	t.Run("another copy with other times and modes", func(t *testing.T) {
		other, p2 := newProject(t, projectFiles)
		old := time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)
		for _, name := range shipped {
			full := filepath.Join(other, filepath.FromSlash(name))
			if err := os.Chtimes(full, old, old); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(full, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		if _, id := pack(t, other, p2, nil); id != id1 {
			t.Errorf("the same files in %s gave id %s, want %s", other, id, id1)
		}
	})

	t.Run("one byte changed", func(t *testing.T) {
		changed := maps.Clone(projectFiles)
		changed["public/css/site.css"] = "body { color: rad }"
		other, p2 := newProject(t, changed)
		if _, id := pack(t, other, p2, nil); id == id1 {
			t.Error("changing one byte of an asset kept the id")
		}
	})

	t.Run("routes count", func(t *testing.T) {
		routes := []Route{{Path: "/api/:id", Module: "api/[id].wasm"}}
		if _, id := pack(t, dir, p, routes); id == id1 {
			t.Error("adding a route kept the id")
		}
	})
}

func TestPackLinkedDirectories(t *testing.T) {
	// The output and functions directories may be links; links below them
	// that are not shipped are ignored.
	dir, p := newProject(t, map[string]string{
		"pages.toml":          testConfig,
		"build/out/a.html":    "a",
		"build/fns/x.wasm":    "x",
		"build/fns/notes.txt": "n",
	})
	for link, target := range map[string]string{
		"public":             "build/out",
		"functions":          "build/fns",
		"build/fns/lib":      "../out",
		"build/fns/note.txt": "notes.txt",
	} {
		if err := os.Symlink(target, filepath.Join(dir, filepath.FromSlash(link))); err != nil {
			t.Fatal(err)
		}
	}
	data, id := pack(t, dir, p, nil)
	dst := filepath.Join(t.TempDir(), "d")
	if _, err := Unpack(bytes.NewReader(data), id, dst, Limits{}); err != nil {
		t.Fatal(err)
	}
	want := []string{"functions/x.wasm", "pages.toml", "public/a.html"}
	if got := slices.Sorted(maps.Keys(readTree(t, dst))); !slices.Equal(got, want) {
		t.Errorf("bundle holds %q, want %q", got, want)
	}
}

func TestPackErrors(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		links map[string]string // link -> target
		// routes are given to Pack.
		routes []Route
		want   string
	}{
		{
			name:  "link in the output directory",
			files: map[string]string{"public/real.html": "r"},
			links: map[string]string{"public/x": "real.html"},
			want:  "links are not supported in a bundle: public/x: replace it with a copy of the file",
		},
		{
			name:  "link to a directory in the output directory",
			files: map[string]string{"assets/a.css": "a", "public/index.html": "i"},
			links: map[string]string{"public/assets": "../assets"},
			want:  "links are not supported in a bundle: public/assets:",
		},
		{
			name:  "linked module",
			files: map[string]string{"public/index.html": "i", "build/a.wasm": "a"},
			links: map[string]string{"functions/a.wasm": "../build/a.wasm"},
			want:  "links are not supported in a bundle: functions/a.wasm:",
		},
		{
			name: "no output directory",
			want: "output directory public does not exist: build the project first",
		},
		{
			name:  "name with a backslash",
			files: map[string]string{`public/a\b.html`: "x"},
			want:  `"public/a\\b.html" cannot be bundled: the path contains a backslash`,
		},
		{
			name:   "route to a missing module",
			files:  map[string]string{"public/index.html": "i"},
			routes: []Route{{Path: "/api", Module: "api.wasm"}},
			want:   `routes[0]: module "api.wasm" is not a module of the bundle`,
		},
		{
			name:   "route to an asset",
			files:  map[string]string{"public/index.html": "i"},
			routes: []Route{{Path: "/", Module: "../public/index.html"}},
			want:   `routes[0]: module "../public/index.html" is not a module of the bundle`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := maps.Clone(tt.files)
			if files == nil {
				files = map[string]string{}
			}
			files["pages.toml"] = testConfig
			dir, p := newProject(t, files)
			for link, target := range tt.links {
				full := filepath.Join(dir, filepath.FromSlash(link))
				if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.Symlink(target, full); err != nil {
					t.Fatal(err)
				}
			}
			var buf bytes.Buffer
			_, _, _, err := Pack(&buf, dir, p, tt.routes)
			if err == nil {
				t.Fatal("Pack succeeded")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
		})
	}
}
