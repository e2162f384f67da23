// Command placement measures Smart Placement against placement off and the
// best fixed choice (the oracle), in one run on one machine: three regions
// a, b and c simulated by host.StartSimulation with round trips a-b 40 ms,
// a-c 80 ms and b-c 120 ms, the back end "db" beside a, and one user 5 ms
// from each region. The project is a copy of examples/placement
// (/api/orders makes 5 sequential queries to the back end; a root
// middleware makes none, in front of the assets) with one more function,
// /api/profile (profile/), which makes 1. Each placement mode (off, smart,
// and targeted at a, b and c) runs in its own simulation, in a process of
// its own, so that no mode inherits another's heap; in each, every user
// requests each path -n times from -c requesters, the users one after the
// other (-together: at the same time). It prints, per path, a markdown
// table of p50 and p95 per region, when smart's decisions settled, the
// machine's noise floor and a verdict per target, on stdout; progress and
// smart's placement decisions go to stderr.
//
//	go run ./bench/placement [-n 60] [-c 2] [-rounds 1] [-together] [-raw requests.csv]
//	    [-cpuprofile file [-profile smart]]
//
// -rounds runs the five modes that many times, one round after the other,
// and pools each mode's requests: a slow drift of the machine's load then
// falls on every mode alike.
//
// -raw writes every measured request: round, mode, path, region, its number
// in the order the user sent it, when it started (ms after the user's first
// request of the path), how long it took (ms), status, x-placement, error.
// -cpuprofile profiles the process that runs the mode named by -profile
// (off, smart, a, b or c).
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/wasmpages/wasmpages/internal/benchsite"
)

// options are the command line's.
type options struct {
	n, c       int
	rounds     int
	together   bool
	cpuprofile string
	profile    string
}

func main() {
	var o options
	flag.IntVar(&o.n, "n", 60, "requests per user and path, in each mode")
	flag.IntVar(&o.c, "c", 2, "concurrent requesters per user")
	flag.IntVar(&o.rounds, "rounds", 1, "rounds of the five modes, one after the other; the figures pool the rounds' requests")
	flag.BoolVar(&o.together, "together", false, "the three users send at the same time, rather than one after the other")
	raw := flag.String("raw", "", "also write every request measured to this CSV file")
	flag.StringVar(&o.cpuprofile, "cpuprofile", "", "write a CPU profile of the process that runs -profile's mode to this file")
	flag.StringVar(&o.profile, "profile", "smart", "mode profiled by -cpuprofile: off, smart, a, b or c")
	// A mode's process: run -mode in the workspace -workspace and write what
	// it measured to -out.
	mode := flag.String("mode", "", "")
	dir := flag.String("workspace", "", "")
	out := flag.String("out", "", "")
	flag.Parse()
	if o.n < 2*settleRun || o.c < 1 || o.rounds < 1 {
		fmt.Fprintf(os.Stderr, "placement: -n must be at least %d, -c and -rounds at least 1\n", 2*settleRun)
		os.Exit(2)
	}
	if !slices.Contains(modes, o.profile) {
		fmt.Fprintln(os.Stderr, "placement: -profile must be off, smart, a, b or c")
		os.Exit(2)
	}
	if *mode != "" {
		runModeProcess(*mode, *dir, *out, o)
		return
	}

	w, err := prepare()
	if w != nil {
		cleanups.Add(w.remove)
	}
	if err != nil {
		fail(err)
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sig
		// A mode's process ends on the signal too, and its end fails the
		// run; without one, fail now.
		if !signalChild() {
			fail(fmt.Errorf("interrupted"))
		}
	}()
	load0 := loadAverage()
	var rounds []results
	for k := range o.rounds {
		res := results{}
		for _, m := range modes {
			start := time.Now()
			fmt.Fprintf(os.Stderr, "round %d of %d, placement %s:\n", k+1, o.rounds, modeName(m))
			r, err := spawn(w, m, o)
			if err != nil {
				fail(fmt.Errorf("placement %s: %w\n%s", modeName(m), err, tail(w.log.Name(), 4096)))
			}
			res[m] = r
			if r.Explain != "" {
				fmt.Fprintf(os.Stderr, "smart placement's decisions at the end:\n%s", r.Explain)
			}
			fmt.Fprintf(os.Stderr, "  (%s)\n", time.Since(start).Round(time.Second))
		}
		rounds = append(rounds, res)
	}
	rp := newReport(rounds, o)
	rp.load = [2]string{load0, loadAverage()}
	rp.print(os.Stdout)
	if *raw != "" {
		if err := writeRaw(*raw, rounds); err != nil {
			fail(err)
		}
	}
	cleanups.Run()
}

