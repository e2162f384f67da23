package host

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// Simulate runs a simulation until ctx is done. Each simulated client
// requests, from its place, every route of the project without parameters
// (and /) at its region, in turn; every few seconds the report says, per
// route and client, where the function ran and what the requests cost, and
// each region's placement decisions.
func Simulate(ctx context.Context, o SimulateOptions) error {
	if o.Out == nil {
		o.Out = io.Discard
	}
	s, err := StartSimulation(ctx, o)
	if err != nil {
		return err
	}
	defer s.Close()
	fmt.Fprintf(o.Out, "simulating %s in %d regions:\n", s.project, len(s.regions))
	for _, r := range s.regions {
		fmt.Fprintf(o.Out, "  %-12s %s\n", r.name, r.public)
	}
	routes := s.paths()
	st := &simStats{rows: map[[2]string]*simRow{}}
	var wg sync.WaitGroup
	for _, c := range s.sim.Clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.drive(ctx, c.Name, c.Near, routes, st)
		}()
	}
	t := time.NewTicker(5 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			wg.Wait()
			s.report(o.Out, st)
			return nil
		case <-t.C:
			s.report(o.Out, st)
		}
	}
}

// paths are the paths the simulated clients request: / and each route
// without parameters that serves GET.
func (s *Simulation) paths() []string {
	paths := []string{"/"}
	st := s.regions[0].cur.p.Load()
	for _, r := range st.Routes().Routes() {
		if r.Middleware || strings.Contains(r.Path, ":") || (r.Method != "" && r.Method != "GET") || slices.Contains(paths, r.Path) {
			continue
		}
		paths = append(paths, r.Path)
	}
	return paths
}

// drive sends a client's requests until ctx is done.
func (s *Simulation) drive(ctx context.Context, client, region string, paths []string, st *simStats) {
	hc := s.Client(client)
	base := s.URL(region)
	for ctx.Err() == nil {
		for _, p := range paths {
			req, _ := http.NewRequestWithContext(ctx, "GET", base+p, nil)
			start := time.Now()
			resp, err := hc.Do(req)
			if err != nil {
				if ctx.Err() == nil {
					st.add(p, client, region, "error", 0, time.Since(start))
				}
				continue
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			st.add(p, client, region, resp.Header.Get("X-Placement"), resp.StatusCode, time.Since(start))
		}
		select {
		case <-ctx.Done():
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// simStats are the requests of a simulation, by path and client.
type simStats struct {
	mu   sync.Mutex
	rows map[[2]string]*simRow
}

type simRow struct {
	region    string
	placement string // of the last response
	status    int
	durations []time.Duration
}

func (st *simStats) add(path, client, region, placement string, status int, d time.Duration) {
	st.mu.Lock()
	defer st.mu.Unlock()
	k := [2]string{path, client}
	r := st.rows[k]
	if r == nil {
		r = &simRow{region: region}
		st.rows[k] = r
	}
	r.placement, r.status = placement, status
	r.durations = append(r.durations, d)
}

// report prints where each path ran for each client and what it cost, then
// each region's decisions.
func (s *Simulation) report(w io.Writer, st *simStats) {
	st.mu.Lock()
	keys := make([][2]string, 0, len(st.rows))
	for k := range st.rows {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		return keys[i][0] < keys[j][0] || keys[i][0] == keys[j][0] && keys[i][1] < keys[j][1]
	})
	fmt.Fprintf(w, "\n%-20s %-12s %-10s %-18s %6s %9s %9s\n", "PATH", "CLIENT", "REGION", "RAN", "REQS", "P50", "P95")
	for _, k := range keys {
		r := st.rows[k]
		ran := r.placement
		if ran == "" {
			ran = "assets"
		}
		if r.status >= 400 || r.status == 0 {
			ran += fmt.Sprintf(" (%d)", r.status)
		}
		p50, p95 := percentiles(r.durations)
		fmt.Fprintf(w, "%-20s %-12s %-10s %-18s %6d %9s %9s\n", k[0], k[1], r.region, ran, len(r.durations), p50.Round(100*time.Microsecond), p95.Round(100*time.Microsecond))
	}
	st.mu.Unlock()
	for _, r := range s.regions {
		v := r.fleet.view(s.project)
		if v.Report == nil {
			continue
		}
		for _, m := range v.Report.Modules {
			if len(m.Ingresses) == 0 {
				continue
			}
			d := m.Ingresses[0].Decision
			where := "here"
			if d.Region != "" {
				where = "in " + d.Region
			}
			fmt.Fprintf(w, "  from %-10s functions/%s: %s, runs %s (%s)\n", r.name, m.Module, orText(m.Status, "not analysed"), where, d.Reason)
		}
	}
}

// percentiles returns the 50th and 95th percentiles of ds.
func percentiles(ds []time.Duration) (p50, p95 time.Duration) {
	if len(ds) == 0 {
		return 0, 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)*50/100], s[min(len(s)-1, len(s)*95/100)]
}
