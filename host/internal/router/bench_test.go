package router

import (
	"fmt"
	"testing"
)

// BenchmarkMatch matches against a table of 100 routes (static, with
// parameters, catch-alls) and 10 middleware: the work routing adds to
// every request of a large site.
func BenchmarkMatch(b *testing.B) {
	var files []string
	for i := 0; i < 25; i++ {
		files = append(files,
			fmt.Sprintf("section%d/index.wasm", i),
			fmt.Sprintf("section%d/[id].wasm", i),
			fmt.Sprintf("section%d/[id]/edit.wasm", i),
			fmt.Sprintf("section%d/files/[[path]].wasm", i))
	}
	for i := 0; i < 10; i++ {
		files = append(files, fmt.Sprintf("section%d/_middleware.wasm", i))
	}
	tb, err := New(any(files...))
	if err != nil {
		b.Fatal(err)
	}
	for _, path := range []string{"/section24/files/a/b/c", "/section3/42/edit", "/logo.svg"} {
		b.Run(path, func(b *testing.B) {
			b.ReportAllocs()
			var buf [4]Match
			for b.Loop() {
				tb.Match(buf[:0], "GET", path)
			}
		})
	}
}
