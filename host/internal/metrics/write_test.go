package metrics

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// weirdOrigin is a label value that needs every escape of the format.
const weirdOrigin = "https://db\"1\\x\nz"

// smallRegistry returns the registry that golden describes.
func smallRegistry() *Registry {
	r := New()
	const api, mw = "functions/api/[id].wasm", "functions/_middleware.wasm"
	r.Request("shop", api, "placed", "eu-west", 3*time.Millisecond)
	r.Request("shop", api, "placed", "eu-west", 500*time.Millisecond)
	r.Request("shop", api, "placed", "eu-west", 40*time.Second)
	r.Request("shop", mw, "local", "us-east", 80*time.Millisecond)
	r.Forward("shop", "eu-west", "refused")
	r.Forward("shop", "eu-west", "ok")
	r.Forward("shop", "eu-west", "ok")
	r.Subrequest("shop", weirdOrigin, 120*time.Millisecond)
	r.Subrequest("shop", weirdOrigin, 30*time.Millisecond)
	r.Probe("region:eu-west", 80*time.Millisecond, true)
	r.Probe("db.internal:5432", time.Second, false)
	r.SetPlacementStatus("shop", api, "INSUFFICIENT_INVOCATIONS")
	r.SetPlacementStatus("shop", api, "SUCCESS")
	r.SetPlacementStatus("shop", mw, "")
	return r
}

