package netem

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
)

const (
	// maxSimRTT bounds every round-trip time of a simulation file.
	maxSimRTT = 10 * time.Second
	// defaultNearRTT is a client's round-trip time to its region unless the
	// file sets it.
	defaultNearRTT = 5 * time.Millisecond
)

// A Sim is a simulation file: the regions of a simulated cluster, the back
// ends its functions call, the simulated users, and the round-trip times
// between them. It is what `wasmpages dev --simulate` runs. The file looks
// like:
//
//	regions = ["us-east", "eu-west"]
//	[rtt]                           # "a b" = round trip; symmetric
//	"us-east eu-west" = "80ms"
//	"us-east db" = "1ms"
//	"eu-west db" = "80ms"
//	[[backend]]
//	name = "db"
//	url = "http://127.0.0.1:5432"
//	[[client]]
//	name = "user-eu"
//	near = "eu-west"
//
// Every name (region, back end, client) is a DNS label and is unique across
// the file.
type Sim struct {
	// Regions are the simulated regions, in the file's order (key regions,
	// required, at least one).
	Regions []string
	// RTT holds the round-trip time of each pair of places, keyed by the
	// two names in sorted order: the pairs of the [rtt] table, where every
	// region has a time to every other region and every back end a time to
	// every region, and the times of each client (see SimClient).
	RTT map[[2]string]time.Duration
	// Backends are the [[backend]] tables, in the file's order.
	Backends []SimBackend
	// Clients are the [[client]] tables, in the file's order.
	Clients []SimClient
}

// A SimBackend is a back end the project's functions call.
type SimBackend struct {
	// Name is its place (key name, required).
	Name string
	// URL is where it really listens, an http or https URL with a host and
	// port (key url, required).
	URL string
	// Addr is the host:port of URL: the address that the place Name hosts.
	Addr string
	// Command, if set, starts the back end: `wasmpages dev --simulate`
	// runs it with sh in the project directory, with ADDR set to Addr, and
	// stops it at the end (key command, optional).
	Command string
}

// A SimClient is a simulated user. Its round-trip time to its region Near
// is 5ms, and to every other region that region's, unless [rtt] sets them.
type SimClient struct {
	// Name is its place (key name, required).
	Name string
	// Near is the region it reaches (key near, required).
	Near string
}

// simFile is the schema of a simulation file. The values are decoded
// loosely and checked by ParseSim, so that every wrong value is reported,
// not only the first.
type simFile struct {
	Regions any            `toml:"regions"`
	RTT     map[string]any `toml:"rtt"`
	Backend []struct {
		Name    any `toml:"name"`
		URL     any `toml:"url"`
		Command any `toml:"command"`
	} `toml:"backend"`
	Client []struct {
		Name any `toml:"name"`
		Near any `toml:"near"`
	} `toml:"client"`
}

// nameRE matches a valid name: a DNS label, as a region is in node.toml.
var nameRE = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)

// LoadSim reads and parses the simulation file at path.
func LoadSim(path string) (*Sim, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading simulation file: %w", err)
	}
	return ParseSim(path, data)
}

// ParseSim parses a simulation file; filename is used in messages. It
// reports every problem at once, joined with errors.Join, each as
// "filename: key: problem", where the key of the Nth [[backend]] or
// [[client]] table counts from 1, as in backend[1].url.
func ParseSim(filename string, data []byte) (*Sim, error) {
	var f simFile
	md, err := toml.NewDecoder(bytes.NewReader(data)).Decode(&f)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("%s: %s", filename, pe.ErrorWithPosition())
		}
		return nil, fmt.Errorf("%s: %w", filename, err)
	}
	p := &simParser{file: filename, md: md, kinds: map[string]string{}, bad: map[string]bool{}}
	s := p.parse(&f)
	if len(p.errs) > 0 {
		return nil, errors.Join(p.errs...)
	}
	return s, nil
}

// simParser checks a decoded simulation file and collects its problems.
type simParser struct {
	file  string
	md    toml.MetaData
	kinds map[string]string // name -> "region", "back end" or "client"
	bad   map[string]bool   // names reported as invalid
	errs  []error
}

func (p *simParser) add(key, format string, args ...any) {
	p.errs = append(p.errs, fmt.Errorf("%s: %s: %s", p.file, key, fmt.Sprintf(format, args...)))
}

// unknown reports that a key refers to a name that is not a place, unless
// the name was reported as invalid where it was defined.
func (p *simParser) unknown(key, name, problem string) {
	if !p.bad[name] {
		p.add(key, "%q %s", name, problem)
	}
}

