package rules

import (
	"fmt"
	"testing"
)

func TestWarningString(t *testing.T) {
	if got := (Warning{12, "bad"}).String(); got != "line 12: bad" {
		t.Errorf("got %q", got)
	}
	if got := (Warning{0, "bad"}).String(); got != "bad" {
		t.Errorf("got %q", got)
	}
}

// TestConcurrentUse hammers the parsed values from several goroutines; run
// it with -race.
func TestConcurrentUse(t *testing.T) {
	r, _ := ParseRedirects([]byte("/a /b\n/blog/* /news/:splat\n/u/:id /users/:id 200\n"))
	h, _ := ParseHeaders([]byte("/*\n  X-A: 1\n/blog/:slug\n  X-Slug: :slug\n"))
	routes := GenerateRoutes([]RouteSpec{{Path: "/api/:id"}, {Path: "/", Middleware: true}}, "")
	manual := &Routes{Version: 1, Include: []string{"/api/*"}, Exclude: []string{}}
	done := make(chan struct{})
	for g := range 4 {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := range 500 {
				path := fmt.Sprintf("/blog/%d/%d", g, i)
				if _, target, _ := r.Lookup("h", path, ""); target != fmt.Sprintf("/news/%d/%d", g, i) {
					t.Errorf("Lookup(%q) = %q", path, target)
					return
				}
				h.Each("h", path, func([]string, [][2]string) {})
				routes.Match(path)
				manual.Match(path)
			}
		}()
	}
	for range 4 {
		<-done
	}
}
