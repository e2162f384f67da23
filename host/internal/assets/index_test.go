package assets

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestNeverServed checks that each configuration file or directory is left
// out of the index, at the top level or at any depth as the rule says.
func TestNeverServed(t *testing.T) {
	const secret = "NEVER SERVED"
	files := map[string]string{
		"index.html":                  "home",
		"_redirects":                  secret,
		"_headers":                    secret,
		"_routes.json":                secret,
		"_worker.js":                  secret,
		"_worker.js/index.js":         "", // placeholder, replaced below
		"_worker.wasm":                secret,
		"functions/api/[id].wasm":     secret,
		"pages.toml":                  secret,
		".dev.vars":                   secret,
		".wasmpages/cache/x":          secret,
		".wrangler/state/y":           secret,
		".DS_Store":                   secret,
		"img/.DS_Store":               secret,
		"node_modules/pkg/index.js":   secret,
		"lib/node_modules/pkg/a.js":   secret,
		".git/config":                 secret,
		"sub/.git/HEAD":               secret,
		"sub/.git":                    "", // placeholder, replaced below
		"blog/_redirects":             "nested redirects file",
		"blog/_headers":               "nested headers file",
		"blog/functions/list.html":    "nested functions dir",
		"blog/pages.toml":             "nested pages.toml",
		"docs/.well-known/x.txt":      "well known",
		".well-known/security.txt":    "security",
		"_routes.json.bak/backup.txt": "backup dir",
	}
	// A name cannot be both a file and a directory: keep the directories.
	delete(files, "_worker.js")
	delete(files, "sub/.git")
	files["_worker.js/index.js"] = secret
	files["deep/sub/.git"] = secret // a worktree's .git file

	s := newSite(t, files, Options{})
	for name, content := range files {
		uri := "/" + name
		r := do(s, "GET", strings.TrimSuffix(strings.TrimSuffix(uri, ".html"), "index"))
		served := r.status == 200 && r.body == content
		if content == secret && (served || strings.Contains(r.body, secret)) {
			t.Errorf("GET %s served a never-served file", uri)
		}
		if content != secret && !served {
			t.Errorf("GET %s: %d %q, want the file", uri, r.status, r.body)
		}
		if _, ok := s.files[uri]; ok == (content == secret) {
			t.Errorf("%s indexed: %v", uri, ok)
		}
	}
	if want := 8; s.Len() != want {
		t.Errorf("Len() = %d, want %d", s.Len(), want)
	}
}

func TestSymlinks(t *testing.T) {
	parent := t.TempDir()
	writeTree(t, parent, map[string]string{
		"outside.txt":        "OUTSIDE",
		"outdir/file.txt":    "OUTSIDE DIR",
		"site/index.html":    "home",
		"site/real/page.txt": "real page",
		"site/_redirects":    "/a /b",
		"site/.dev.vars":     "KEY=SECRET",
		"site/.git/config":   "GIT SECRET",
	})
	site := filepath.Join(parent, "site")
	links := map[string]string{
		"to-outside.txt":     filepath.Join(parent, "outside.txt"),
		"rel-outside.txt":    "../outside.txt",
		"to-outdir":          filepath.Join(parent, "outdir"),
		"to-inside.txt":      "real/page.txt",
		"real/to-up.txt":     "../index.html",
		"chain.txt":          "to-inside.txt",
		"chain-out.txt":      "rel-outside.txt",
		"to-dir":             "real",
		"loop":               "loop",
		"dangling.txt":       "missing.txt",
		"to-redirects.txt":   "_redirects",
		"to-devvars.txt":     ".dev.vars",
		"to-git.txt":         ".git/config",
		"to-root":            ".",
		"to-dotdot-back.txt": "../site/real/page.txt", // leaves the directory on the way
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(site, filepath.FromSlash(name))); err != nil {
			t.Fatal(err)
		}
	}
	s, err := New(site, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"/to-inside.txt":  "real page",
		"/real/to-up.txt": "home",
		"/chain.txt":      "real page",
	}
	for name := range links {
		uri := "/" + name
		r := do(s, "GET", uri)
		if body, ok := want[uri]; ok {
			if r.status != 200 || r.body != body {
				t.Errorf("GET %s: %d %q, want %q", uri, r.status, r.body, body)
			}
			continue
		}
		if _, ok := s.files[uri]; ok {
			t.Errorf("%s indexed", uri)
		}
		if strings.Contains(r.body, "OUTSIDE") || strings.Contains(r.body, "SECRET") || strings.Contains(r.body, "/a /b") {
			t.Errorf("GET %s served %q", uri, r.body)
		}
	}
	for _, uri := range []string{"/to-outdir/file.txt", "/to-dir/page.txt", "/to-root/index.html"} {
		if _, ok := s.files[uri]; ok {
			t.Errorf("%s indexed through a directory symlink", uri)
		}
	}

	// The directory itself may be reached through a symlink.
	alias := filepath.Join(parent, "alias")
	if err := os.Symlink(site, alias); err != nil {
		t.Fatal(err)
	}
	s2, err := New(alias, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if s2.Len() != s.Len() {
		t.Errorf("through a symlinked root: %d files, want %d", s2.Len(), s.Len())
	}
}

func TestExcluded(t *testing.T) {
	for rel, want := range map[string]bool{
		"_redirects":            true,
		"a/_redirects":          false,
		"functions":             true,
		"functions/x.wasm":      true,
		"a/functions/x.wasm":    false,
		"node_modules":          true,
		"a/b/node_modules/x":    true,
		"a/.git":                true,
		".gitignore":            false,
		"a/.DS_Store":           true,
		"index.html":            false,
		"_headers.html":         false,
		".wasmpages/x":          true,
		"x/.wasmpages/y":        false,
		"pages.toml.txt":        false,
		"Functions/x.wasm":      false,
		"node_modules.txt":      false,
		"a/node_modules_x/y.js": false,
	} {
		if got := excluded(rel); got != want {
			t.Errorf("excluded(%q) = %v, want %v", rel, got, want)
		}
	}
}

func TestMemoryBudget(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"a": "12345", "b": "12345", "c": "12345", "d": "123456789"})
	s, err := newServer(dir, Options{}, limits{maxFile: 8, budget: 12})
	if err != nil {
		t.Fatal(err)
	}
	inMemory := 0
	for key, f := range s.files {
		if !f.stream {
			inMemory++
		}
		if r := do(s, "GET", key); r.status != 200 || len(r.body) != int(f.size) {
			t.Errorf("GET %s: %d %q", key, r.status, r.body)
		}
	}
	if inMemory != 2 || !s.files["/d"].stream {
		t.Fatalf("%d files in memory, want 2 (d streamed: %v)", inMemory, s.files["/d"].stream)
	}
}
