package metrics

import (
	"bufio"
	"io"
	"math"
	"slices"
	"strconv"
)

// ContentType is the media type of the text exposition format, version
// 0.0.4, that WriteTo writes.
const ContentType = "text/plain; version=0.0.4; charset=utf-8"

// The metrics' names, in the order WriteTo writes them.
const (
	nameForwards    = "wasmpages_forwards_total"
	nameStatus      = "wasmpages_placement_status"
	nameProbe       = "wasmpages_probe_rtt_seconds"
	nameRequests    = "wasmpages_request_duration_seconds"
	nameSubrequests = "wasmpages_subrequest_duration_seconds"
)

var (
	requestNames    = histogramNames{nameRequests + "_bucket", nameRequests + "_sum", nameRequests + "_count"}
	subrequestNames = histogramNames{nameSubrequests + "_bucket", nameSubrequests + "_sum", nameSubrequests + "_count"}
)

var _ io.WriterTo = (*Registry)(nil)

// WriteTo writes every metric to w in the Prometheus text format, version
// 0.0.4: each metric's # HELP and # TYPE lines, even when it has no series
// yet, then its series. Metrics are in the order of their names and series
// in the order of their label values, label by label, so that the same
// state always gives the same text. WriteTo may run concurrently with
// recording and with other calls of WriteTo; it returns the number of bytes
// written and the first error of w.
func (r *Registry) WriteTo(w io.Writer) (int64, error) {
	cw := &countingWriter{w: w}
	t := &textWriter{w: bufio.NewWriterSize(cw, 32<<10)}

	t.header(nameForwards, "counter",
		"Requests forwarded to another region, by outcome: ok; not_sent (ran locally instead); refused (the target answered 409, ran locally); failed (502 or 504).")
	for _, s := range r.forwards.sorted() {
		t.end(strconv.AppendUint(t.begin(nameForwards, s.labels, ""), s.value.Load(), 10))
	}

	t.header(nameStatus, "gauge",
		"Placement status of each module: 1 for its current status, the only series of the module.")
	for _, s := range r.sortedStatuses() {
		labels := renderLabels(statusLabels, s.project, s.module, s.status)
		t.end(append(t.begin(nameStatus, labels, ""), '1'))
	}

	t.header(nameProbe, "gauge",
		"Latest probe round trip from this node to a region or a back-end origin, in seconds; -1 when the target was unreachable.")
	for _, s := range r.probes.sorted() {
		t.end(appendFloat(t.begin(nameProbe, s.labels, ""), math.Float64frombits(s.value.Load())))
	}

	t.header(nameRequests, "histogram",
		"Duration of function requests, from when the request enters the node until its response is delivered, in seconds.")
	for _, s := range r.requests.sorted() {
		t.histogram(requestNames, s.labels, &s.value)
	}

	t.header(nameSubrequests, "histogram",
		"Duration of functions' outbound fetches to back-end origins, in seconds.")
	for _, s := range r.subrequests.sorted() {
		t.histogram(subrequestNames, s.labels, &s.value)
	}

	err := t.w.Flush()
	return cw.n, err
}

// statusSeries is one series of wasmpages_placement_status.
type statusSeries struct{ project, module, status string }

// sortedStatuses returns the current placement statuses, ordered by project
// then module.
func (r *Registry) sortedStatuses() []statusSeries {
	r.mu.Lock()
	all := make([]statusSeries, 0, len(r.statuses))
	for k, status := range r.statuses {
		all = append(all, statusSeries{k.project, k.module, status})
	}
	r.mu.Unlock()
	slices.SortFunc(all, func(a, b statusSeries) int {
		return moduleKey{a.project, a.module}.compare(moduleKey{b.project, b.module})
	})
	return all
}

// textWriter writes lines of the text format. It reuses one line buffer, so
// that writing allocates only when a line is longer than any before. An
// error of the underlying writer sticks in w and is returned by its Flush.
type textWriter struct {
	w    *bufio.Writer
	line []byte
}

// header writes a metric's # HELP and # TYPE lines. help holds neither a
// backslash nor a newline, which the format would have escaped.
func (t *textWriter) header(name, typ, help string) {
	b := append(t.line[:0], "# HELP "...)
	b = append(b, name...)
	b = append(b, ' ')
	b = append(b, help...)
	b = append(b, "\n# TYPE "...)
	b = append(b, name...)
	b = append(b, ' ')
	b = append(b, typ...)
	t.end(b)
}

// begin starts a sample line: name, then the label pairs labels followed by
// the pair le="<le>" if le is not empty, then the space before the value.
// The caller appends the value and passes the line to end.
func (t *textWriter) begin(name, labels, le string) []byte {
	b := append(t.line[:0], name...)
	if labels != "" || le != "" {
		b = append(b, '{')
		b = append(b, labels...)
		if le != "" {
			if labels != "" {
				b = append(b, ',')
			}
			b = append(b, `le="`...)
			b = append(b, le...)
			b = append(b, '"')
		}
		b = append(b, '}')
	}
	return append(b, ' ')
}

// end ends the line b and writes it.
func (t *textWriter) end(b []byte) {
	b = append(b, '\n')
	t.line = b
	t.w.Write(b)
}

// histogramNames are the sample names of a histogram.
type histogramNames struct{ bucket, sum, count string }

// histogram writes the cumulative buckets of h, then its sum and count.
func (t *textWriter) histogram(names histogramNames, labels string, h *histogram) {
	cumulative, count, sum := h.snapshot()
	for i, n := range cumulative {
		t.end(strconv.AppendUint(t.begin(names.bucket, labels, bucketLE[i]), n, 10))
	}
	t.end(appendFloat(t.begin(names.sum, labels, ""), sum))
	t.end(strconv.AppendUint(t.begin(names.count, labels, ""), count, 10))
}

// appendFloat appends f as Prometheus writes a float: the shortest decimal
// that reads back as f, or +Inf, -Inf, NaN.
func appendFloat(b []byte, f float64) []byte {
	switch {
	case math.IsInf(f, +1):
		return append(b, "+Inf"...)
	case math.IsInf(f, -1):
		return append(b, "-Inf"...)
	case math.IsNaN(f):
		return append(b, "NaN"...)
	}
	return strconv.AppendFloat(b, f, 'g', -1, 64)
}

// countingWriter counts the bytes written to w.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
