package placement

import "strings"

// regionPrefix marks a probe target that is a region ("region:eu-west"):
// the probe measured the round trip between two regions.
const regionPrefix = "region:"

// noID stands for no region or no target.
const noID = -1

// maxRawSpellings bounds the cache of target spellings already canonicalised.
const maxRawSpellings = 4096

// names interns region names and probe targets (origins, "host:port"s and
// "region:<name>"s) as small integers, so that refreshes compare and index
// integers, not strings. IDs are never reused. names is not safe for
// concurrent use; the Engine's mutex guards it.
type names struct {
	regionID     map[string]int
	regions      []string
	regionTarget []int // by region id: the target id of "region:<name>"

	targetID map[string]int // canonical spelling → id
	targets  []string
	tcp      []int          // by target id: the id of the "host:port" of an origin, or noID
	raw      map[string]int // spelling as given → id
}

func newNames() names {
	return names{regionID: map[string]int{}, targetID: map[string]int{}, raw: map[string]int{}}
}

// region returns the id of the region named name, interning it.
func (n *names) region(name string) int {
	if id, ok := n.regionID[name]; ok {
		return id
	}
	id := len(n.regions)
	n.regionID[name] = id
	n.regions = append(n.regions, name)
	n.regionTarget = append(n.regionTarget, n.target(regionPrefix+name))
	return id
}

// target returns the id of a probe target or origin, interning its
// canonical spelling (see canonicalTarget).
func (n *names) target(spelling string) int {
	if id, ok := n.raw[spelling]; ok {
		return id
	}
	id := n.canonical(canonicalTarget(spelling))
	if len(n.raw) < maxRawSpellings {
		n.raw[spelling] = id
	}
	return id
}

// canonical interns a spelling that is already canonical.
func (n *names) canonical(c string) int {
	if id, ok := n.targetID[c]; ok {
		return id
	}
	id := len(n.targets)
	n.targetID[c] = id
	n.targets = append(n.targets, c)
	n.tcp = append(n.tcp, noID)
	if _, hostPort, ok := strings.Cut(c, "://"); ok {
		n.tcp[id] = n.canonical(hostPort)
	}
	return id
}

// canonicalTarget returns the spelling under which probes and back-end
// origins are matched: "region:<name>" as is; an origin as
// "scheme://host:port", lowercased, with the scheme's default port made
// explicit (80 for http and ws, 443 for https and wss) and any user
// information, path, query or fragment dropped; anything else (a TCP
// "host:port") lowercased.
func canonicalTarget(s string) string {
	if strings.HasPrefix(s, regionPrefix) {
		return s
	}
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok {
		return strings.ToLower(s)
	}
	scheme = strings.ToLower(scheme)
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		rest = rest[:i]
	}
	if i := strings.LastIndexByte(rest, '@'); i >= 0 {
		rest = rest[i+1:]
	}
	host, port := splitHostPort(rest)
	if port == "" {
		if port = defaultPort(scheme); port == "" {
			return scheme + "://" + strings.ToLower(rest)
		}
	}
	host = strings.ToLower(host)
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	return scheme + "://" + host + ":" + port
}

// splitHostPort splits "host:port" or "[host]:port"; port is "" when there
// is none.
func splitHostPort(s string) (host, port string) {
	if rest, ok := strings.CutPrefix(s, "["); ok {
		host, rest, _ = strings.Cut(rest, "]")
		return host, strings.TrimPrefix(rest, ":")
	}
	i := strings.LastIndexByte(s, ':')
	if i < 0 || strings.Contains(s[:i], ":") {
		return s, ""
	}
	return s[:i], s[i+1:]
}

// defaultPort returns the default port of a URL scheme, or "".
func defaultPort(scheme string) string {
	switch scheme {
	case "http", "ws":
		return "80"
	case "https", "wss":
		return "443"
	}
	return ""
}
