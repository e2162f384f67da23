package metrics

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// TestHandler serves a registry on a loopback server and scrapes it as
// Prometheus does.
func TestHandler(t *testing.T) {
	srv := httptest.NewServer(smallRegistry().Handler())
	t.Cleanup(srv.Close)

	tests := []struct {
		name           string
		method         string
		acceptEncoding string
		status         int
		gzipped        bool
		body           string
	}{
		{"plain", http.MethodGet, "", http.StatusOK, false, golden},
		{"identity only", http.MethodGet, "identity", http.StatusOK, false, golden},
		{"gzip as Prometheus asks", http.MethodGet, "gzip", http.StatusOK, true, golden},
		{"gzip in a list", http.MethodGet, "br;q=1.0, gzip;q=0.8, *;q=0.1", http.StatusOK, true, golden},
		{"gzip refused", http.MethodGet, "gzip;q=0, deflate", http.StatusOK, false, golden},
		{"head", http.MethodHead, "", http.StatusOK, false, ""},
		{"post", http.MethodPost, "", http.StatusMethodNotAllowed, false, "metrics: method POST not allowed: use GET\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(tt.method, srv.URL+"/metrics", nil)
			if err != nil {
				t.Fatal(err)
			}
			// Set explicitly, the header stops the transport from
			// decompressing on its own, so the test sees the wire.
			req.Header.Set("Accept-Encoding", tt.acceptEncoding)
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			raw, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.status)
			}
			if tt.status == http.StatusMethodNotAllowed {
				if got := resp.Header.Get("Allow"); got != "GET, HEAD" {
					t.Errorf("Allow %q, want %q", got, "GET, HEAD")
				}
			} else {
				if got := resp.Header.Get("Content-Type"); got != "text/plain; version=0.0.4; charset=utf-8" {
					t.Errorf("Content-Type %q", got)
				}
				if got := resp.Header.Get("Cache-Control"); got != "no-store" {
					t.Errorf("Cache-Control %q, want no-store", got)
				}
			}
			if got := resp.Header.Get("Content-Encoding") == "gzip"; got != tt.gzipped {
				t.Fatalf("gzip %v, want %v", got, tt.gzipped)
			}
			body := raw
			if tt.gzipped {
				zr, err := gzip.NewReader(bytes.NewReader(raw))
				if err != nil {
					t.Fatal(err)
				}
				if body, err = io.ReadAll(zr); err != nil {
					t.Fatal(err)
				}
			}
			if string(body) != tt.body {
				t.Errorf("body:\n%s\nwant:\n%s", body, tt.body)
			}
		})
	}
}

// TestHandlerLarge scrapes a registry whose exposition is many times the
// write buffer, compressed and not, and reads back every series.
func TestHandlerLarge(t *testing.T) {
	r := New()
	for i := range 100 {
		r.Request("shop", fmt.Sprintf("functions/m%03d.wasm", i), "local", "us-east", time.Duration(i)*time.Millisecond)
		r.Subrequest("shop", fmt.Sprintf("https://o%03d.internal", i), time.Duration(i)*time.Millisecond)
	}
	want := scrapeText(r)
	if len(want) < 4*32<<10 {
		t.Fatalf("exposition of %d bytes, want several write buffers", len(want))
	}
	srv := httptest.NewServer(r.Handler())
	t.Cleanup(srv.Close)
	for _, enc := range []string{"", "gzip"} {
		req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
		req.Header.Set("Accept-Encoding", enc)
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var body io.Reader = resp.Body
		if enc == "gzip" {
			if body, err = gzip.NewReader(resp.Body); err != nil {
				t.Fatal(err)
			}
		}
		got, err := io.ReadAll(body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != want {
			t.Errorf("Accept-Encoding %q: body of %d bytes differs from WriteTo's %d", enc, len(got), len(want))
		}
		parseExposition(t, string(got))
	}
}

func TestAcceptsGzip(t *testing.T) {
	tests := []struct {
		name   string
		values []string
		want   bool
	}{
		{"absent", nil, false},
		{"empty", []string{""}, false},
		{"gzip", []string{"gzip"}, true},
		{"case", []string{"GZip"}, true},
		{"x-gzip", []string{"x-gzip"}, true},
		{"list", []string{"deflate, gzip"}, true},
		{"several headers", []string{"deflate", "gzip;q=0.5"}, true},
		{"q zero", []string{"gzip;q=0"}, false},
		{"q zero with spaces", []string{"gzip ; q = 0.000"}, false},
		{"bad q", []string{"gzip;q=high"}, false},
		{"other parameter", []string{"gzip;level=1"}, true},
		{"star", []string{"*"}, true},
		{"star but gzip refused", []string{"*, gzip;q=0"}, false},
		{"star refused", []string{"*;q=0"}, false},
		{"other codings only", []string{"br, zstd"}, false},
		{"prefix is not gzip", []string{"gzipx"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := acceptsGzip(tt.values); got != tt.want {
				t.Errorf("acceptsGzip(%q) = %v, want %v", tt.values, got, tt.want)
			}
		})
	}
}
