package host_test

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wasmpages/wasmpages/host"
	"github.com/wasmpages/wasmpages/internal/devtest"
	"github.com/wasmpages/wasmpages/internal/testguest"
)

func TestMain(m *testing.M) {
	testguest.PutGoOnPath()
	os.Exit(m.Run())
}

// project writes a project into a temporary directory: files maps paths to
// contents.
func project(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		write(t, filepath.Join(dir, name), content)
	}
	return dir
}

func write(t testing.TB, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func read(t testing.TB, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

const minimalToml = "name = \"t\"\npages_build_output_dir = \"public\"\n"

func TestBrokenModuleKeepsTheSiteServing(t *testing.T) {
	hello := read(t, testguest.Build(t, "../examples/hello/src/hello"))
	dir := project(t, map[string]string{
		"pages.toml":               minimalToml + "[vars]\nGREETING = \"Hi\"\n",
		"public/index.html":        "<p>home</p>",
		"functions/api/good.wasm":  hello,
		"functions/api/bad.wasm":   "this is not WebAssembly",
		"functions/api/empty.wasm": "",
	})
	d := devtest.StartDev(t, dir, host.DevOptions{})
	if _, body := d.Get(t, "/api/good?name=x"); body != "Hi, x!\n" {
		t.Errorf("good: %q", body)
	}
	resp, body := d.Get(t, "/api/bad")
	if resp.StatusCode != 500 || !strings.Contains(body, "functions/api/bad.wasm") || !strings.Contains(body, "compiling") {
		t.Errorf("bad: %d %q", resp.StatusCode, body)
	}
	if _, body := d.Get(t, "/"); body != "<p>home</p>" {
		t.Errorf("asset: %q", body)
	}
	if !strings.Contains(d.Output(), "2 functions failed to load") {
		t.Errorf("output does not report the broken modules:\n%s", d.Output())
	}
}

// TestRulesWarnings: a bad line of _redirects or _headers is a warning with
// its line at start, and the rest of the file applies.
func TestRulesWarnings(t *testing.T) {
	dir := project(t, map[string]string{
		"pages.toml":        minimalToml,
		"public/index.html": "<p>home</p>",
		"public/_redirects": "/a /b\n/only-one-field\n/c /d 302\n",
		"public/_headers":   "/*\n  x-team: web\n  no colon here\n",
	})
	d := devtest.StartDev(t, dir, host.DevOptions{})
	for _, want := range []string{"warning: _redirects: line 2:", "warning: _headers: line 3:"} {
		if !strings.Contains(d.Output(), want) {
			t.Errorf("output lacks %q:\n%s", want, d.Output())
		}
	}
	resp, _ := d.Get(t, "/c")
	if resp.Request.URL.Path != "/d" && resp.StatusCode != 302 {
		t.Errorf("/c was not redirected: %d %s", resp.StatusCode, resp.Request.URL)
	}
	if resp, _ := d.Get(t, "/"); resp.Header.Get("X-Team") != "web" {
		t.Errorf("_headers not applied: %v", resp.Header)
	}
}

func TestReloadSwapsWithoutDroppingRequests(t *testing.T) {
	hello := read(t, testguest.Build(t, "../examples/hello/src/hello"))
	dir := project(t, map[string]string{
		"pages.toml":        minimalToml + "[vars]\nGREETING = \"Old\"\n",
		"public/index.html": "home",
		"functions/hi.wasm": hello,
	})
	d := devtest.StartDev(t, dir, host.DevOptions{Poll: 50 * time.Millisecond})
	if _, body := d.Get(t, "/hi?name=a"); body != "Old, a!\n" {
		t.Fatalf("before: %q", body)
	}
	var failures, sawNew atomic.Int32
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				resp, err := http.Get(d.URL + "/hi?name=a")
				if err != nil {
					failures.Add(1)
					continue
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				switch string(b) {
				case "Old, a!\n":
				case "New, a!\n":
					sawNew.Add(1)
				default:
					failures.Add(1)
				}
			}
		}()
	}
	time.Sleep(200 * time.Millisecond)
	write(t, filepath.Join(dir, "pages.toml"), minimalToml+"[vars]\nGREETING = \"New\"\n")
	deadline := time.Now().Add(time.Minute)
	for sawNew.Load() < 20 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	close(stop)
	wg.Wait()
	if sawNew.Load() < 20 {
		t.Fatalf("the new version never served:\n%s", d.Output())
	}
	if failures.Load() != 0 {
		t.Errorf("%d requests failed during the swap", failures.Load())
	}
	// A broken pages.toml keeps the last good version serving.
	write(t, filepath.Join(dir, "pages.toml"), "name = \n")
	time.Sleep(300 * time.Millisecond)
	if _, body := d.Get(t, "/hi?name=a"); body != "New, a!\n" {
		t.Errorf("after a bad edit: %q", body)
	}
	if !strings.Contains(d.Output(), "reload failed, still serving the previous version") {
		t.Errorf("no reload failure reported:\n%s", d.Output())
	}
}

func TestStartErrors(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  []string
	}{
		{"no pages.toml", map[string]string{"public/index.html": "x"}, []string{"no pages.toml"}},
		{"bad toml", map[string]string{"pages.toml": "name = \"t\"\npages_build_output_dir = \"public\"\nbogus = 1\n"}, []string{"pages.toml:3", "bogus"}},
		{"missing output dir", map[string]string{"pages.toml": minimalToml}, []string{`"public" does not exist`}},
		{"build fails", map[string]string{"pages.toml": minimalToml + "[build]\ncommand = \"echo compiling; exit 3\"\n", "public/a": "x"},
			[]string{"the build command failed", "exit status 3", "exit 3"}},
		{"malformed _routes.json", map[string]string{"pages.toml": minimalToml, "public/_routes.json": `{"version": 1, "include": ["/a/*", "/a/b"], "exclude": []}`},
			[]string{"public/_routes.json", "/a/b", "overlap"}},
		{"bad function file name", map[string]string{"pages.toml": minimalToml, "public/a": "x", "functions/[a-b].wasm": "x"},
			[]string{"functions/[a-b].wasm", "Parameter names must only contain alphanumeric"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := project(t, tt.files)
			var out strings.Builder
			err := host.Dev(context.Background(), host.DevOptions{Dir: dir, Out: &out, DataDir: testguest.SharedDataDir(), Addr: "127.0.0.1:0"})
			if err == nil {
				t.Fatal("Dev started")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
	err := host.Dev(context.Background(), host.DevOptions{Dir: filepath.Join(t.TempDir(), "nope"), Out: io.Discard})
	if err == nil || !strings.Contains(err.Error(), "is not a directory") {
		t.Errorf("missing dir: %v", err)
	}
}
