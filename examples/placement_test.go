package examples_test

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/wasmpages/wasmpages/host"
	"github.com/wasmpages/wasmpages/internal/devtest"
)

// TestPlacement serves examples/placement with its real back end, the
// program in placement/backend, on a free loopback port.
func TestPlacement(t *testing.T) {
	backend := startBackend(t)
	d := devtest.StartDev(t, "placement", host.DevOptions{Vars: map[string]string{"BACKEND_URL": backend.url}})
	requestID := regexp.MustCompile(`^[0-9a-f]{16}$`)

	type item struct {
		ID   string `json:"id"`
		Name string `json:"name"`
		Qty  int    `json:"qty"`
	}
	type orders struct {
		User   string `json:"user"`
		Orders []struct {
			ID    string `json:"id"`
			Items []item `json:"items"`
		} `json:"orders"`
		Queries int `json:"queries"`
	}

	// The back end answers query N only with the token of query N-1, so a
	// 200 with five queries means the function made them one after the
	// other, in order; the test walks the same chain to know the answers.
	chain := backend.walk(t)
	resp, body := d.Get(t, "/api/orders")
	checkFunction(t, "GET /api/orders", resp, 200)
	var got orders
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatalf("GET /api/orders: %v in %q", err, body)
	}
	if got.Queries != 5 || got.User != chain[0][0].Name || len(got.Orders) != len(chain[1]) {
		t.Fatalf("GET /api/orders: %q", body)
	}
	for i, o := range got.Orders {
		if o.ID != chain[1][i].ID || len(o.Items) != len(chain[2+i]) {
			t.Errorf("order %d: %+v, want %s with the rows of query %d: %+v", i+1, o, chain[1][i].ID, 3+i, chain[2+i])
			continue
		}
		for j, it := range o.Items {
			if want := chain[2+i][j]; it.ID != want.ID || it.Name != want.Name || it.Qty != want.Qty {
				t.Errorf("order %s, item %d: %+v, want %+v", o.ID, j+1, it, want)
			}
		}
	}
	id := resp.Header.Get("X-Request-Id")
	if !requestID.MatchString(id) {
		t.Errorf("GET /api/orders: X-Request-Id = %q, want 16 hexadecimal digits from the middleware", id)
	}
	if resp, _ := d.Get(t, "/api/orders"); resp.Header.Get("X-Request-Id") == id {
		t.Errorf("two requests got the same X-Request-Id %q", id)
	}

	// The static assets pass through the middleware, which adds its
	// headers: pages keep the asset server's Cache-Control, so they
	// revalidate every time; scripts and styles are kept five minutes. A
	// missing script is the single-page-app fallback, a page.
	for _, c := range []struct {
		path, file, contentType, cacheControl string
	}{
		{"/", "index.html", "text/html; charset=utf-8", "public, max-age=0, must-revalidate"},
		{"/missing.js", "index.html", "text/html; charset=utf-8", "public, max-age=0, must-revalidate"},
		{"/app.js", "app.js", "text/javascript; charset=utf-8", "public, max-age=300"},
		{"/style.css", "style.css", "text/css; charset=utf-8", "public, max-age=300"},
	} {
		t.Run(c.path, func(t *testing.T) {
			want, err := os.ReadFile(filepath.Join("placement/public", c.file))
			if err != nil {
				t.Fatal(err)
			}
			resp, body := d.Get(t, c.path)
			if resp.StatusCode != 200 || body != string(want) || resp.Header.Get("Content-Type") != c.contentType {
				t.Errorf("%d %q %v, want public/%s", resp.StatusCode, body, resp.Header, c.file)
			}
			if got := resp.Header.Get("X-Request-Id"); !requestID.MatchString(got) {
				t.Errorf("X-Request-Id = %q", got)
			}
			if got := resp.Header.Get("Cache-Control"); got != c.cacheControl {
				t.Errorf("Cache-Control = %q, want %q", got, c.cacheControl)
			}
			// The asset's ETag still revalidates to 304 through the middleware.
			req, _ := http.NewRequest("GET", d.URL+c.path, nil)
			req.Header.Set("If-None-Match", resp.Header.Get("Etag"))
			r304, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			r304.Body.Close()
			if r304.StatusCode != 304 || r304.Header.Get("X-Request-Id") == "" {
				t.Errorf("revalidation: %d %v", r304.StatusCode, r304.Header)
			}
		})
	}

	// /api/orders serves GET only: as in examples/middleware, a POST goes
	// on to the asset server, which refuses it, through the middleware.
	resp, _ = do(t, "POST", d.URL+"/api/orders", `{}`)
	if resp.StatusCode != 405 || resp.Header.Get("X-Request-Id") == "" {
		t.Errorf("POST /api/orders: %d %v, want the asset server's 405 through the middleware", resp.StatusCode, resp.Header)
	}

	// With the back end gone, the function says so: a 502 and why.
	backend.stop()
	resp, body = d.Get(t, "/api/orders")
	checkFunction(t, "GET /api/orders, back end down", resp, 502)
	var e struct{ Error string }
	if err := json.Unmarshal([]byte(body), &e); err != nil || !strings.Contains(e.Error, "back end unreachable at query 1") {
		t.Errorf("back end down: %q", body)
	}
	if resp.Header.Get("X-Request-Id") == "" {
		t.Error("back end down: no X-Request-Id")
	}
}

