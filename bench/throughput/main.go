// Command throughput measures the warm function path of `wasmpages dev`
// against the ceiling, a bare fasthttp handler, in one run with wrk (Debian
// package wrk): both servers run in this process, and wrk loads each in
// turn, several rounds, so the ratio is measured under the same conditions.
//
//	go run ./bench/throughput [-rounds 3] [-duration 10s] [-connections 64]
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"runtime/pprof"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/wasmpages/wasmpages/host"
	"github.com/wasmpages/wasmpages/internal/benchsite"
)

func main() {
	rounds := flag.Int("rounds", 3, "rounds of wrk per target")
	duration := flag.Duration("duration", 10*time.Second, "duration of each wrk run")
	conns := flag.Int("connections", 64, "wrk connections")
	project := flag.String("project", "examples/hello", "project to serve")
	path := flag.String("path", "/api/hello?name=bench", "function path to load")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the function rounds to this file")
	flag.Parse()
	if _, err := exec.LookPath("wrk"); err != nil {
		fail("wrk not found: apt-get install wrk")
	}

	bare := listen()
	go fasthttp.Serve(bare, func(ctx *fasthttp.RequestCtx) {
		ctx.SetContentType("text/plain; charset=utf-8")
		ctx.WriteString("Hello, bench!\n")
	})
	dev := listen()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		if err := host.Dev(ctx, host.DevOptions{Dir: *project, Listener: dev, Out: io.Discard}); err != nil {
			fail(err.Error())
		}
	}()
	devURL := "http://" + dev.Addr().String() + *path
	waitFor(devURL)

	targets := []struct{ name, url string }{
		{"bare fasthttp handler", "http://" + bare.Addr().String() + "/"},
		{"wasmpages function", devURL},
	}
	results := make([][]float64, len(targets))
	for r := 0; r < *rounds; r++ {
		for i, t := range targets {
			if *cpuprofile != "" && i == 1 && r == 0 {
				f, err := os.Create(*cpuprofile)
				if err != nil {
					fail(err.Error())
				}
				pprof.StartCPUProfile(f)
				defer pprof.StopCPUProfile()
			}
			rps := runWrk(t.url, *duration, *conns)
			results[i] = append(results[i], rps)
			fmt.Fprintf(os.Stderr, "round %d %-24s %10.0f req/s\n", r+1, t.name, rps)
		}
	}
	fmt.Printf("| target | req/s (median of %d x %s, wrk -t2 -c%d) |\n|---|---|\n", *rounds, *duration, *conns)
	med := make([]float64, len(targets))
	for i, t := range targets {
		med[i] = benchsite.Median(results[i])
		fmt.Printf("| %s | %.0f |\n", t.name, med[i])
	}
	fmt.Printf("\nratio function/bare: %.2f\n", med[1]/med[0])
}

func listen() net.Listener {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fail(err.Error())
	}
	return ln
}

func waitFor(url string) {
	deadline := time.Now().Add(3 * time.Minute)
	for time.Now().Before(deadline) {
		status, _, err := fasthttp.GetTimeout(nil, url, 5*time.Second)
		if err == nil && status == 200 {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	fail("the dev server did not answer 200 at " + url)
}

func runWrk(url string, d time.Duration, conns int) float64 {
	v, err := benchsite.Wrk(url, d, conns, nil)
	if err != nil {
		fail(err.Error())
	}
	return v
}

func fail(msg string) {
	fmt.Fprintln(os.Stderr, "throughput:", msg)
	os.Exit(1)
}
