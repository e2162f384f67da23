package site

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/valyala/fasthttp"

	"github.com/wasmpages/wasmpages/host/internal/config"
	"github.com/wasmpages/wasmpages/host/internal/runtime"
	"github.com/wasmpages/wasmpages/internal/testguest"
)

func TestMain(m *testing.M) {
	testguest.PutGoOnPath()
	os.Exit(m.Run())
}

var testCache = func() *runtime.Cache {
	c, err := runtime.NewCache(filepath.Join(testguest.SharedDataDir(), "cache"))
	if err != nil {
		panic(err)
	}
	return c
}()

// project writes a project into a temporary directory: files maps paths to
// contents, or to "guest:NAME" for the test guest testdata/NAME.
func project(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	files["pages.toml"] = "name = \"t\"\npages_build_output_dir = \"public\"\ncompatibility_date = \"2026-11-01\"\n"
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if guest, ok := strings.CutPrefix(content, "guest:"); ok {
			b, err := os.ReadFile(testguest.Build(t, "testdata/"+guest))
			if err != nil {
				t.Fatal(err)
			}
			content = string(b)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func load(t testing.TB, dir string) (*Site, error) {
	t.Helper()
	p, err := config.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Load(context.Background(), Options{Dir: dir, Project: p, Cache: testCache, Region: "test", Verbose: true})
	if err == nil {
		t.Cleanup(func() { s.Close(context.Background()) })
	}
	return s, err
}

// serve serves a site on loopback and returns its base URL.
func serve(t *testing.T, s *Site) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &fasthttp.Server{Handler: func(ctx *fasthttp.RequestCtx) { s.Serve(ctx) }}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Shutdown() })
	return "http://" + ln.Addr().String()
}

func get(t *testing.T, method, url string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, nil)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestChain(t *testing.T) {
	dir := project(t, map[string]string{
		"public/hello.txt":                 "hello from the assets",
		"public/static/app.js":             "app()",
		"public/api/boom":                  "the asset behind /api/boom",
		"public/big.bin":                   strings.Repeat("0123456789abcdef", 3<<16), // 3 MiB: streamed from disk
		"public/_routes.json":              `{"version": 1, "include": ["/*"], "exclude": ["/static/*"]}`,
		"functions/_middleware.wasm":       "guest:mw",
		"functions/api/[[rest]].wasm":      "guest:handler",
		"functions/users/[id]/[kind].wasm": "guest:handler",
	})
	s, err := load(t, dir)
	if err != nil {
		t.Fatal(err)
	}
	base := serve(t, s)

	resp, body := get(t, "GET", base+"/users/7/posts")
	var got struct {
		Method string
		Params map[string][]string
		Data   string
	}
	json.Unmarshal([]byte(body), &got)
	if resp.StatusCode != 200 || got.Params["id"][0] != "7" || got.Params["kind"][0] != "posts" || got.Data != "mw;" {
		t.Errorf("handler: %d %q", resp.StatusCode, body)
	}
	// The middleware sees what the handler added to the data.
	if c := resp.Header.Get("X-Chain"); c != "mw;handler;" {
		t.Errorf("X-Chain = %q, want the data after the handler", c)
	}
	if resp.Header.Get("X-Placement") != "local-test" {
		t.Errorf("x-placement = %q", resp.Header.Get("X-Placement"))
	}
	// Catch-all: a list of segments.
	if _, body := get(t, "GET", base+"/api/a/b/c"); !strings.Contains(body, `"rest":["a","b","c"]`) {
		t.Errorf("catch-all: %q", body)
	}
	// No route: the middleware, then the asset server.
	resp, body = get(t, "GET", base+"/hello.txt")
	if resp.StatusCode != 200 || body != "hello from the assets" || resp.Header.Get("X-Chain") != "mw;" {
		t.Errorf("asset through middleware: %d %q %v", resp.StatusCode, body, resp.Header)
	}
	// A large asset streams through the middleware whole.
	if resp, body = get(t, "GET", base+"/big.bin"); resp.StatusCode != 200 || len(body) != 3<<20 || resp.Header.Get("X-Chain") != "mw;" {
		t.Errorf("large asset through middleware: %d, %d bytes", resp.StatusCode, len(body))
	}
	// A rewritten request reaches the asset server rewritten.
	if resp, body = get(t, "GET", base+"/rewrite"); body != "hello from the assets" {
		t.Errorf("rewrite: %d %q", resp.StatusCode, body)
	}
	// Excluded by _routes.json: no module runs.
	resp, body = get(t, "GET", base+"/static/app.js")
	if resp.StatusCode != 200 || body != "app()" || resp.Header.Get("X-Chain") != "" || resp.Header.Get("X-Placement") != "" {
		t.Errorf("excluded path: %d %q %v", resp.StatusCode, body, resp.Header)
	}
	// _routes.json and the routes see the path the asset server resolves:
	// dot segments cannot step around an exclude, or around a middleware.
	for _, path := range []string{"/static/../hello.txt", "/static/%2e%2e/hello.txt"} {
		if resp, body = get(t, "GET", base+path); body != "hello from the assets" || resp.Header.Get("X-Chain") != "mw;" {
			t.Errorf("%s: %d %q, X-Chain %q: want the middleware to run", path, resp.StatusCode, body, resp.Header.Get("X-Chain"))
		}
	}
	if _, body = get(t, "GET", base+"/x/%2E%2e/users/7/posts"); !strings.Contains(body, `"id":["7"]`) {
		t.Errorf("dot segments before a route: %q", body)
	}
	// The handler panics after the middleware asked for pass-through: the
	// asset server answers the original request.
	resp, body = get(t, "GET", base+"/api/boom")
	if resp.StatusCode != 200 || body != "the asset behind /api/boom" {
		t.Errorf("pass-through: %d %q", resp.StatusCode, body)
	}
}

