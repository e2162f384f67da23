package main

import (
	"fmt"
	"io"
	"math"
	"runtime"
	"strings"
	"time"
)

// The targets the verdicts judge.
const (
	oracleTolerance = 0.05 // smart's p50 within 5% of the oracle's (/api/orders)
	minSpeedup      = 3.0  // and at least 3x lower than off's, for b and c
	maxSettleReqs   = 20   // settled within 20 invocations
	maxSettleTime   = 5 * time.Second
	localTolerance  = 0.02 // /api/profile and / with smart within 2% of off (p50)
)

// describe says what each path is.
var describe = map[string]string{
	"/api/orders":  "5 sequential back-end round trips",
	"/api/profile": "1 back-end round trip",
	"/":            "an asset through the root middleware, no back-end round trip",
}

// modeName is how the tables name a mode.
func modeName(m string) string {
	switch m {
	case "off", "smart":
		return m
	case "":
		return "none"
	}
	return "targeted " + m
}

// report is what a run measured, ready to print.
type report struct {
	o      options
	rounds []results
	load   [2]string // the machine's load averages before and after the run
	// settled says when smart's decisions settled, by round, path and
	// region.
	settled []map[string]map[string]settling
}

func newReport(rounds []results, o options) *report {
	rp := &report{o: o, rounds: rounds}
	for _, res := range rounds {
		byPath := map[string]map[string]settling{}
		for _, p := range paths {
			byPath[p] = map[string]settling{}
			for _, r := range regions {
				byPath[p][r] = settle(res["smart"].Samples[p][r])
			}
		}
		rp.settled = append(rp.settled, byPath)
	}
	return rp
}

// counted returns the samples of a mode for a path and region that the
// figures count, from every round: for smart, those from the request at
// which its decision settled on (all of them if it never did).
func (rp *report) counted(mode, path, region string) []sample {
	var out []sample
	for k, res := range rp.rounds {
		from := 0
		if mode == "smart" {
			from = max(0, rp.settled[k][path][region].at)
		}
		out = append(out, res[mode].Samples[path][region][from:]...)
	}
	return out
}

// of returns the figures of a mode for a path and region.
func (rp *report) of(mode, path, region string) stats {
	return statsOf(rp.counted(mode, path, region), 0)
}

// oracle returns the best fixed choice for a path and region by p50: off
// (local) or targeted at a region.
func (rp *report) oracle(path, region string) (string, stats) {
	best, bs := "", stats{p50: math.Inf(1)}
	for _, m := range modes {
		if m == "smart" {
			continue
		}
		if st := rp.of(m, path, region); st.failed == 0 && st.p50 < bs.p50 {
			best, bs = m, st
		}
	}
	return best, bs
}

// print writes the whole report as markdown.
func (rp *report) print(w io.Writer) {
	cmd, users := "go run ./bench/placement", "the users take turns, since the three regions share this machine's CPUs "+
		"where a real cluster gives each its own"
	if rp.o.n != 60 {
		cmd += fmt.Sprintf(" -n %d", rp.o.n)
	}
	if rp.o.c != 2 {
		cmd += fmt.Sprintf(" -c %d", rp.o.c)
	}
	if rp.o.together {
		cmd += " -together"
		users = "the three users send at the same time"
	}
	rounds := ""
	if rp.o.rounds != 1 {
		cmd += fmt.Sprintf(" -rounds %d", rp.o.rounds)
		rounds = fmt.Sprintf("; %d rounds of the five modes, one after the other, their requests pooled", rp.o.rounds)
	}
	fmt.Fprintf(w, "Command: `%s`: %d requests per user and path, %d concurrent requesters per user%s.\n\n", cmd, rp.o.n, rp.o.c, rounds)
	fmt.Fprintf(w, "Network: regions a, b, c with round trips a-b 40 ms, a-c 80 ms, b-c 120 ms; the back end db beside a "+
		"(a-db 1 ms, b-db 40 ms, c-db 80 ms); one user per region, 5 ms from it. Each mode runs in its own simulation, in a "+
		"process of its own, warmed up with %d requests to / per user (not counted); the paths are loaded one after the "+
		"other and %s.\n\n", warmups, users)
	fmt.Fprintf(w, "Machine: %d CPUs (%s/%s). The load generator, the three nodes, the network emulator and the back end "+
		"all share them, and so does whatever else runs on the machine (load averages over 1, 5 and 15 minutes: %s before the "+
		"run, %s after), so the figures carry scheduling noise; the noise floor below measures it.\n\n",
		runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, rp.load[0], rp.load[1])
	fmt.Fprintf(w, "Figures are the milliseconds a user waited for the whole response, p50 / p95 (nearest rank). Smart's are over "+
		"the requests from the one at which its decision settled on (the first of %d responses in a row carrying the final "+
		"majority x-placement, that of the last half of the requests); the other modes' over all %d. The oracle is, per path "+
		"and region, the best of off (local), targeted a, b and c by p50.\n", settleRun, rp.o.n*rp.o.rounds)
	for _, p := range paths {
		rp.printPath(w, p)
	}
	rp.printSettling(w)
	rp.printNoise(w)
	rp.printVerdicts(w)
}