const golden = `# HELP wasmpages_forwards_total Requests forwarded to another region, by outcome: ok; not_sent (ran locally instead); refused (the target answered 409, ran locally); failed (502 or 504).
# TYPE wasmpages_forwards_total counter
wasmpages_forwards_total{project="shop",target="eu-west",outcome="ok"} 2
wasmpages_forwards_total{project="shop",target="eu-west",outcome="refused"} 1
# HELP wasmpages_placement_status Placement status of each module: 1 for its current status, the only series of the module.
# TYPE wasmpages_placement_status gauge
wasmpages_placement_status{project="shop",module="functions/_middleware.wasm",status=""} 1
wasmpages_placement_status{project="shop",module="functions/api/[id].wasm",status="SUCCESS"} 1
# HELP wasmpages_probe_rtt_seconds Latest probe round trip from this node to a region or a back-end origin, in seconds; -1 when the target was unreachable.
# TYPE wasmpages_probe_rtt_seconds gauge
wasmpages_probe_rtt_seconds{target="db.internal:5432"} -1
wasmpages_probe_rtt_seconds{target="region:eu-west"} 0.08
# HELP wasmpages_request_duration_seconds Duration of function requests, from when the request enters the node until its response is delivered, in seconds.
# TYPE wasmpages_request_duration_seconds histogram
wasmpages_request_duration_seconds_bucket{project="shop",module="functions/_middleware.wasm",placement="local",region="us-east",le="0.001"} 0
wasmpages_request_duration_seconds_bucket{project="shop",module="functions/_middleware.wasm",placement="local",region="us-east",le="0.0025"} 0
wasmpages_request_duration_seconds_bucket{project="shop",module="functions/_middleware.wasm",placement="local",region="us-east",le="0.005"} 0
wasmpages_request_duration_seconds_bucket{project="shop",module="functions/_middleware.wasm",placement="local",region="us-east",le="0.01"} 0
wasmpages_request_duration_seconds_bucket{project="shop",module="functions/_middleware.wasm",placement="local",region="us-east",le="0.025"} 0
wasmpages_request_duration_seconds_bucket{project="shop",module="functions/_middleware.wasm",placement="local",region="us-east",le="0.05"} 0
wasmpages_request_duration_seconds_bucket{project="shop",module="functions/_middleware.wasm",placement="local",region="us-east",le="0.1"} 1
wasmpages_request_duration_seconds_bucket{project="shop",module="functions/_middleware.wasm",placement="local",region="us-east",le="0.25"} 1
wasmpages_request_duration_seconds_bucket{project="shop",module="functions/_middleware.wasm",placement="local",region="us-east",le="0.5"} 1
wasmpages_request_duration_seconds_bucket{project="shop",module="functions/_middleware.wasm",placement="local",region="us-east",le="1"} 1
wasmpages_request_duration_seconds_bucket{project="shop",module="functions/_middleware.wasm",placement="local",region="us-east",le="2.5"} 1
wasmpages_request_duration_seconds_bucket{project="shop",module="functions/_middleware.wasm",placement="local",region="us-east",le="5"} 1
wasmpages_request_duration_seconds_bucket{project="shop",module="functions/_middleware.wasm",placement="local",region="us-east",le="10"} 1
wasmpages_request_duration_seconds_bucket{project="shop",module="functions/_middleware.wasm",placement="local",region="us-east",le="30"} 1
wasmpages_request_duration_seconds_bucket{project="shop",module="functions/_middleware.wasm",placement="local",region="us-east",le="+Inf"} 1
wasmpages_request_duration_seconds_sum{project="shop",module="functions/_middleware.wasm",placement="local",region="us-east"} 0.08
wasmpages_request_duration_seconds_count{project="shop",module="functions/_middleware.wasm",placement="local",region="us-east"} 1
wasmpages_request_duration_seconds_bucket{project="shop",module="functions/api/[id].wasm",placement="placed",region="eu-west",le="0.001"} 0
wasmpages_request_duration_seconds_bucket{project="shop",module="functions/api/[id].wasm",placement="placed",region="eu-west",le="0.0025"} 0
wasmpages_request_duration_seconds_bucket{project="shop",module="functions/api/[id].wasm",placement="placed",region="eu-west",le="0.005"} 1
wasmpages_request_duration_seconds_bucket{project="shop",module="functions/api/[id].wasm",placement="placed",region="eu-west",le="0.01"} 1
wasmpages_request_duration_seconds_bucket{project="shop",module="functions/api/[id].wasm",placement="placed",region="eu-west",le="0.025"} 1
wasmpages_request_duration_seconds_bucket{project="shop",module="functions/api/[id].wasm",placement="placed",region="eu-west",le="0.05"} 1
wasmpages_request_duration_seconds_bucket{project="shop",module="functions/api/[id].wasm",placement="placed",region="eu-west",le="0.1"} 1
wasmpages_request_duration_seconds_bucket{project="shop",module="functions/api/[id].wasm",placement="placed",region="eu-west",le="0.25"} 1
wasmpages_request_duration_seconds_bucket{project="shop",module="functions/api/[id].wasm",placement="placed",region="eu-west",le="0.5"} 2
wasmpages_request_duration_seconds_bucket{project="shop",module="functions/api/[id].wasm",placement="placed",region="eu-west",le="1"} 2
wasmpages_request_duration_seconds_bucket{project="shop",module="functions/api/[id].wasm",placement="placed",region="eu-west",le="2.5"} 2
wasmpages_request_duration_seconds_bucket{project="shop",module="functions/api/[id].wasm",placement="placed",region="eu-west",le="5"} 2
wasmpages_request_duration_seconds_bucket{project="shop",module="functions/api/[id].wasm",placement="placed",region="eu-west",le="10"} 2
wasmpages_request_duration_seconds_bucket{project="shop",module="functions/api/[id].wasm",placement="placed",region="eu-west",le="30"} 2
wasmpages_request_duration_seconds_bucket{project="shop",module="functions/api/[id].wasm",placement="placed",region="eu-west",le="+Inf"} 3
wasmpages_request_duration_seconds_sum{project="shop",module="functions/api/[id].wasm",placement="placed",region="eu-west"} 40.503
wasmpages_request_duration_seconds_count{project="shop",module="functions/api/[id].wasm",placement="placed",region="eu-west"} 3
# HELP wasmpages_subrequest_duration_seconds Duration of functions' outbound fetches to back-end origins, in seconds.
# TYPE wasmpages_subrequest_duration_seconds histogram
wasmpages_subrequest_duration_seconds_bucket{project="shop",origin="https://db\"1\\x\nz",le="0.001"} 0
wasmpages_subrequest_duration_seconds_bucket{project="shop",origin="https://db\"1\\x\nz",le="0.0025"} 0
wasmpages_subrequest_duration_seconds_bucket{project="shop",origin="https://db\"1\\x\nz",le="0.005"} 0
wasmpages_subrequest_duration_seconds_bucket{project="shop",origin="https://db\"1\\x\nz",le="0.01"} 0
wasmpages_subrequest_duration_seconds_bucket{project="shop",origin="https://db\"1\\x\nz",le="0.025"} 0
wasmpages_subrequest_duration_seconds_bucket{project="shop",origin="https://db\"1\\x\nz",le="0.05"} 1
wasmpages_subrequest_duration_seconds_bucket{project="shop",origin="https://db\"1\\x\nz",le="0.1"} 1
wasmpages_subrequest_duration_seconds_bucket{project="shop",origin="https://db\"1\\x\nz",le="0.25"} 2
wasmpages_subrequest_duration_seconds_bucket{project="shop",origin="https://db\"1\\x\nz",le="0.5"} 2
wasmpages_subrequest_duration_seconds_bucket{project="shop",origin="https://db\"1\\x\nz",le="1"} 2
wasmpages_subrequest_duration_seconds_bucket{project="shop",origin="https://db\"1\\x\nz",le="2.5"} 2
wasmpages_subrequest_duration_seconds_bucket{project="shop",origin="https://db\"1\\x\nz",le="5"} 2
wasmpages_subrequest_duration_seconds_bucket{project="shop",origin="https://db\"1\\x\nz",le="10"} 2
wasmpages_subrequest_duration_seconds_bucket{project="shop",origin="https://db\"1\\x\nz",le="30"} 2
wasmpages_subrequest_duration_seconds_bucket{project="shop",origin="https://db\"1\\x\nz",le="+Inf"} 2
wasmpages_subrequest_duration_seconds_sum{project="shop",origin="https://db\"1\\x\nz"} 0.15
wasmpages_subrequest_duration_seconds_count{project="shop",origin="https://db\"1\\x\nz"} 2
`

