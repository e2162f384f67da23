// Package benchsite generates the rules files of the benchmarks of static
// files (bench/static, host/internal/assets' BenchmarkServeRules) and reads
// wrk's output for the benchmark programs, so that they measure the same
// site and report figures the same way.
package benchsite

import (
	"bytes"
	"errors"
	"fmt"
	"os/exec"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// The one header the _headers of Headers sets on every file: "/*" is its
// only rule that applies to them.
const (
	HeaderName  = "X-Frame-Options"
	HeaderValue = "DENY"
)

// Redirects returns a _redirects of 2,000 static rules, the reference's
// limit, none of which matches a file of the site.
func Redirects() []byte {
	var r strings.Builder
	r.WriteString("# 2,000 static rules, the reference's limit; none matches a file loaded.\n")
	for i := range 2000 {
		switch i % 4 {
		case 0:
			fmt.Fprintf(&r, "/old/page-%d /new/page-%d 301\n", i, i)
		case 1:
			fmt.Fprintf(&r, "/blog/%d/post.html /posts/%d 302\n", i, i)
		case 2:
			fmt.Fprintf(&r, "/docs/v1/section-%d /docs/v2/section-%d 308\n", i, i)
		default:
			fmt.Fprintf(&r, "/go/%d https://example.com/landing/%d\n", i, i)
		}
	}
	return []byte(r.String())
}

// Headers returns a _headers of 100 rules, the reference's limit: "/*"
// sets HeaderName on every file, an https:// rule is tested and does not
// match, and 98 rules under other first segments do not apply.
func Headers() []byte {
	var h strings.Builder
	h.WriteString("# 100 rules, the reference's limit; only /* applies to the files loaded.\n")
	fmt.Fprintf(&h, "/*\n  %s: %s\n", HeaderName, HeaderValue)
	h.WriteString("https://:project.pages.dev/*\n  X-Robots-Tag: noindex\n")
	for i := range 98 {
		switch i % 4 {
		case 0:
			fmt.Fprintf(&h, "/section%d/*\n  Cache-Control: max-age=%d\n", i, i)
		case 1:
			fmt.Fprintf(&h, "/blog%d/:slug\n  X-Slug: :slug\n", i)
		case 2:
			fmt.Fprintf(&h, "/static%d/*\n  Cache-Control: public, max-age=31536000, immutable\n  ! Access-Control-Allow-Origin\n", i)
		default:
			fmt.Fprintf(&h, "/api%d/:version/*\n  Access-Control-Allow-Methods: GET, POST\n", i)
		}
	}
	return []byte(h.String())
}

// Wrk loads url with wrk (two threads, conns connections, for d) and
// returns the requests per second. If running is not nil, it gets the wrk
// process once started and nil once it ended, so that an interrupt can
// stop it.
func Wrk(url string, d time.Duration, conns int, running func(*exec.Cmd)) (float64, error) {
	cmd := exec.Command("wrk", "-t2", "-c"+strconv.Itoa(conns), "-d"+d.String(), url)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		return 0, fmt.Errorf("wrk: %w", err)
	}
	if running != nil {
		running(cmd)
		defer running(nil)
	}
	if err := cmd.Wait(); err != nil {
		return 0, fmt.Errorf("wrk: %v\n%s", err, out.Bytes())
	}
	return RequestsPerSec(out.Bytes())
}

var rpsLine = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)

// RequestsPerSec reads the throughput from wrk's output, refusing a run
// that saw errors or non-2xx answers.
func RequestsPerSec(out []byte) (float64, error) {
	if strings.Contains(string(out), "Non-2xx") || strings.Contains(string(out), "Socket errors") {
		return 0, errors.New("wrk saw errors:\n" + string(out))
	}
	m := rpsLine.FindSubmatch(out)
	if m == nil {
		return 0, errors.New("no Requests/sec in wrk's output:\n" + string(out))
	}
	return strconv.ParseFloat(string(m[1]), 64)
}

// Median returns the median of v, sorting it.
func Median(v []float64) float64 {
	sort.Float64s(v)
	return v[len(v)/2]
}