// parse checks every value of f and returns the Sim they make.
func (p *simParser) parse(f *simFile) *Sim {
	p.unknownKeys()
	s := &Sim{Regions: p.regions(f.Regions), RTT: map[[2]string]time.Duration{}}
	var backends []string // every back end with a valid name
	for i, b := range f.Backend {
		key := fmt.Sprintf("backend[%d]", i+1)
		name, okName := p.name(key+".name", b.Name, "back end")
		addr, okURL := p.url(key+".url", b.URL)
		command, okCommand := b.Command.(string)
		if b.Command != nil && (!okCommand || command == "") {
			p.add(key+".command", "must be a non-empty string: a shell command that starts the back end, such as command = \"go run ./backend\"")
		}
		if okName {
			backends = append(backends, name)
		}
		if okName && okURL {
			s.Backends = append(s.Backends, SimBackend{Name: name, URL: b.URL.(string), Addr: addr, Command: command})
		}
	}
	for i, c := range f.Client {
		key := fmt.Sprintf("client[%d]", i+1)
		name, okName := p.name(key+".name", c.Name, "client")
		near, okNear := p.near(key+".near", c.Near)
		if okName && okNear {
			s.Clients = append(s.Clients, SimClient{Name: name, Near: near})
		}
	}

	given := p.rtts(f.RTT, s.RTT)
	missing := func(a, b string) {
		if !given[pairOf(a, b)] {
			p.add("rtt", `no round-trip time between %q and %q: add "%s %s" = "..."`, a, b, a, b)
		}
	}
	for i, a := range s.Regions {
		for _, b := range s.Regions[i+1:] {
			missing(a, b)
		}
	}
	for _, b := range backends {
		for _, r := range s.Regions {
			missing(r, b)
		}
	}

	for _, c := range s.Clients {
		for _, r := range s.Regions {
			pr := pairOf(c.Name, r)
			if _, ok := s.RTT[pr]; ok {
				continue
			}
			if r == c.Near {
				s.RTT[pr] = defaultNearRTT
			} else if d, ok := s.RTT[pairOf(c.Near, r)]; ok {
				s.RTT[pr] = d
			}
		}
	}
	return s
}

// regions checks the regions array and returns its valid names.
func (p *simParser) regions(v any) []string {
	regions, ok := v.([]any)
	switch {
	case v == nil:
		p.add("regions", `required: the simulated regions, such as regions = ["us-east", "eu-west"]`)
	case !ok:
		p.add("regions", "must be an array of strings, not %s", describe(v))
	case len(regions) == 0:
		p.add("regions", "must name at least one region")
	}
	var names []string
	for i, r := range regions {
		if name, ok := p.name(fmt.Sprintf("regions[%d]", i+1), r, "region"); ok {
			names = append(names, name)
		}
	}
	return names
}

// rtts checks the [rtt] table, stores its valid times in rtt and returns
// the pairs it gives, with a valid time or not, so that a wrong time is not
// reported again as a missing one.
func (p *simParser) rtts(table map[string]any, rtt map[[2]string]time.Duration) map[pair]bool {
	if p.md.IsDefined("rtt") && p.md.Type("rtt") != "Hash" {
		p.add("rtt", `must be a table of round-trip times, such as "us-east eu-west" = "80ms"`)
	}
	given := map[pair]string{} // pair -> its key
	for _, k := range slices.Sorted(maps.Keys(table)) {
		key := toml.Key{"rtt", k}.String()
		pr, okNames := p.pair(key, k)
		d, err := simDuration(table[k])
		if err != nil {
			p.add(key, "%v", err)
		}
		if !okNames {
			continue
		}
		if prev, dup := given[pr]; dup {
			p.add(key, "the same pair as %q", prev)
			continue
		}
		given[pr] = k
		if err == nil {
			rtt[pr] = d
		}
	}
	out := make(map[pair]bool, len(given))
	for pr := range given {
		out[pr] = true
	}
	return out
}

// unknownKeys reports each key the schema does not have. Keys below a
// value of the wrong type (a table where a string belongs) are left out:
// that value is reported by itself.
func (p *simParser) unknownKeys() {
	for _, k := range p.md.Undecoded() {
		switch {
		case len(k) == 1:
			p.add(k.String(), "unknown key: the keys are regions, rtt, [[backend]] and [[client]]")
		case len(k) == 2 && k[0] == "backend":
			p.add(k.String(), "unknown key: the keys of a [[backend]] are name, url and command")
		case len(k) == 2 && k[0] == "client":
			p.add(k.String(), "unknown key: the keys of a [[client]] are name and near")
		}
	}
}