func TestWriteToGolden(t *testing.T) {
	var buf bytes.Buffer
	n, err := smallRegistry().WriteTo(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if n != int64(buf.Len()) {
		t.Errorf("WriteTo returned %d bytes, wrote %d", n, buf.Len())
	}
	if got := buf.String(); got != golden {
		t.Errorf("exposition differs from golden; got:\n%s\ndiff:\n%s", got, lineDiff(got, golden))
	}
	samples := parseExposition(t, buf.String())
	if got := samples.value(t, "wasmpages_subrequest_duration_seconds_count", "project", "shop", "origin", weirdOrigin); got != 2 {
		t.Errorf("the escaped origin read back as another series: count %v", got)
	}
}

func TestWriteToEmpty(t *testing.T) {
	var buf bytes.Buffer
	if _, err := New().WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	var want strings.Builder
	for _, line := range strings.SplitAfter(golden, "\n") {
		if strings.HasPrefix(line, "#") {
			want.WriteString(line)
		}
	}
	if buf.String() != want.String() {
		t.Errorf("empty registry wrote:\n%s\nwant only the HELP and TYPE lines:\n%s", buf.String(), want.String())
	}
	parseExposition(t, buf.String())
}

// TestWriteToOrder checks that the output does not depend on the order in
// which series were created.
func TestWriteToOrder(t *testing.T) {
	projects := []string{"b", "a-b", "a", "a b", "c\"", "c"}
	fill := func(order []int) string {
		r := New()
		for _, i := range order {
			p := projects[i]
			r.Request(p, "functions/index.wasm", "local", "us-east", time.Duration(i)*time.Millisecond)
			r.Request(p, "functions/index.wasm", "baseline", "us-east", time.Millisecond)
			r.Forward(p, "eu-west", "failed")
			r.Subrequest(p, "https://api.internal", time.Millisecond)
			r.Probe("region:"+p, time.Duration(i)*time.Millisecond, true)
			r.SetPlacementStatus(p, "functions/index.wasm", "SUCCESS")
		}
		var buf bytes.Buffer
		if _, err := r.WriteTo(&buf); err != nil {
			t.Fatal(err)
		}
		return buf.String()
	}
	first := fill([]int{0, 1, 2, 3, 4, 5})
	if second := fill([]int{5, 3, 1, 4, 2, 0}); second != first {
		t.Fatalf("two creation orders wrote different text:\n%s", lineDiff(second, first))
	}

	var got []string
	for _, s := range parseExposition(t, first) {
		if s.name == "wasmpages_forwards_total" {
			got = append(got, s.labels["project"])
		}
	}
	want := slices.Clone(projects)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("forwards series in project order %q, want %q", got, want)
	}
}

// failingWriter accepts limit bytes, then fails.
type failingWriter struct{ limit int }

