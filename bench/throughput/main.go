// Command throughput measures the warm function path of `wasmpages dev`
// against the ceiling, a bare fasthttp handler, in one run with wrk (Debian
// package wrk): every server runs in this process, and wrk loads each in
// turn, round after round, so that each round gives a ratio to the bare
// handler measured under the same conditions. The machine's noise moves
// all targets of a round together; the median of the per-round ratios is
// the figure.
//
//	go run ./bench/throughput [-rounds 5] [-duration 5s] [-connections 64]
//	    [-target examples/hello=/api/hello?name=bench -target ...]
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
	"strings"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/wasmpages/wasmpages/host"
	"github.com/wasmpages/wasmpages/internal/benchsite"
)

// targetFlags are -target values: a project directory and the function
// path to load, as DIR=PATH.
type targetFlags []string

func (t *targetFlags) String() string     { return strings.Join(*t, " ") }
func (t *targetFlags) Set(v string) error { *t = append(*t, v); return nil }

func main() {
	rounds := flag.Int("rounds", 5, "rounds of wrk per target")
	duration := flag.Duration("duration", 5*time.Second, "duration of each wrk run")
	conns := flag.Int("connections", 64, "wrk connections")
	var projects targetFlags
	flag.Var(&projects, "target", "a project and the function path to load, DIR=PATH (repeatable; default: examples/hello and bench/throughput/raw)")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the first function target's first round to this file")
	flag.Parse()
	if _, err := exec.LookPath("wrk"); err != nil {
		fail("wrk not found: apt-get install wrk")
	}
	if len(projects) == 0 {
		projects = targetFlags{"examples/hello=/api/hello?name=bench", "bench/throughput/raw=/raw"}
	}

	bare := listen()
	go fasthttp.Serve(bare, func(ctx *fasthttp.RequestCtx) {
		ctx.SetContentType("text/plain; charset=utf-8")
		ctx.WriteString("Hello, bench!\n")
	})
	type target struct{ name, url string }
	targets := []target{{"bare fasthttp handler", "http://" + bare.Addr().String() + "/"}}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for _, p := range projects {
		dir, path, ok := strings.Cut(p, "=")
		if !ok {
			fail("-target " + p + ": want DIR=PATH")
		}
		ln := listen()
		go func() {
			if err := host.Dev(ctx, host.DevOptions{Dir: dir, Listener: ln, Out: io.Discard}); err != nil {
				fail(err.Error())
			}
		}()
		url := "http://" + ln.Addr().String() + path
		waitFor(url)
		targets = append(targets, target{dir + " " + path, url})
	}

	rps := make([][]float64, len(targets))
	ratios := make([][]float64, len(targets))
	for r := 0; r < *rounds; r++ {
		for i, t := range targets {
			if *cpuprofile != "" && i == 1 && r == 0 {
				f, err := os.Create(*cpuprofile)
				if err != nil {
					fail(err.Error())
				}
				pprof.StartCPUProfile(f)
			}
			v := runWrk(t.url, *duration, *conns)
			if *cpuprofile != "" && i == 1 && r == 0 {
				pprof.StopCPUProfile()
			}
			rps[i] = append(rps[i], v)
			ratios[i] = append(ratios[i], v/rps[0][r])
			fmt.Fprintf(os.Stderr, "round %d %-45s %10.0f req/s  ratio %.2f\n", r+1, t.name, v, v/rps[0][r])
		}
	}
	fmt.Printf("| target | req/s (median of %d x %s, wrk -t2 -c%d) | ratio to bare (median of the rounds' ratios) | range of the ratios |\n|---|---|---|---|\n", *rounds, *duration, *conns)
	for i, t := range targets {
		lo, hi := benchsite.Median(ratios[i][:1]), 0.0
		for _, x := range ratios[i] {
			lo, hi = min(lo, x), max(hi, x)
		}
		fmt.Printf("| %s | %.0f | %.2f | %.2f-%.2f |\n", t.name, benchsite.Median(rps[i]), benchsite.Median(ratios[i]), lo, hi)
	}
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
