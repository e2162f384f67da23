package host

import (
	"bytes"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/wasmpages/wasmpages/host/internal/site"
)

// registry holds the projects a node serves, each with its active site,
// and finds a request's project by Host: <name>.<base_domain> or one of
// the project's domains. Lookups take no lock: the host map is replaced
// whole when a project's domains change.
type registry struct {
	baseDomain string

	mu     sync.Mutex // serialises changes
	byName map[string]*current
	hosts  atomic.Pointer[map[string]*current]
}

func newRegistry(baseDomain string) *registry {
	r := &registry{baseDomain: strings.ToLower(baseDomain), byName: map[string]*current{}}
	r.hosts.Store(&map[string]*current{})
	return r
}

// lookup returns the project served at host (a Host header, with or
// without a port), or nil.
func (r *registry) lookup(host []byte) *current {
	if i := bytes.LastIndexByte(host, ':'); i >= 0 && !bytes.HasSuffix(host, []byte("]")) {
		host = host[:i]
	}
	var buf [128]byte
	key := append(buf[:0], host...)
	for i, c := range key {
		if 'A' <= c && c <= 'Z' {
			key[i] = c + 'a' - 'A'
		}
	}
	key = bytes.TrimSuffix(key, []byte("."))
	return (*r.hosts.Load())[string(key)]
}

// project returns the named project, or nil.
func (r *registry) project(name string) *current {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.byName[name]
}

// swap makes s the named project's site; the previous one is closed once
// its requests in flight are done.
func (r *registry) swap(name string, s *site.Site) {
	r.mu.Lock()
	defer r.mu.Unlock()
	c := r.byName[name]
	if c == nil {
		c = &current{}
		r.byName[name] = c
	}
	c.swap(s)
	hosts := map[string]*current{}
	for n, c := range r.byName {
		s := c.p.Load()
		if s == nil {
			continue
		}
		hosts[n+"."+r.baseDomain] = c
		for _, d := range s.Project().Domains {
			hosts[d] = c
		}
	}
	r.hosts.Store(&hosts)
}

// names returns the projects served.
func (r *registry) names() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for n := range r.byName {
		out = append(out, n)
	}
	return out
}

// close closes every site.
func (r *registry) close() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, c := range r.byName {
		c.close()
	}
}