var errFull = errors.New("writer full")

func (w *failingWriter) Write(p []byte) (int, error) {
	if len(p) <= w.limit {
		w.limit -= len(p)
		return len(p), nil
	}
	n := w.limit
	w.limit = 0
	return n, errFull
}

func TestWriteToError(t *testing.T) {
	r := New()
	for i := range 500 {
		r.Request("shop", fmt.Sprintf("functions/m%d.wasm", i), "local", "us-east", time.Millisecond)
	}
	w := &failingWriter{limit: 40000}
	n, err := r.WriteTo(w)
	if !errors.Is(err, errFull) {
		t.Errorf("WriteTo error = %v, want %v", err, errFull)
	}
	if n != 40000 {
		t.Errorf("WriteTo reported %d bytes, the writer accepted 40000", n)
	}
}

// TestWriteToValid builds a registry with many series of every kind and
// checks the whole output with the format checker.
func TestWriteToValid(t *testing.T) {
	r := New()
	placements := []string{"local", "placed", "baseline"}
	outcomes := []string{"ok", "not_sent", "refused", "failed"}
	for p := range 3 {
		project := fmt.Sprintf("p%d", p)
		for m := range 4 {
			module := fmt.Sprintf("functions/m%d.wasm", m)
			for i := range 50 {
				d := time.Duration(i*i*i) * 300 * time.Microsecond
				r.Request(project, module, placements[i%3], "us-east", d)
				r.Subrequest(project, fmt.Sprintf("https://o%d.internal", i%5), d/3)
				r.Forward(project, "eu-west", outcomes[i%4])
			}
			r.SetPlacementStatus(project, module, "SUCCESS")
		}
	}
	r.Probe("region:eu-west", 81*time.Millisecond, true)
	r.Probe("region:ap-south", 0, false)
	var buf bytes.Buffer
	if _, err := r.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	samples := parseExposition(t, buf.String())
	if got := samples.value(t, "wasmpages_request_duration_seconds_count",
		"project", "p1", "module", "functions/m2.wasm", "placement", "placed", "region", "us-east"); got != 17 {
		t.Errorf("placed count = %v, want 17", got)
	}
	if got := samples.value(t, "wasmpages_probe_rtt_seconds", "target", "region:ap-south"); got != -1 {
		t.Errorf("unreachable probe = %v, want -1", got)
	}
}

// TestParseExpositionRejects checks that the format checker used by these
// tests catches what it is meant to catch.
func TestParseExpositionRejects(t *testing.T) {
	const head = "# HELP h_seconds x\n# TYPE h_seconds histogram\n"
	tests := []struct{ name, text string }{
		{"no header", "m 1\n"},
		{"bad escape in help", "# HELP m a\\tb\n# TYPE m gauge\nm 1\n"},
		{"type after sample", "# HELP m x\nm 1\n# TYPE m gauge\n"},
		{"bad value", "# HELP m x\n# TYPE m gauge\nm one\n"},
		{"raw quote in label", "# HELP m x\n# TYPE m gauge\nm{a=\"\"\"} 1\n"},
		{"unknown escape", "# HELP m x\n# TYPE m gauge\nm{a=\"\\t\"} 1\n"},
		{"duplicate series", "# HELP m x\n# TYPE m gauge\nm{a=\"1\"} 1\nm{a=\"1\"} 2\n"},
		{"no final newline", "# HELP m x\n# TYPE m gauge\nm 1"},
		{"decreasing buckets", head + "h_seconds_bucket{le=\"1\"} 2\nh_seconds_bucket{le=\"+Inf\"} 1\nh_seconds_sum 1\nh_seconds_count 1\n"},
		{"no +Inf", head + "h_seconds_bucket{le=\"1\"} 1\nh_seconds_sum 1\nh_seconds_count 1\n"},
		{"count differs from +Inf", head + "h_seconds_bucket{le=\"+Inf\"} 2\nh_seconds_sum 1\nh_seconds_count 3\n"},
		{"no sum", head + "h_seconds_bucket{le=\"+Inf\"} 1\nh_seconds_count 1\n"},
		{"family split", "# HELP m x\n# TYPE m gauge\nm{a=\"1\"} 1\n# HELP n x\n# TYPE n gauge\nn 1\nm{a=\"2\"} 1\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := checkExposition(tt.text); err == nil {
				t.Errorf("checker accepted:\n%s", tt.text)
			}
		})
	}
}