// child is the running mode's process.
var (
	childMu sync.Mutex
	child   *exec.Cmd
)

// spawn runs one mode in a process of its own, this program with -mode,
// and returns what it measured.
func spawn(w *workspace, mode string, o options) (modeResult, error) {
	var res modeResult
	exe, err := os.Executable()
	if err != nil {
		return res, err
	}
	out := filepath.Join(w.dir, "result-"+mode+".json")
	args := []string{"-mode", mode, "-workspace", w.dir, "-out", out,
		"-n", strconv.Itoa(o.n), "-c", strconv.Itoa(o.c), "-profile", o.profile}
	if o.together {
		args = append(args, "-together")
	}
	if o.cpuprofile != "" {
		args = append(args, "-cpuprofile", o.cpuprofile)
	}
	cmd := exec.Command(exe, args...)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	childMu.Lock()
	err = cmd.Start()
	if err == nil {
		child = cmd
	}
	childMu.Unlock()
	if err != nil {
		return res, err
	}
	err = cmd.Wait()
	childMu.Lock()
	child = nil
	childMu.Unlock()
	if err != nil {
		return res, err
	}
	b, err := os.ReadFile(out)
	if err != nil {
		return res, err
	}
	return res, json.Unmarshal(b, &res)
}

// signalChild passes an interrupt on to the running mode's process, and
// reports whether there was one.
func signalChild() bool {
	childMu.Lock()
	defer childMu.Unlock()
	if child == nil {
		return false
	}
	child.Process.Signal(syscall.SIGTERM)
	return true
}

// runModeProcess is the process of one mode: it runs the mode in the
// workspace dir and writes what it measured to out.
func runModeProcess(mode, dir, out string, o options) {
	if !slices.Contains(modes, mode) || dir == "" || out == "" {
		fmt.Fprintln(os.Stderr, "placement: -mode needs -workspace and -out")
		os.Exit(2)
	}
	w, err := openWorkspace(dir)
	if err != nil {
		fail(err)
	}
	cleanups.Add(func() { w.log.Close() })
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sig
		if s := current.Load(); s != nil {
			s.Close()
		}
		fail(fmt.Errorf("interrupted"))
	}()
	if o.cpuprofile != "" && mode == o.profile {
		f, err := os.Create(o.cpuprofile)
		if err != nil {
			fail(err)
		}
		pprof.StartCPUProfile(f)
		cleanups.Add(pprof.StopCPUProfile)
	}
	res, err := runMode(w, mode, o.n, o.c, o.together)
	if err != nil {
		fail(err)
	}
	b, err := json.Marshal(res)
	if err != nil {
		fail(err)
	}
	if err := os.WriteFile(out, b, 0o644); err != nil {
		fail(err)
	}
	cleanups.Run()
}

// cleanups remove the workspace; fail runs them too.
var cleanups benchsite.Cleanups

func fail(err error) {
	fmt.Fprintln(os.Stderr, "placement:", err)
	cleanups.Run()
	os.Exit(1)
}

// loadAverage returns the machine's load averages over 1, 5 and 15
// minutes, or "unknown".
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return "unknown"
}

// tail returns the last limit bytes of the file at path.
func tail(path string, limit int64) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Size() > limit {
		f.Seek(-limit, io.SeekEnd)
	}
	b, _ := io.ReadAll(f)
	return string(b)
}
