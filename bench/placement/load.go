package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wasmpages/wasmpages/host"
)

// The paths measured, in the order they are loaded.
var paths = []string{"/api/orders", "/api/profile", "/"}

// The placement modes, each run in its own simulation: "off", "smart", or
// a region name for targeted placement there.
var modes = []string{"off", "smart", "a", "b", "c"}

// warmups is how many requests to / each user sends before a simulation is
// measured, to open its connections; they are not counted.
const warmups = 6

// A sample is one measured request.
type sample struct {
	// At is when it was sent, after the user's first request of the path.
	At time.Duration `json:"at"`
	// Dur is how long the user waited for the whole response.
	Dur       time.Duration `json:"dur"`
	Status    int           `json:"status"`
	Placement string        `json:"placement"` // the response's x-placement
	Err       string        `json:"err,omitempty"`
}

// ok reports whether the request got a 200.
func (s sample) ok() bool { return s.Err == "" && s.Status == http.StatusOK }

// end is when the response had been read, after the user's first request.
func (s sample) end() time.Duration { return s.At + s.Dur }

// modeResult is what one mode's simulation measured.
type modeResult struct {
	// Samples holds each path's and region's samples, in the order sent.
	Samples map[string]map[string][]sample `json:"samples"`
	// Explain holds the regions' placement decisions at the end.
	Explain string `json:"explain,omitempty"`
}

// results holds every mode's.
type results map[string]modeResult

// runMode starts a simulation of the project with the given placement,
// warms it up, and loads each path from each region's user: n requests per
// user and path, from c requesters sharing the user's connections. The
// users take turns unless together is set.
func runMode(w *workspace, mode string, n, c int, together bool) (modeResult, error) {
	res := modeResult{Samples: map[string]map[string][]sample{}}
	addr, err := freeAddr()
	if err != nil {
		return res, err
	}
	simPath, err := w.simFile(addr)
	if err != nil {
		return res, err
	}
	fmt.Fprintf(w.log, "\n=== placement %s\n", mode)
	sim, err := host.StartSimulation(context.Background(), host.SimulateOptions{
		Dir: w.project, Sim: simPath, DataDir: w.data, Out: w.log,
		Vars:      map[string]string{"BACKEND_URL": "http://" + addr},
		Placement: mode,
	})
	if err != nil {
		return res, err
	}
	current.Store(sim)
	defer func() {
		current.Store(nil)
		sim.Close()
	}()
	clients := map[string]*http.Client{}
	for _, r := range regions {
		clients[r] = sim.Client(client(r))
	}
	forRegions(true, func(r string) {
		load(sim.URL(r)+"/", clients[r], warmups, c)
	})
	for _, p := range paths {
		res.Samples[p] = map[string][]sample{}
		var mu sync.Mutex
		forRegions(together, func(r string) {
			s := load(sim.URL(r)+p, clients[r], n, c)
			mu.Lock()
			res.Samples[p][r] = s
			mu.Unlock()
		})
		fmt.Fprintf(os.Stderr, "  %-13s %s\n", p, summary(res.Samples[p]))
	}
	if mode == "smart" {
		for _, r := range regions {
			res.Explain += sim.Explain(r)
		}
	}
	return res, nil
}

// current is the running simulation, closed if the program is interrupted.
var current atomic.Pointer[host.Simulation]

// forRegions runs f for every region, at once if together is set, else one
// after the other.
func forRegions(together bool, f func(region string)) {
	var wg sync.WaitGroup
	for _, r := range regions {
		if !together {
			f(r)
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(r)
		}()
	}
	wg.Wait()
}

// load sends n GET requests to url from c requesters at once and returns
// them in the order they were sent.
func load(url string, hc *http.Client, n, c int) []sample {
	out := make([]sample, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	t0 := time.Now()
	for range c {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				out[i] = get(hc, url, t0)
			}
		}()
	}
	wg.Wait()
	return out
}

// get sends one request and reads its whole response.
func get(hc *http.Client, url string, t0 time.Time) sample {
	start := time.Now()
	s := sample{At: start.Sub(t0)}
	resp, err := hc.Get(url)
	if err == nil {
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		s.Status, s.Placement = resp.StatusCode, resp.Header.Get("X-Placement")
	}
	s.Dur = time.Since(start)
	if err != nil {
		s.Err = err.Error()
	}
	return s
}

// summary is a progress line: each region's p50 and where it ran most.
func summary(byRegion map[string][]sample) string {
	line := ""
	for _, r := range regions {
		st := statsOf(byRegion[r], 0)
		line += fmt.Sprintf("  %s: p50 %6.1f ms %-9s", r, st.p50, majority(byRegion[r]))
		if st.failed > 0 {
			line += fmt.Sprintf(" (%d failed)", st.failed)
		}
	}
	return line
}

// writeRaw writes every sample of every round to a CSV file at path.
func writeRaw(path string, rounds []results) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	cw := csv.NewWriter(f)
	cw.Write([]string{"round", "mode", "path", "region", "request", "start_ms", "duration_ms", "status", "x_placement", "error"})
	for k, res := range rounds {
		for _, m := range modes {
			for _, p := range paths {
				for _, r := range regions {
					for i, x := range res[m].Samples[p][r] {
						cw.Write([]string{strconv.Itoa(k + 1), m, p, r, strconv.Itoa(i + 1), ms(x.At), ms(x.Dur),
							strconv.Itoa(x.Status), x.Placement, x.Err})
					}
				}
			}
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// ms formats a duration in milliseconds.
func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 3, 64)
}