// printPath writes a path's tables.
func (rp *report) printPath(w io.Writer, path string) {
	fmt.Fprintf(w, "\n### %s (%s)\n\n", path, describe[path])
	fmt.Fprintln(w, "| region | off | smart (after settling) | oracle (choice) | smart/oracle p50 | off/smart p50 |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|")
	for _, r := range regions {
		off, smart := rp.of("off", path, r), rp.of("smart", path, r)
		choice, or := rp.oracle(path, r)
		fmt.Fprintf(w, "| %s | %s | %s | %s (%s) | %.2f | %.2f |\n", r, cell(off), cell(smart), cell(or), modeName(choice),
			smart.p50/or.p50, off.p50/smart.p50)
	}
	fmt.Fprintf(w, "\nEvery mode, p50 / p95, and where the responses ran:\n\n")
	fmt.Fprint(w, "| region |")
	for _, m := range modes {
		fmt.Fprintf(w, " %s |", modeName(m))
	}
	fmt.Fprint(w, "\n|---|")
	for range modes {
		fmt.Fprint(w, "---|")
	}
	fmt.Fprintln(w)
	for _, r := range regions {
		fmt.Fprintf(w, "| %s |", r)
		for _, m := range modes {
			fmt.Fprintf(w, " %s, %s |", cell(rp.of(m, path, r)), ran(rp.counted(m, path, r)))
		}
		fmt.Fprintln(w)
	}
}

// cell formats a p50 / p95, with the failures if there were any.
func cell(st stats) string {
	s := fmt.Sprintf("%.1f / %.1f", st.p50, st.p95)
	if st.failed > 0 {
		s += fmt.Sprintf(" (%d of %d FAILED)", st.failed, st.n)
	}
	return s
}

// ran says where the successful responses of s ran: "local-a 60", or
// "remote-a 52 + local-b 6".
func ran(s []sample) string {
	count := map[string]int{}
	var order []string
	for _, x := range s {
		if !x.ok() {
			continue
		}
		p := x.Placement
		if p == "" {
			p = "(none)"
		}
		if count[p] == 0 {
			order = append(order, p)
		}
		count[p]++
	}
	var parts []string
	for _, p := range order {
		parts = append(parts, fmt.Sprintf("%s %d", p, count[p]))
	}
	return strings.Join(parts, " + ")
}

// printSettling writes when smart's decisions settled.
func (rp *report) printSettling(w io.Writer) {
	fmt.Fprintf(w, "\n### Settling (smart, /api/orders)\n\n")
	fmt.Fprintf(w, "Requests are numbered from 1 in the order each user sent them (%d at a time); seconds run from the "+
		"user's first request to the end of the request named.\n\n", rp.o.c)
	fmt.Fprintln(w, "| region | round | final x-placement | settled at request | after | first remote at request | after | remote after settling |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|")
	for _, r := range regions {
		for k, res := range rp.rounds {
			s := res["smart"].Samples["/api/orders"][r]
			st := rp.settled[k]["/api/orders"][r]
			at, after := "never", "-"
			if st.at >= 0 {
				at, after = fmt.Sprint(st.at+1), seconds(st.after)
			}
			fr, frAfter := "never", "-"
			if i, d := firstRemote(s); i >= 0 {
				fr, frAfter = fmt.Sprint(i+1), seconds(d)
			}
			remote, total := remoteShare(s, max(0, st.at))
			fmt.Fprintf(w, "| %s | %d | %s | %s | %s | %s | %s | %d of %d |\n", r, k+1, st.placement, at, after, fr, frAfter, remote, total)
		}
	}
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }

// noise returns the run-to-run noise of a figure of a path in a region:
// off and targeted at that same region run every module there, the same
// work in two simulations, so the relative difference of their figures is
// noise.
func (rp *report) noise(path, region string, figure func(stats) float64) float64 {
	off, same := figure(rp.of("off", path, region)), figure(rp.of(region, path, region))
	return same/off - 1
}

func p50(st stats) float64 { return st.p50 }
func p95(st stats) float64 { return st.p95 }

// printNoise writes the noise floor.
func (rp *report) printNoise(w io.Writer) {
	fmt.Fprintf(w, "\n### Noise floor\n\n")
	fmt.Fprintf(w, "Off and targeted at the user's own region do the same work (every module runs in that region) in two "+
		"simulations; the relative difference of their p50s (and p95s) is this machine's run-to-run noise.\n\n")
	fmt.Fprintln(w, "| path | a: off vs targeted a | b: off vs targeted b | c: off vs targeted c |")
	fmt.Fprintln(w, "|---|---|---|---|")
	for _, p := range paths {
		fmt.Fprintf(w, "| %s |", p)
		for _, r := range regions {
			off, same := rp.of("off", p, r), rp.of(r, p, r)
			fmt.Fprintf(w, " %.1f vs %.1f: %+.1f%% (p95 %+.1f%%) |", off.p50, same.p50,
				100*rp.noise(p, r, p50), 100*rp.noise(p, r, p95))
		}
		fmt.Fprintln(w)
	}
}

