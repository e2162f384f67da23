package site

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/wasmpages/wasmpages/host/internal/forward"
	"github.com/wasmpages/wasmpages/placement"
)

// Run is one module's part in one request, as the node that received the
// request, or ran the module for it, saw it: what placement learns from
// and what the metrics count.
type Run struct {
	// Module is the module's key in the route table ("api/[id].wasm").
	Module string
	// Ingress is the region the request entered; Ran the region that ran
	// the module (and the rest of the chain after it).
	Ingress, Ran string
	// Placed is set when a placement decision forwarded the module;
	// Baseline when it ran at the ingress as part of the baseline share.
	Placed, Baseline bool
	// Duration is the request's, from its arrival at this node to its
	// response (spec §1.6): the forward hop is included.
	Duration time.Duration
	// Exec is what the module and the chain after it took where they ran;
	// Hop, for a forwarded module, the rest of the round trip to it.
	Exec, Hop time.Duration
	// Backends are the module's round trips to back-end origins.
	Backends []placement.Backend
	// Forward is the outcome of a forward: "" (none), "ok", "not_sent" and
	// "refused" (it then ran here), "failed" (502 or 504); Target is the
	// region it was forwarded to.
	Forward, Target string
}

// addBackend records a round trip to origin that took d.
func (r *Run) addBackend(origin string, d time.Duration) {
	for i := range r.Backends {
		if r.Backends[i].Origin == origin {
			r.Backends[i].Sequential++
			r.Backends[i].Total += d
			return
		}
	}
	r.Backends = append(r.Backends, placement.Backend{Origin: origin, Sequential: 1, Total: d})
}

// backendTime is the time a run spent waiting on back ends.
func (r *Run) backendTime() time.Duration {
	var t time.Duration
	for _, b := range r.Backends {
		t += b.Total
	}
	return t
}

// origin is a URL's scheme://host[:port], as back ends are told apart.
func origin(u *url.URL) string {
	return strings.ToLower(u.Scheme + "://" + u.Host)
}

// setTiming tells the ingress, on a forwarded request's response, what the
// forwarded module took here and its back-end round trips.
func setTiming(resp *fasthttp.Response, run *Run) {
	resp.Header.Set(forward.HeaderExec, strconv.FormatInt(run.Exec.Microseconds(), 10))
	if len(run.Backends) == 0 {
		return
	}
	var b []byte
	for i, be := range run.Backends {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, be.Origin...)
		b = append(b, ' ')
		b = strconv.AppendInt(b, int64(be.Sequential), 10)
		b = append(b, ' ')
		b = strconv.AppendInt(b, be.Total.Microseconds(), 10)
	}
	resp.Header.SetBytesV(forward.HeaderBackends, b)
}

// readTiming reads what setTiming wrote into run; malformed parts are
// ignored (they only inform placement).
func readTiming(resp *fasthttp.Response, run *Run) {
	if us, err := strconv.ParseInt(string(resp.Header.Peek(forward.HeaderExec)), 10, 64); err == nil && us >= 0 {
		run.Exec = time.Duration(us) * time.Microsecond
	}
	for _, part := range strings.Split(string(resp.Header.Peek(forward.HeaderBackends)), ",") {
		f := strings.Fields(part)
		if len(f) != 3 {
			continue
		}
		n, err1 := strconv.Atoi(f[1])
		us, err2 := strconv.ParseInt(f[2], 10, 64)
		if err1 == nil && err2 == nil && n > 0 && us >= 0 {
			run.Backends = append(run.Backends, placement.Backend{Origin: f[0], Sequential: n, Total: time.Duration(us) * time.Microsecond})
		}
	}
}

// serverTiming is the Server-Timing of a function response at the
// ingress: where it entered, the forward hop, the execution and the time
// spent on back ends, each with the region it happened in.
func serverTiming(ingress string, runs []Run) []byte {
	b := append([]byte(`ingress;desc="`), ingress...)
	b = append(b, '"')
	if len(runs) == 0 {
		return b
	}
	var backend time.Duration
	for i := range runs {
		backend += runs[i].backendTime()
	}
	// A forwarded run covers the chain after it; otherwise the outermost
	// run's execution does.
	exec := &runs[0]
	for i := range runs {
		if runs[i].Forward == "ok" {
			exec = &runs[i]
			b = appendTiming(b, "hop", exec.Hop, exec.Ran)
			break
		}
	}
	b = appendTiming(b, "exec", exec.Exec, exec.Ran)
	b = appendTiming(b, "backend", backend, "")
	return b
}

func appendTiming(b []byte, name string, d time.Duration, region string) []byte {
	b = append(b, ", "...)
	b = append(b, name...)
	b = append(b, ";dur="...)
	b = strconv.AppendFloat(b, float64(d.Microseconds())/1000, 'f', 2, 64)
	if region != "" {
		b = append(b, `;desc="`...)
		b = append(b, region...)
		b = append(b, '"')
	}
	return b
}
