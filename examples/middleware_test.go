package examples_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/wasmpages/wasmpages/host"
	"github.com/wasmpages/wasmpages/internal/devtest"
)

func TestMiddleware(t *testing.T) {
	d := devtest.StartDev(t, "middleware", host.DevOptions{})
	get := func(method, path string, auth bool) (*http.Response, string) {
		t.Helper()
		req, _ := http.NewRequest(method, d.URL+path, nil)
		if auth {
			req.Header.Set("Authorization", "Bearer let-me-in")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b strings.Builder
		if _, err := io.Copy(&b, resp.Body); err != nil {
			t.Fatal(err)
		}
		return resp, b.String()
	}

	// The root middleware lets static pages through, unauthenticated.
	resp, body := get("GET", "/", false)
	if resp.StatusCode != 200 || !strings.Contains(body, "<h1>middleware</h1>") {
		t.Errorf("/: %d %q", resp.StatusCode, body)
	}
	// And answers /api itself without a token: the chain stops there.
	resp, body = get("GET", "/api/users/42", false)
	if resp.StatusCode != 401 || resp.Header.Get("Www-Authenticate") == "" || resp.Header.Get("X-Response-Time") != "" {
		t.Errorf("no token: %d %q %v", resp.StatusCode, body, resp.Header)
	}
	// A parameter, the data the root middleware set, the /api middleware's header.
	resp, body = get("GET", "/API/Users/42/", true)
	var user map[string]string
	if json.Unmarshal([]byte(body), &user); resp.StatusCode != 200 || user["id"] != "42" || user["viewer"] != "user=ada" {
		t.Errorf("/api/users/42: %d %q", resp.StatusCode, body)
	}
	if resp.Header.Get("X-Response-Time") == "" || resp.Header.Get("X-Placement") != "local-dev" {
		t.Errorf("/api/users/42 headers: %v", resp.Header)
	}
	// The user function serves GET only, not even HEAD: other methods go on
	// to the asset server, which refuses POST and, with no 404.html, answers
	// HEAD with the single-page-app fallback.
	if resp, _ := get("POST", "/api/users/42", true); resp.StatusCode != 405 {
		t.Errorf("POST /api/users/42: %d, want the asset server's 405", resp.StatusCode)
	}
	if resp, _ := get("HEAD", "/api/users/42", true); resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Errorf("HEAD /api/users/42: %d %v, want the asset server's index.html", resp.StatusCode, resp.Header)
	}
	// The catch-all: segments, and none at its own path.
	for path, want := range map[string]string{
		"/api/files/docs/a.txt": `{"method":"GET","segments":["docs","a.txt"]}`,
		"/api/files":            `{"method":"GET","segments":[]}`,
	} {
		if resp, body := get("GET", path, true); resp.StatusCode != 200 || strings.TrimSpace(body) != want {
			t.Errorf("%s: %d %q", path, resp.StatusCode, body)
		}
	}
	if !strings.Contains(d.Output(), "api: GET /api/files/docs/a.txt -> 200") {
		t.Errorf("the /api middleware's log line is missing:\n%s", d.Output())
	}
}