// name checks the name v of a place of the given kind and records it.
func (p *simParser) name(key string, v any, kind string) (string, bool) {
	s, ok := v.(string)
	switch {
	case v == nil:
		p.add(key, "required: the %s's name", kind)
	case !ok:
		p.add(key, "must be a string, not %s", describe(v))
	case !nameRE.MatchString(s):
		p.bad[s] = true
		p.add(key, "%q is not a valid name: use 1 to 63 lowercase letters, digits and hyphens, not starting or ending with a hyphen", s)
	case p.kinds[s] != "":
		p.add(key, "%q is already the name of a %s: names must be unique", s, p.kinds[s])
	default:
		p.kinds[s] = kind
		return s, true
	}
	return "", false
}

// url checks a back end's URL and returns its host:port.
func (p *simParser) url(key string, v any) (string, bool) {
	s, ok := v.(string)
	if v == nil {
		p.add(key, `required: where the back end listens, such as url = "http://127.0.0.1:5432"`)
		return "", false
	}
	if !ok {
		p.add(key, "must be a string, not %s", describe(v))
		return "", false
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
		p.add(key, `%q is not an http or https URL with a host and port, such as "http://127.0.0.1:5432"`, s)
		return "", false
	}
	if u.Port() == "" {
		p.add(key, `%q has no port: write the one the back end listens on, as in "%s://%s:8080"`, s, u.Scheme, u.Host)
		return "", false
	}
	if port, err := strconv.ParseUint(u.Port(), 10, 16); err != nil || port == 0 {
		p.add(key, "%q has an invalid port: use 1 to 65535", s)
		return "", false
	}
	return u.Host, true
}

// near checks a client's region.
func (p *simParser) near(key string, v any) (string, bool) {
	s, ok := v.(string)
	switch {
	case v == nil:
		p.add(key, `required: the region the client reaches, such as near = "eu-west"`)
	case !ok:
		p.add(key, "must be a string, not %s", describe(v))
	case p.kinds[s] != "region":
		p.unknown(key, s, "is not one of the regions")
	default:
		return s, true
	}
	return "", false
}

// pair checks the names of the [rtt] key k: two places of the file.
func (p *simParser) pair(key, k string) (pair, bool) {
	names := strings.Fields(k)
	if len(names) != 2 {
		p.add(key, `must name two places separated by a space, such as "us-east eu-west"`)
		return pair{}, false
	}
	ok := true
	for _, name := range names {
		if p.kinds[name] == "" {
			p.unknown(key, name, "is not a region, back end or client of this file")
			ok = false
		}
	}
	return pairOf(names[0], names[1]), ok
}

// simDuration parses a round-trip time of the [rtt] table.
func simDuration(v any) (time.Duration, error) {
	s, ok := v.(string)
	if !ok {
		return 0, fmt.Errorf(`must be a duration string such as "40ms", not %s`, describe(v))
	}
	d, err := time.ParseDuration(s)
	switch {
	case err != nil:
		if _, ferr := strconv.ParseFloat(s, 64); ferr == nil {
			return 0, fmt.Errorf(`%q has no unit: write "%sms"`, s, s)
		}
		return 0, fmt.Errorf(`%q is not a duration: write one such as "40ms" or "1.5s"`, s)
	case d < 0:
		return 0, fmt.Errorf("%q is negative", s)
	case d >= maxSimRTT:
		return 0, fmt.Errorf("%q is not below the maximum of %v", s, maxSimRTT)
	}
	return d, nil
}

// describe names the TOML type of a decoded value, with the value itself
// when it is short.
func describe(v any) string {
	switch x := v.(type) {
	case string:
		if len(x) > 40 {
			return "a string"
		}
		return fmt.Sprintf("a string (%q)", x)
	case int64:
		return fmt.Sprintf("an integer (%d)", x)
	case float64:
		return fmt.Sprintf("a float (%v)", x)
	case bool:
		return fmt.Sprintf("a boolean (%t)", x)
	case time.Time:
		return "a date or time"
	case []map[string]any:
		return "an array of tables"
	case []any:
		return "an array"
	case map[string]any:
		return "a table"
	}
	return fmt.Sprintf("a %T", v)
}

// Net returns a Net with the places and round-trip times of the file, each
// back end's place hosting its Addr. Pairs the file need not give (between
// back ends, or between a client and a back end) have no round-trip time, so
// dialing between them fails.
func (s *Sim) Net() (*Net, error) {
	n, err := newNet(s.RTT)
	if err != nil {
		return nil, err
	}
	for _, b := range s.Backends {
		n.Bind(b.Name, b.Addr)
	}
	return n, nil
}