// backendProcess is the example's back end, running as its own process.
type backendProcess struct {
	url  string
	cmd  *exec.Cmd
	done chan error
}

// startBackend builds placement/backend and runs it on a free loopback
// port until the test ends.
func startBackend(t *testing.T) *backendProcess {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "backend")
	if out, err := exec.Command("go", "build", "-o", bin, "./placement/backend").CombinedOutput(); err != nil {
		t.Fatalf("building the back end: %v\n%s", err, out)
	}
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), "ADDR=127.0.0.1:0")
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	b := &backendProcess{cmd: cmd, done: make(chan error, 1)}
	// It prints the URL it serves once, on its first line.
	line := make(chan string, 1)
	go func() {
		s := bufio.NewScanner(stdout)
		s.Scan()
		line <- s.Text()
		io.Copy(io.Discard, stdout)
		b.done <- cmd.Wait()
	}()
	t.Cleanup(b.stop)
	select {
	case l := <-line:
		url, ok := strings.CutPrefix(l, "backend: serving ")
		if !ok {
			t.Fatalf("the back end printed %q, want its URL", l)
		}
		b.url = url
	case <-time.After(time.Minute):
		t.Fatal("the back end did not print its URL")
	}
	// Its health check, which placement's probes may HEAD.
	for _, method := range []string{"GET", "HEAD"} {
		resp, body := do(t, method, b.url+"/", "")
		if want := map[string]string{"GET": "ok\n"}[method]; resp.StatusCode != 200 || body != want {
			t.Errorf("%s %s/: %d %q, want 200 %q", method, b.url, resp.StatusCode, body, want)
		}
	}
	return b
}

// stop ends the back end and waits for it; it may be called twice.
func (b *backendProcess) stop() {
	if b.done == nil {
		return
	}
	b.cmd.Process.Kill()
	<-b.done
	b.done = nil
}

// backendRow is a row of the back end's answers.
type backendRow struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Qty  int    `json:"qty"`
}

// walk makes the back end's five queries itself, each with the token of
// the one before, and returns their rows. On the way it checks that the
// back end refuses a query made out of order.
func (b *backendProcess) walk(t *testing.T) [][]backendRow {
	t.Helper()
	query := func(step, tok string) (int, string, []backendRow) {
		t.Helper()
		resp, err := http.Get(b.url + "/query?step=" + step + "&token=" + tok)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var a struct {
			Token string
			Rows  []backendRow
		}
		if resp.StatusCode == 200 {
			if err := json.NewDecoder(resp.Body).Decode(&a); err != nil {
				t.Fatalf("query %s: %v", step, err)
			}
		}
		return resp.StatusCode, a.Token, a.Rows
	}
	var rows [][]backendRow
	tok := ""
	for _, step := range []string{"1", "2", "3", "4", "5"} {
		if step == "3" {
			if status, _, _ := query("4", tok); status != http.StatusConflict {
				t.Errorf("query 4 with the token of query 2: %d, want 409", status)
			}
		}
		status, next, r := query(step, tok)
		if status != 200 || next == "" || len(r) == 0 {
			t.Fatalf("query %s: %d %q %v", step, status, next, r)
		}
		rows, tok = append(rows, r), next
	}
	return rows
}
