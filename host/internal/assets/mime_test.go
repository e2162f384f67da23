package assets

import (
	"strings"
	"testing"
)

func TestContentTypeFor(t *testing.T) {
	for name, want := range map[string]string{
		"/index.html":        "text/html; charset=utf-8",
		"/a/B.HTML":          "text/html; charset=utf-8",
		"/style.css":         "text/css; charset=utf-8",
		"/app.js":            "text/javascript; charset=utf-8",
		"/mod.mjs":           "text/javascript; charset=utf-8",
		"/data.json":         "application/json",
		"/robots.txt":        "text/plain; charset=utf-8",
		"/feed.xml":          "application/xml",
		"/logo.svg":          "image/svg+xml",
		"/a.png":             "image/png",
		"/a.jpg":             "image/jpeg",
		"/a.jpeg":            "image/jpeg",
		"/a.gif":             "image/gif",
		"/a.webp":            "image/webp",
		"/a.avif":            "image/avif",
		"/favicon.ico":       "image/vnd.microsoft.icon",
		"/f.wasm":            "application/wasm",
		"/f.woff":            "font/woff",
		"/f.woff2":           "font/woff2",
		"/f.ttf":             "font/ttf",
		"/f.otf":             "font/otf",
		"/doc.pdf":           "application/pdf",
		"/v.mp4":             "video/mp4",
		"/v.webm":            "video/webm",
		"/s.mp3":             "audio/mpeg",
		"/app.js.map":        "application/json",
		"/README.md":         "text/markdown; charset=utf-8",
		"/t.csv":             "text/csv; charset=utf-8",
		"/a.zip":             "application/zip",
		"/a.tar.gz":          "application/gzip",
		"/LICENSE":           "application/octet-stream",
		"/a.unknownext":      "application/octet-stream",
		"/.html":             "application/octet-stream",
		"/dir.html/file":     "application/octet-stream",
		"/.well-known/x":     "application/octet-stream",
		"/trailing.":         "application/octet-stream",
		"/a.b/c.webmanifest": "application/manifest+json",
	} {
		if got := contentTypeFor(name); got != want {
			t.Errorf("contentTypeFor(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestContentTypesTable(t *testing.T) {
	for ext, ct := range contentTypes {
		if ext != strings.ToLower(ext) || strings.Contains(ext, ".") {
			t.Errorf("extension %q must be lowercase, without a dot", ext)
		}
		if strings.Contains(ct, "charset") || strings.Count(ct, "/") != 1 {
			t.Errorf("%s: malformed %q", ext, ct)
		}
	}
}
