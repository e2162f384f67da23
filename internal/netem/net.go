package netem

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"net"
	"net/netip"
	"slices"
	"sync"
	"time"
)

// ErrNoRTT is wrapped by the error of a dial between two places that have
// no round-trip time.
var ErrNoRTT = errors.New("netem: no round-trip time")

// A Net is a set of places, the round-trip times between them and the
// addresses each place hosts. It dials connections that take those round
// trips. A Net is safe for concurrent use.
type Net struct {
	mu         sync.RWMutex
	rtt        map[pair]time.Duration
	hosts      map[string]string // address -> place
	missing    time.Duration     // RTT of a pair not in rtt, if hasMissing
	hasMissing bool
	unbound    time.Duration // RTT to an address bound to no place
}

// A pair is two places in sorted order, the key of a symmetric matrix.
type pair [2]string

func pairOf(a, b string) pair {
	if b < a {
		a, b = b, a
	}
	return pair{a, b}
}

// An Option changes a default of New.
type Option func(*Net)

// DefaultRTT makes d the round-trip time between two different places that
// the matrix leaves out, instead of an error. Without it, New requires
// every pair of the places the matrix names, and a dial between places
// without a round-trip time fails with ErrNoRTT.
func DefaultRTT(d time.Duration) Option {
	return func(n *Net) { n.missing, n.hasMissing = d, true }
}

// UnboundRTT makes d the round-trip time to an address that no place hosts.
// By default such an address is reached without delay.
func UnboundRTT(d time.Duration) Option {
	return func(n *Net) { n.unbound = d }
}