// withinNoise annotates a miss by the relative difference d that the noise
// n of the same figure is as large as.
func withinNoise(d, n float64) string {
	if math.Abs(d) <= math.Abs(n) {
		return fmt.Sprintf(" [no larger than the noise floor, %+.1f%%]", 100*n)
	}
	return ""
}

// printVerdicts judges the targets, with the numbers, met or missed. A miss
// no larger than the noise floor of the same figure says so, and is still a
// miss.
func (rp *report) printVerdicts(w io.Writer) {
	fmt.Fprintf(w, "\n### Verdicts\n\n")

	// 1. /api/orders: smart near the oracle everywhere, well below off far away.
	met, parts := true, []string{}
	for _, r := range regions {
		smart, off := rp.of("smart", "/api/orders", r), rp.of("off", "/api/orders", r)
		choice, or := rp.oracle("/api/orders", r)
		ratio := smart.p50 / or.p50
		ok := ratio <= 1+oracleTolerance && smart.failed == 0
		s := fmt.Sprintf("%s smart/oracle %.3f (%.1f vs %.1f ms, %s)", r, ratio, smart.p50, or.p50, modeName(choice))
		if !ok {
			s += withinNoise(ratio-1, rp.noise("/api/orders", r, p50))
		}
		if r != "a" {
			speed := off.p50 / smart.p50
			ok = ok && speed >= minSpeedup
			s += fmt.Sprintf(", off/smart %.2fx", speed)
		}
		met = met && ok
		parts = append(parts, s)
	}
	verdict(w, met, fmt.Sprintf("/api/orders: smart p50 within %.0f%% of the oracle's in every region, and at least %.0fx lower than off for b and c", 100*oracleTolerance, minSpeedup), parts)

	// 2. Settling.
	met, parts = true, nil
	for _, r := range regions {
		var when []string
		for k := range rp.rounds {
			st := rp.settled[k]["/api/orders"][r]
			if st.at < 0 {
				met = false
				when = append(when, "never")
				continue
			}
			met = met && st.at+1 <= maxSettleReqs && st.after <= maxSettleTime
			when = append(when, fmt.Sprintf("at request %d, %s (%s)", st.at+1, seconds(st.after), st.placement))
		}
		parts = append(parts, r+" "+strings.Join(when, ", "))
	}
	verdict(w, met, fmt.Sprintf("/api/orders: smart settled within %d invocations and %s of the user's first request", maxSettleReqs, maxSettleTime), parts)

	// 3. Stays local.
	met, parts = true, nil
	for _, p := range []string{"/api/profile", "/"} {
		for _, r := range regions {
			smart, off := rp.of("smart", p, r), rp.of("off", p, r)
			remote, total := remoteShare(rp.counted("smart", p, r), 0)
			d := smart.p50/off.p50 - 1
			ok := math.Abs(d) <= localTolerance && smart.failed == 0
			s := fmt.Sprintf("%s %s %+.1f%% (%.1f vs %.1f ms, %d of %d forwarded)", p, r, 100*d, smart.p50, off.p50, remote, total)
			if !ok {
				s += withinNoise(d, rp.noise(p, r, p50))
			}
			met = met && ok
			parts = append(parts, s)
		}
	}
	verdict(w, met, fmt.Sprintf("stays local: /api/profile and / with smart within %.0f%% of off (p50)", 100*localTolerance), parts)

	// 4. Assets never slower.
	met, parts = true, nil
	for _, r := range regions {
		smart, off := rp.of("smart", "/", r), rp.of("off", "/", r)
		remote, total := remoteShare(rp.counted("smart", "/", r), 0)
		d50, d95 := smart.p50/off.p50-1, smart.p95/off.p95-1
		ok := remote == 0 && smart.failed == 0 && d50 <= localTolerance && d95 <= localTolerance
		s := fmt.Sprintf("%s %d of %d forwarded, p50 %.1f vs %.1f (%+.1f%%), p95 %.1f vs %.1f ms (%+.1f%%)",
			r, remote, total, smart.p50, off.p50, 100*d50, smart.p95, off.p95, 100*d95)
		if !ok && remote == 0 {
			if d50 > localTolerance {
				s += withinNoise(d50, rp.noise("/", r, p50))
			}
			if d95 > localTolerance {
				s += withinNoise(d95, rp.noise("/", r, p95))
			}
		}
		met = met && ok
		parts = append(parts, s)
	}
	verdict(w, met, fmt.Sprintf("assets (/) never slower than off: no request forwarded, and smart's p50 and p95 no more than %.0f%% above off's", 100*localTolerance), parts)
}

// verdict writes one verdict line.
func verdict(w io.Writer, met bool, target string, numbers []string) {
	v := "MISSED"
	if met {
		v = "MET"
	}
	fmt.Fprintf(w, "- **%s** %s: %s.\n", v, target, strings.Join(numbers, "; "))
}
