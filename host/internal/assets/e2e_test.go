package assets

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
)

// TestEndToEnd serves a site with a real fasthttp server on loopback and
// requests it with net/http's client and over a raw connection.
func TestEndToEnd(t *testing.T) {
	big := strings.Repeat("streamed ", (maxMemoryFile/9)+10)
	s := newSite(t, map[string]string{
		"index.html":      "<h1>home</h1>",
		"about.html":      "about",
		"big.bin":         big,
		"blog/404.html":   "blog not found",
		"css/site.css":    "body{}",
		"docs/index.html": "docs",
	}, Options{
		Redirects: &mapRedirects{rules: map[string]redirectRule{"/old": {301, "/about"}}},
		Headers:   sliceHeaders{{path: "/about", set: [][2]string{{"x-frame-options", "DENY"}}}},
	})

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &fasthttp.Server{Handler: func(ctx *fasthttp.RequestCtx) { s.Serve(&ctx.Request, &ctx.Response) }}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	t.Cleanup(func() {
		if err := srv.Shutdown(); err != nil {
			t.Error(err)
		}
		if err := <-done; err != nil {
			t.Error(err)
		}
	})
	base := "http://" + ln.Addr().String()
	client := &http.Client{
		Timeout:       10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	fetch := func(method, path string, hdr ...string) (*http.Response, string) {
		t.Helper()
		req, err := http.NewRequest(method, base+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp, string(body)
	}

	resp, body := fetch("GET", "/")
	etag := resp.Header.Get("Etag")
	if resp.StatusCode != 200 || body != "<h1>home</h1>" || etag == "" ||
		resp.Header.Get("Content-Type") != "text/html; charset=utf-8" || resp.ContentLength != 13 {
		t.Fatalf("GET /: %d %q %v", resp.StatusCode, body, resp.Header)
	}
	if resp, body := fetch("GET", "/", "If-None-Match", "W/"+etag); resp.StatusCode != 304 || body != "" {
		t.Errorf("GET / If-None-Match: %d %q", resp.StatusCode, body)
	}
	if resp, body := fetch("HEAD", "/css/site.css"); resp.StatusCode != 200 || body != "" || resp.ContentLength != 6 {
		t.Errorf("HEAD /css/site.css: %d %q length %d", resp.StatusCode, body, resp.ContentLength)
	}
	if resp, _ := fetch("GET", "/about.html?x=1"); resp.StatusCode != 308 || resp.Header.Get("Location") != "/about?x=1" {
		t.Errorf("GET /about.html?x=1: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, body := fetch("GET", "/about"); resp.StatusCode != 200 || body != "about" || resp.Header.Get("X-Frame-Options") != "DENY" {
		t.Errorf("GET /about: %d %q %v", resp.StatusCode, body, resp.Header)
	}
	if resp, body := fetch("GET", "/old"); resp.StatusCode != 301 || resp.Header.Get("Location") != "/about" || body != "Redirecting to /about" {
		t.Errorf("GET /old: %d %q %q", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	if resp, body := fetch("GET", "/blog/nope"); resp.StatusCode != 404 || body != "blog not found" || resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("GET /blog/nope: %d %q %v", resp.StatusCode, body, resp.Header)
	}
	if resp, _ := fetch("POST", "/"); resp.StatusCode != 405 {
		t.Errorf("POST /: %d", resp.StatusCode)
	}
	if resp, body := fetch("GET", "/big.bin", "Range", "bytes=0-3"); resp.StatusCode != 200 || body != big || resp.Header.Get("Cache-Control") != "" {
		t.Errorf("GET /big.bin: %d, %d bytes, cache-control %q", resp.StatusCode, len(body), resp.Header.Get("Cache-Control"))
	}

	// Targets a browser would never send, written raw.
	for target, want := range map[string]string{
		"//evil.example/index/":      "HTTP/1.1 308 Permanent Redirect|Location: /evil.example/",
		"/%2F%2Fevil.example/index/": "HTTP/1.1 308 Permanent Redirect|Location: /evil.example/",
		"/\\evil.example/index":      "HTTP/1.1 308 Permanent Redirect|Location: /evil.example/",
		"/../../../etc/passwd":       "HTTP/1.1 200 OK|<h1>home</h1>",
	} {
		got := rawGET(t, ln.Addr().String(), target)
		for part := range strings.SplitSeq(want, "|") {
			if !strings.Contains(got, part) {
				t.Errorf("GET %s: want %q in\n%s", target, part, got)
			}
		}
	}
}

// rawGET sends one request line as given and returns the whole response.
func rawGET(t *testing.T, addr, target string) string {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := conn.SetDeadline(time.Now().Add(5 * time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, err := fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: site.test\r\nConnection: close\r\n\r\n", target); err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(bufio.NewReader(conn))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
