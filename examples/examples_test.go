// Package examples_test serves each example project with `wasmpages dev`
// and requests it end to end.
package examples_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/wasmpages/wasmpages/host"
	"github.com/wasmpages/wasmpages/internal/devtest"
	"github.com/wasmpages/wasmpages/internal/testguest"
)

func TestMain(m *testing.M) {
	testguest.PutGoOnPath()
	os.Exit(m.Run())
}

func TestHello(t *testing.T) {
	d := devtest.StartDev(t, "hello", host.DevOptions{})
	resp, body := d.Get(t, "/api/hello?name=Ada")
	if resp.StatusCode != 200 || body != "Hello, Ada!\n" {
		t.Errorf("/api/hello: %d %q", resp.StatusCode, body)
	}
	if got := resp.Header.Get("X-Placement"); got != "local-dev" {
		t.Errorf("x-placement = %q", got)
	}
	resp, body = d.Get(t, "/")
	if resp.StatusCode != 200 || !strings.Contains(body, "<h1>hello</h1>") || resp.Header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Errorf("/: %d %q %v", resp.StatusCode, body, resp.Header)
	}
	if resp.Header.Get("X-Placement") != "" {
		t.Error("an asset response carries x-placement")
	}
	// The asset's ETag revalidates to 304.
	req, _ := http.NewRequest("GET", d.URL+"/", nil)
	req.Header.Set("If-None-Match", resp.Header.Get("Etag"))
	r304, err := http.DefaultClient.Do(req)
	if err != nil || r304.StatusCode != 304 {
		t.Errorf("revalidation: %v %v", r304, err)
	}
	if !strings.Contains(d.Output(), "GET /api/hello?name=Ada 200") {
		t.Errorf("no request line in the output:\n%s", d.Output())
	}
}

func TestFetch(t *testing.T) {
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"quote": "from the test back end", "author": "test"}`))
	}))
	defer backend.Close()
	d := devtest.StartDev(t, "fetch", host.DevOptions{Vars: map[string]string{"BACKEND_URL": backend.URL}})
	resp, body := d.Get(t, "/api/quote")
	want := `{"quote":"from the test back end","author":"test","footer":"served through the assets call"}` + "\n"
	if resp.StatusCode != 200 || body != want || resp.Header.Get("Content-Type") != "application/json" {
		t.Errorf("/api/quote: %d %q", resp.StatusCode, body)
	}
	// With the back end gone, the function says so: a 502 from the guest.
	backend.Close()
	resp, body = d.Get(t, "/api/quote")
	if resp.StatusCode != 502 || !strings.Contains(body, "back end unreachable") {
		t.Errorf("back end down: %d %q", resp.StatusCode, body)
	}
}

// TestFetchOwnBackend runs the example as a user does with its default
// BACKEND_URL: the back end is a static file of the site itself, reached by
// a real subrequest over loopback.
func TestFetchOwnBackend(t *testing.T) {
	ln := devtest.Listen(t)
	backend := "http://" + ln.Addr().String() + "/backend/quote.json"
	d := devtest.StartDev(t, "fetch", host.DevOptions{Listener: ln, Vars: map[string]string{"BACKEND_URL": backend}})
	resp, body := d.Get(t, "/api/quote")
	if resp.StatusCode != 200 || !strings.Contains(body, `"author":"Edsger W. Dijkstra"`) {
		t.Errorf("/api/quote: %d %q", resp.StatusCode, body)
	}
	if !strings.Contains(d.Output(), "GET /backend/quote.json 200") {
		t.Errorf("the subrequest did not reach the site:\n%s", d.Output())
	}
}
