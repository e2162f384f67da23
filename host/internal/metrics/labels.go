package metrics

import (
	"cmp"
	"unicode/utf8"
)

// appendLabelValue appends s to b as the text format quotes a label value:
// between double quotes, with backslash, double quote and newline escaped
// as \\, \" and \n. Invalid UTF-8, which Prometheus rejects, becomes U+FFFD.
func appendLabelValue(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		switch c := s[i]; {
		case c == '\\':
			b = append(b, `\\`...)
		case c == '"':
			b = append(b, `\"`...)
		case c == '\n':
			b = append(b, `\n`...)
		case c < utf8.RuneSelf:
			b = append(b, c)
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				b = utf8.AppendRune(b, utf8.RuneError)
			} else {
				b = append(b, s[i:i+size]...)
			}
			i += size
			continue
		}
		i++
	}
	return append(b, '"')
}

// renderLabels returns the label pairs name="value", comma-separated, that go
// between the braces of a sample line. names and values have the same length.
func renderLabels(names []string, values ...string) string {
	var b []byte
	for i, v := range values {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, names[i]...)
		b = append(b, '=')
		b = appendLabelValue(b, v)
	}
	return string(b)
}

// labelSet is the key of a series: a comparable struct of label values.
type labelSet[K any] interface {
	comparable
	// render returns the label pairs, as renderLabels does.
	render() string
	// compare orders two label sets by their values, label by label.
	compare(K) int
	// of reports whether the series belongs to project.
	of(project string) bool
}

var (
	requestLabels    = []string{"project", "module", "placement", "region"}
	forwardLabels    = []string{"project", "target", "outcome"}
	subrequestLabels = []string{"project", "origin"}
	probeLabels      = []string{"target"}
	statusLabels     = []string{"project", "module", "status"}
)

// requestKey is the label set of wasmpages_request_duration_seconds.
type requestKey struct{ project, module, placement, region string }

func (k requestKey) render() string {
	return renderLabels(requestLabels, k.project, k.module, k.placement, k.region)
}

func (k requestKey) compare(o requestKey) int {
	return cmp.Or(cmp.Compare(k.project, o.project), cmp.Compare(k.module, o.module),
		cmp.Compare(k.placement, o.placement), cmp.Compare(k.region, o.region))
}

func (k requestKey) of(project string) bool { return k.project == project }

// forwardKey is the label set of wasmpages_forwards_total.
type forwardKey struct{ project, target, outcome string }

func (k forwardKey) render() string {
	return renderLabels(forwardLabels, k.project, k.target, k.outcome)
}

func (k forwardKey) compare(o forwardKey) int {
	return cmp.Or(cmp.Compare(k.project, o.project), cmp.Compare(k.target, o.target),
		cmp.Compare(k.outcome, o.outcome))
}

func (k forwardKey) of(project string) bool { return k.project == project }

// subrequestKey is the label set of wasmpages_subrequest_duration_seconds.
type subrequestKey struct{ project, origin string }

func (k subrequestKey) render() string {
	return renderLabels(subrequestLabels, k.project, k.origin)
}

func (k subrequestKey) compare(o subrequestKey) int {
	return cmp.Or(cmp.Compare(k.project, o.project), cmp.Compare(k.origin, o.origin))
}

func (k subrequestKey) of(project string) bool { return k.project == project }

// probeKey is the label set of wasmpages_probe_rtt_seconds. Probes belong to
// the node, not to a project.
type probeKey struct{ target string }

func (k probeKey) render() string         { return renderLabels(probeLabels, k.target) }
func (k probeKey) compare(o probeKey) int { return cmp.Compare(k.target, o.target) }
func (k probeKey) of(project string) bool { return false }

// moduleKey names one module of a project, the series of
// wasmpages_placement_status but for its status label.
type moduleKey struct{ project, module string }

func (k moduleKey) compare(o moduleKey) int {
	return cmp.Or(cmp.Compare(k.project, o.project), cmp.Compare(k.module, o.module))
}