// TestChainDeadline: the modules of a chain share the request's time limit,
// and running out of it is a 504 even after PassThroughOnException.
func TestChainDeadline(t *testing.T) {
	dir := project(t, map[string]string{
		"public/api/x":                "the asset behind /api/x",
		"functions/_middleware.wasm":  "guest:mw",
		"functions/api/[[rest]].wasm": "guest:handler",
	})
	os.WriteFile(filepath.Join(dir, "pages.toml"), []byte("name = \"t\"\npages_build_output_dir = \"public\"\ncompatibility_date = \"2026-11-01\"\n[limits]\ntimeout = \"1s\"\n"), 0o644)
	s, err := load(t, dir)
	if err != nil {
		t.Fatal(err)
	}
	base := serve(t, s)
	if resp, body := get(t, "GET", base+"/api/x?mwsleep=100&sleep=100"); resp.StatusCode != 200 {
		t.Errorf("within the limit: %d %q", resp.StatusCode, body)
	}
	// 700 ms each: within the limit alone, not together.
	if resp, body := get(t, "GET", base+"/api/x?mwsleep=700&sleep=700"); resp.StatusCode != 504 {
		t.Errorf("chain past the limit: %d %q, want 504", resp.StatusCode, body)
	}
	if resp, body := get(t, "GET", base+"/api/x?pass=1&sleep=60000"); resp.StatusCode != 504 || strings.Contains(body, "the asset") {
		t.Errorf("timeout after pass-through: %d %q, want 504", resp.StatusCode, body)
	}
}

func TestRoutesJSONRefused(t *testing.T) {
	dir := project(t, map[string]string{
		"public/_routes.json":  `{"version": 1, "include": ["/api/*", "/api/users"], "exclude": []}`,
		"functions/api/x.wasm": "not loaded: the site is refused first",
	})
	_, err := load(t, dir)
	if err == nil || !strings.Contains(err.Error(), "_routes.json") || !strings.Contains(err.Error(), "/api/users") {
		t.Fatalf("err = %v, want it to name _routes.json and the overlapping rule", err)
	}
}

func TestRulesFiles(t *testing.T) {
	dir := project(t, map[string]string{
		"public/index.html": "<p>home</p>",
		"public/_redirects": "/old /new 301\n/broken\n/bad-status /x 418\n",
		"public/_headers":   "/*\n  X-Frame-Options: DENY\nnot-a-header-line\n",
	})
	s, err := load(t, dir)
	if err != nil {
		t.Fatal(err)
	}
	warnings := strings.Join(s.Warnings(), "\n")
	for _, want := range []string{"_redirects: line 2:", "_redirects: line 3:", "_headers: line 3:"} {
		if !strings.Contains(warnings, want) {
			t.Errorf("warnings lack %q:\n%s", want, warnings)
		}
	}
	base := serve(t, s)
	if resp, _ := get(t, "GET", base+"/old"); resp.StatusCode != 301 || resp.Header.Get("Location") != "/new" {
		t.Errorf("/old: %d %v", resp.StatusCode, resp.Header)
	}
	if resp, _ := get(t, "GET", base+"/"); resp.Header.Get("X-Frame-Options") != "DENY" {
		t.Errorf("_headers not applied: %v", resp.Header)
	}
	for _, f := range []string{"/_redirects", "/_headers"} {
		if resp, body := get(t, "GET", base+f); strings.Contains(body, "/old") || strings.Contains(body, "X-Frame") {
			t.Errorf("%s served: %d %q", f, resp.StatusCode, body)
		}
	}
}

func TestAdvancedMode(t *testing.T) {
	dir := project(t, map[string]string{
		"public/hello.txt":     "hello from the assets",
		"public/boom":          "pass-through is not for workers",
		"public/_worker.wasm":  "guest:worker",
		"functions/api/x.wasm": "ignored in advanced mode, not even compiled",
	})
	s, err := load(t, dir)
	if err != nil {
		t.Fatal(err)
	}
	if !s.Advanced() || len(s.Problems()) != 0 {
		t.Fatalf("advanced %v, problems %v", s.Advanced(), s.Problems())
	}
	base := serve(t, s)
	for path, want := range map[string]string{
		"/api/x":           "worker:/api/x",
		"/hello.txt":       "worker:/hello.txt", // every request goes to the worker
		"/asset/hello.txt": "hello from the assets",
	} {
		if resp, body := get(t, "GET", base+path); resp.StatusCode != 200 || body != want {
			t.Errorf("%s: %d %q, want %q", path, resp.StatusCode, body, want)
		}
	}
	// No pass-through in advanced mode, as in Pages: a failure is a 500.
	if resp, body := get(t, "GET", base+"/boom"); resp.StatusCode != 500 {
		t.Errorf("/boom: %d %q, want 500", resp.StatusCode, body)
	}
	// The worker's own module is never an asset.
	if resp, body := get(t, "GET", base+"/asset/_worker.wasm"); resp.StatusCode != 404 || strings.Contains(body, "asm") {
		t.Errorf("_worker.wasm through the assets call: %d %q", resp.StatusCode, body[:min(len(body), 40)])
	}
}