// New returns a Net with the round-trip times of the matrix rtt, keyed by
// pairs of places in either order. The matrix is symmetric: {a, b} and
// {b, a} are the same link, and giving both with different times is an
// error. The round trip from a place to itself is 0 unless the matrix sets
// it. Every pair of different places the matrix names must be present
// unless DefaultRTT is given, and no time may be negative; New reports
// every problem at once.
func New(rtt map[[2]string]time.Duration, opts ...Option) (*Net, error) {
	n, err := newNet(rtt, opts...)
	if err != nil {
		return nil, err
	}
	if n.hasMissing {
		return n, nil
	}
	var errs []error
	places := n.places()
	for i, a := range places {
		for _, b := range places[i+1:] {
			if _, ok := n.rtt[pairOf(a, b)]; !ok {
				errs = append(errs, fmt.Errorf("%w between %q and %q", ErrNoRTT, a, b))
			}
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return n, nil
}

// newNet returns a Net with the times of rtt and checks them, but not that
// every pair is present.
func newNet(rtt map[[2]string]time.Duration, opts ...Option) (*Net, error) {
	n := &Net{rtt: make(map[pair]time.Duration, len(rtt)), hosts: make(map[string]string)}
	for _, opt := range opts {
		opt(n)
	}
	var errs []error
	if n.missing < 0 {
		errs = append(errs, fmt.Errorf("netem: negative default round-trip time %v", n.missing))
	}
	if n.unbound < 0 {
		errs = append(errs, fmt.Errorf("netem: negative round-trip time %v to unbound addresses", n.unbound))
	}
	keys := slices.SortedFunc(maps.Keys(rtt), func(x, y [2]string) int {
		return cmp.Or(cmp.Compare(x[0], y[0]), cmp.Compare(x[1], y[1]))
	})
	for _, k := range keys {
		d, p := rtt[k], pairOf(k[0], k[1])
		if d < 0 {
			errs = append(errs, fmt.Errorf("netem: negative round-trip time %v between %q and %q", d, k[0], k[1]))
			continue
		}
		if prev, ok := n.rtt[p]; ok && prev != d {
			errs = append(errs, fmt.Errorf("netem: round-trip time between %q and %q given twice: %v and %v", p[0], p[1], prev, d))
			continue
		}
		n.rtt[p] = d
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return n, nil
}

// places returns the places named in the matrix, sorted.
func (n *Net) places() []string {
	var out []string
	for p := range n.rtt {
		out = append(out, p[0], p[1])
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// SetRTT sets the round-trip time between a and b, in both directions,
// adding the places if they are new. It applies to connects from then on
// and to the bytes that open connections between a and b send from then
// on; bytes already sent arrive when they were due, and later bytes never
// overtake them. SetRTT panics if rtt is negative.
func (n *Net) SetRTT(a, b string, rtt time.Duration) {
	if rtt < 0 {
		panic(fmt.Sprintf("netem: negative round-trip time %v between %q and %q", rtt, a, b))
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	n.rtt[pairOf(a, b)] = rtt
}

// RTT returns the round-trip time between a and b, in either order, and
// whether there is one: it is set, a and b are the same place (0 unless
// set), or DefaultRTT applies.
func (n *Net) RTT(a, b string) (time.Duration, bool) {
	n.mu.RLock()
	defer n.mu.RUnlock()
	return n.rttLocked(a, b)
}

func (n *Net) rttLocked(a, b string) (time.Duration, bool) {
	if d, ok := n.rtt[pairOf(a, b)]; ok {
		return d, true
	}
	switch {
	case a == b:
		return 0, true
	case n.hasMissing:
		return n.missing, true
	}
	return 0, false
}

// Bind makes place the host of addr ("host:port"), replacing the place
// that hosted it before. Connections already open keep the place they were
// opened to. An IP address is matched in any of its spellings
// ("[::ffff:127.0.0.1]:80" is "127.0.0.1:80"); a host name only as written.
func (n *Net) Bind(place, addr string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.hosts[canonical(addr)] = place
}

// Place returns the place that hosts addr, if one does.
func (n *Net) Place(addr string) (string, bool) {
	n.mu.RLock()
	defer n.mu.RUnlock()
	place, ok := n.hosts[canonical(addr)]
	return place, ok
}

// canonical returns the spelling of addr that Bind records: an IP address
// and port in the form netip prints, IPv4 unmapped; any other text as is.
func canonical(addr string) string {
	ap, err := netip.ParseAddrPort(addr)
	if err != nil {
		return addr
	}
	return netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port()).String()
}

// Listen returns a listener on a free loopback port that place hosts: a
// net.Listen followed by Bind. The server side of its connections is not
// delayed; the dialers' side is.
func (n *Net) Listen(place string) (net.Listener, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("netem: listening for %q: %w", place, err)
	}
	n.Bind(place, l.Addr().String())
	return l, nil
}

// Dialer returns a dial function for connections opened from the place
// from, for http.Transport.DialContext and the like. A TCP connection to
// an address that a place hosts takes one round trip to connect (a refused
// connect too) and delays every byte it carries by half a round trip each
// way; to an address that no place hosts it is not delayed, unless
// UnboundRTT is given. The place of an address is looked up by the address
// dialed and, failing that, by the address connected to. Networks other
// than TCP are dialed without delay. A dial between places without a
// round-trip time fails with an error wrapping ErrNoRTT.
func (n *Net) Dialer(from string) func(ctx context.Context, network, addr string) (net.Conn, error) {
	var d net.Dialer
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		start := time.Now()
		raw, err := d.DialContext(ctx, network, addr)
		switch network {
		case "tcp", "tcp4", "tcp6":
		default:
			return raw, err
		}
		to, bound := n.Place(addr)
		if !bound && raw != nil {
			to, bound = n.Place(raw.RemoteAddr().String())
		}
		if _, ok := n.RTT(from, to); bound && !ok {
			if raw != nil {
				raw.Close()
			}
			return nil, &net.OpError{Op: "dial", Net: network, Addr: dialAddr(addr), Err: fmt.Errorf("%w between %q and %q", ErrNoRTT, from, to)}
		}
		rtt := func() time.Duration {
			n.mu.RLock()
			defer n.mu.RUnlock()
			if !bound {
				return n.unbound
			}
			d, _ := n.rttLocked(from, to)
			return d
		}
		if !bound && rtt() == 0 {
			return raw, err
		}
		if werr := sleep(ctx, time.Until(start.Add(rtt()))); werr != nil {
			if raw != nil {
				raw.Close()
			}
			return nil, &net.OpError{Op: "dial", Net: network, Addr: dialAddr(addr), Err: werr}
		}
		if err != nil {
			return nil, err
		}
		return newConn(raw, func() time.Duration { return rtt() / 2 }), nil
	}
}

// dialAddr is the address a dial was given, for its errors.
type dialAddr string

func (a dialAddr) Network() string { return "tcp" }
func (a dialAddr) String() string  { return string(a) }

// Dial returns a dial function for TCP connections opened from the place
// from, for fasthttp.HostClient.Dial and the like; see Dialer.
func (n *Net) Dial(from string) func(addr string) (net.Conn, error) {
	dial := n.Dialer(from)
	return func(addr string) (net.Conn, error) {
		return dial(context.Background(), "tcp", addr)
	}
}

// sleep waits for d or until ctx is done, and returns ctx's error then.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