// sample is one sample line of the text format, its labels unescaped.
type sample struct {
	name   string
	labels map[string]string
	value  float64
}

type samples []sample

// value returns the value of the sample with this name and exactly these
// label pairs, failing the test if there is none.
func (ss samples) value(t *testing.T, name string, pairs ...string) float64 {
	t.Helper()
	for _, s := range ss {
		if s.name != name || len(s.labels) != len(pairs)/2 {
			continue
		}
		match := true
		for i := 0; i < len(pairs); i += 2 {
			if v, ok := s.labels[pairs[i]]; !ok || v != pairs[i+1] {
				match = false
			}
		}
		if match {
			return s.value
		}
	}
	t.Fatalf("no sample %s%q", name, pairs)
	return 0
}

// parseExposition checks text with checkExposition, failing the test on
// the first problem, and returns its samples.
func parseExposition(t *testing.T, text string) samples {
	t.Helper()
	ss, err := parse(text)
	if err != nil {
		t.Fatalf("invalid exposition: %v\n%s", err, text)
	}
	return ss
}

func checkExposition(text string) error {
	_, err := parse(text)
	return err
}

var (
	sampleLine = regexp.MustCompile(`^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$`)
	metricName = regexp.MustCompile(`^[a-zA-Z_:][a-zA-Z0-9_:]*$`)
	labelName  = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*`)
)

// parse is a small checker of the text format, version 0.0.4: every line
// is a comment or matches name{labels} value; every sample's metric has
// # HELP and # TYPE before it, once, and all its samples together; label
// values use only the three escapes; no series repeats; each histogram has
// non-decreasing buckets with increasing le ending in +Inf, equal to its
// _count, and a _sum.
func parse(text string) (samples, error) {
	if text != "" && !strings.HasSuffix(text, "\n") {
		return nil, errors.New("no newline at the end")
	}
	types := map[string]string{}
	helps := map[string]bool{}
	closed := map[string]bool{} // metrics whose samples are over
	current := ""
	seen := map[string]bool{}
	type hist struct {
		les     []float64
		buckets []float64
		sum     bool
		count   float64
		counted bool
	}
	hists := map[string]*hist{} // by metric and labels without le
	var histOrder []string
	var out samples

	enter := func(metric string) error {
		if metric != current {
			if closed[metric] {
				return fmt.Errorf("samples of %s are not together", metric)
			}
			if current != "" {
				closed[current] = true
			}
			current = metric
		}
		return nil
	}
	for i, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		if text == "" {
			break
		}
		fail := func(format string, args ...any) error {
			return fmt.Errorf("line %d %q: %s", i+1, line, fmt.Sprintf(format, args...))
		}
		if rest, ok := strings.CutPrefix(line, "# "); ok {
			kind, rest, _ := strings.Cut(rest, " ")
			name, arg, _ := strings.Cut(rest, " ")
			switch kind {
			case "HELP", "TYPE":
				if !metricName.MatchString(name) {
					return nil, fail("bad metric name")
				}
				if err := enter(name); err != nil {
					return nil, fail("%v", err)
				}
			}
			switch kind {
			case "HELP":
				if helps[name] {
					return nil, fail("second HELP")
				}
				for j := 0; j < len(arg); j++ {
					if arg[j] == '\\' {
						if j+1 == len(arg) || (arg[j+1] != '\\' && arg[j+1] != 'n') {
							return nil, fail("bad escape in HELP")
						}
						j++
					}
				}
				helps[name] = true
			case "TYPE":
				if _, ok := types[name]; ok {
					return nil, fail("second TYPE")
				}
				if !slices.Contains([]string{"counter", "gauge", "histogram", "summary", "untyped"}, arg) {
					return nil, fail("unknown type")
				}
				types[name] = arg
			}
			continue
		}
		if strings.HasPrefix(line, "#") {
			continue
		}
		m := sampleLine.FindStringSubmatch(line)
		if m == nil {
			return nil, fail("not name{labels} value")
		}
		s := sample{name: m[1], labels: map[string]string{}}
		var names []string
		for rest := m[3]; rest != ""; {
			n := labelName.FindString(rest)
			if n == "" || !strings.HasPrefix(rest[len(n):], `="`) {
				return nil, fail("bad label at %q", rest)
			}
			rest = rest[len(n)+2:]
			var v strings.Builder
			closedQuote := false
			for len(rest) > 0 && !closedQuote {
				switch c := rest[0]; c {
				case '"':
					closedQuote = true
				case '\\':
					if len(rest) < 2 {
						return nil, fail("escape at the end")
					}
					switch rest[1] {
					case '\\':
						v.WriteByte('\\')
					case '"':
						v.WriteByte('"')
					case 'n':
						v.WriteByte('\n')
					default:
						return nil, fail("unknown escape \\%c", rest[1])
					}
					rest = rest[1:]
				case '\n':
					return nil, fail("raw newline in label value")
				default:
					v.WriteByte(c)
				}
				rest = rest[1:]
			}
			if !closedQuote {
				return nil, fail("unterminated label value")
			}
			if _, dup := s.labels[n]; dup {
				return nil, fail("label %s twice", n)
			}
			s.labels[n] = v.String()
			names = append(names, n)
			if rest != "" {
				if rest[0] != ',' {
					return nil, fail("no comma between labels at %q", rest)
				}
				rest = rest[1:]
			}
		}
		v, err := parseValue(m[4])
		if err != nil {
			return nil, fail("bad value: %v", err)
		}
		s.value = v

		metric := s.name
		for _, suffix := range []string{"_bucket", "_sum", "_count"} {
			if base, ok := strings.CutSuffix(s.name, suffix); ok && types[base] == "histogram" {
				metric = base
			}
		}
		if !helps[metric] || types[metric] == "" {
			return nil, fail("no HELP and TYPE before the sample")
		}
		if err := enter(metric); err != nil {
			return nil, fail("%v", err)
		}
		var id strings.Builder
		id.WriteString(s.name)
		for _, n := range names {
			fmt.Fprintf(&id, ",%s=%q", n, s.labels[n])
		}
		if seen[id.String()] {
			return nil, fail("series repeats")
		}
		seen[id.String()] = true

		if types[metric] == "histogram" {
			var key strings.Builder
			key.WriteString(metric)
			for _, n := range names {
				if n != "le" {
					fmt.Fprintf(&key, ",%s=%q", n, s.labels[n])
				}
			}
			h := hists[key.String()]
			if h == nil {
				h = &hist{}
				hists[key.String()] = h
				histOrder = append(histOrder, key.String())
			}
			switch s.name {
			case metric + "_bucket":
				le, ok := s.labels["le"]
				if !ok {
					return nil, fail("bucket without le")
				}
				bound, err := parseValue(le)
				if err != nil {
					return nil, fail("bad le: %v", err)
				}
				if n := len(h.les); n > 0 && (bound <= h.les[n-1] || v < h.buckets[n-1]) {
					return nil, fail("le or count not increasing")
				}
				h.les = append(h.les, bound)
				h.buckets = append(h.buckets, v)
			case metric + "_sum":
				h.sum = true
			case metric + "_count":
				h.count, h.counted = v, true
			default:
				return nil, fail("histogram sample without a histogram suffix")
			}
		}
		out = append(out, s)
	}
	for _, key := range histOrder {
		h := hists[key]
		n := len(h.les)
		switch {
		case n == 0 || !math.IsInf(h.les[n-1], +1):
			return nil, fmt.Errorf("histogram %s: no +Inf bucket", key)
		case !h.sum || !h.counted:
			return nil, fmt.Errorf("histogram %s: no _sum or _count", key)
		case h.count != h.buckets[n-1]:
			return nil, fmt.Errorf("histogram %s: _count %v, +Inf bucket %v", key, h.count, h.buckets[n-1])
		}
	}
	return out, nil
}

// parseValue reads a sample value as the text format writes it.
func parseValue(s string) (float64, error) {
	switch s {
	case "+Inf":
		return math.Inf(+1), nil
	case "-Inf":
		return math.Inf(-1), nil
	case "NaN":
		return math.NaN(), nil
	}
	return strconv.ParseFloat(s, 64)
}

// lineDiff lists the lines that differ between got and want.
func lineDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	var b strings.Builder
	for i := range max(len(g), len(w)) {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			fmt.Fprintf(&b, "line %d:\n  got  %s\n  want %s\n", i+1, gl, wl)
		}
	}
	return b.String()
}
