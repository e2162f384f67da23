// Package examples_test serves each example project with `wasmpages dev`
// and requests it end to end.
package examples_test

import (
	"encoding/json"
	"io"
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

// TestSPA runs the single-page app: public/ has no 404.html at any level, so
// a path that names no file gets /index.html with 200 (spec §2.8, step 5),
// and /api/todos is its Go function.
func TestSPA(t *testing.T) {
	d := devtest.StartDev(t, "spa", host.DevOptions{})
	index, err := os.ReadFile("spa/public/index.html")
	if err != nil {
		t.Fatal(err)
	}

	resp, body := d.Get(t, "/")
	if resp.StatusCode != 200 || body != string(index) || resp.Header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Errorf("/: %d %q %v", resp.StatusCode, body, resp.Header)
	}
	// A client-side route is the app itself, with 200, not a 404.
	for _, path := range []string{"/some/client/route", "/about", "/todos/3?filter=done"} {
		resp, body = d.Get(t, path)
		if resp.StatusCode != 200 || body != string(index) || resp.Header.Get("Content-Type") != "text/html; charset=utf-8" {
			t.Errorf("%s: %d %q, want index.html with 200", path, resp.StatusCode, body)
		}
		if resp.Header.Get("X-Placement") != "" {
			t.Errorf("%s: the SPA fallback carries x-placement", path)
		}
	}
	resp, body = d.Get(t, "/app.css")
	if resp.StatusCode != 200 || !strings.Contains(body, "font:") || resp.Header.Get("Content-Type") != "text/css; charset=utf-8" {
		t.Errorf("/app.css: %d %q %v", resp.StatusCode, body, resp.Header)
	}
	if resp.Header.Get("X-Placement") != "" {
		t.Error("/app.css carries x-placement")
	}

	type todo struct {
		ID    int    `json:"id"`
		Title string `json:"title"`
	}
	list := func() []todo {
		t.Helper()
		resp, body := d.Get(t, "/api/todos")
		checkFunction(t, "GET /api/todos", resp, 200)
		var l []todo
		if err := json.Unmarshal([]byte(body), &l); err != nil {
			t.Fatalf("GET /api/todos: %v in %q", err, body)
		}
		return l
	}
	before := list()
	if len(before) == 0 {
		t.Fatal("GET /api/todos: no todos to start with")
	}

	// The todos are the state of one instance. The requests here are
	// sequential, an instance goes back to the pool before its response is
	// sent, and the pool hands out its idle instances last in, first out: so
	// every request below is served by the same, single instance, and the
	// GET after the POST sees the new todo.
	resp, body = do(t, "POST", d.URL+"/api/todos", `{"title": "write the test"}`)
	checkFunction(t, "POST /api/todos", resp, 201)
	var created todo
	if err := json.Unmarshal([]byte(body), &created); err != nil || created.Title != "write the test" || created.ID == 0 {
		t.Errorf("POST /api/todos: %v %q", err, body)
	}
	after := list()
	if len(after) != len(before)+1 || after[len(after)-1] != created {
		t.Errorf("after the POST: %+v, want %+v and %+v", after, before, created)
	}

	for _, bad := range []string{`{"title": `, `not json`, `{"title": ""}`, ``} {
		resp, body = do(t, "POST", d.URL+"/api/todos", bad)
		checkFunction(t, "POST /api/todos "+bad, resp, 400)
		var e struct{ Error string }
		if err := json.Unmarshal([]byte(body), &e); err != nil || e.Error == "" {
			t.Errorf("POST %q: the 400 is not a JSON error: %q", bad, body)
		}
	}
	if got := list(); len(got) != len(after) {
		t.Errorf("a bad POST changed the list: %+v", got)
	}

	resp, body = do(t, "PUT", d.URL+"/api/todos", `{"title": "x"}`)
	checkFunction(t, "PUT /api/todos", resp, 405)
	if allow := resp.Header.Get("Allow"); !strings.Contains(allow, "GET") || !strings.Contains(allow, "POST") {
		t.Errorf("PUT /api/todos: Allow = %q", allow)
	}
	if !strings.Contains(body, `"error"`) {
		t.Errorf("PUT /api/todos: %q", body)
	}
}

// checkFunction checks a function's response: its status, a JSON body, and
// the x-placement that function responses carry.
func checkFunction(t *testing.T, what string, resp *http.Response, status int) {
	t.Helper()
	if resp.StatusCode != status {
		t.Errorf("%s: status %d, want %d", what, resp.StatusCode, status)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("%s: content-type %q", what, ct)
	}
	if got := resp.Header.Get("X-Placement"); got != "local-dev" {
		t.Errorf("%s: x-placement = %q", what, got)
	}
}

// do sends a request with a body and returns the response and its body.
func do(t *testing.T, method, url, body string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	return resp, string(b)
}
