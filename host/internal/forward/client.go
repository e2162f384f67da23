package forward

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/valyala/fasthttp"
)

// ErrNotSent is wrapped by the errors of Client.Do after which the caller
// may run the request itself (see Client.Do).
var ErrNotSent = errors.New("forward: request not sent")

// The Client's settings that are not options.
const (
	// idleFor is how long a Client keeps an idle connection: less than the
	// cluster listener's IdleTimeout, so that the client closes it first.
	idleFor = 5 * time.Second
	// readBuffer bounds the size of a response's header block.
	readBuffer = 64 << 10
	// writeBuffer is the buffer through which a request is written.
	writeBuffer = 32 << 10
)

// ClientOptions configure a Client. The zero value is ready to use.
type ClientOptions struct {
	// DialTimeout bounds connecting to a peer, TLS handshake included.
	// Default: 1s.
	DialTimeout time.Duration
	// DownFor is how long a peer is reported down after a connection to it
	// failed. Default: 1s.
	DownFor time.Duration
	// TLSConfig is used for https:// peers; its ServerName defaults to the
	// peer's host. Default: the system's roots.
	TLSConfig *tls.Config
	// MaxConnsPerPeer bounds the connections open to one peer; a request
	// that finds them all busy is not sent. Default: 512.
	MaxConnsPerPeer int
	// DialContext opens the TCP connections to peers; tests and
	// simulations put the network emulator here. Default: net.Dialer.
	DialContext func(ctx context.Context, network, addr string) (net.Conn, error)
}

// Client sends forwarded requests to peers, each over a pool of kept-alive
// connections. It is safe for concurrent use. Idle connections are closed
// after 5s; the cluster listener must keep them longer (see the package
// doc).
type Client struct {
	opts ClientOptions
	now  func() time.Time

	mu     sync.RWMutex
	peers  map[string]*peer
	closed bool
}

// peer is one cluster URL and its connections.
type peer struct {
	url         string
	hc          *fasthttp.HostClient
	tls         *tls.Config // nil for http
	dialFor     time.Duration
	dialContext func(ctx context.Context, network, addr string) (net.Conn, error)
	downUntil   atomic.Int64 // Unix nanoseconds; 0 when up
}

// NewClient returns a Client with opts, defaults filled in.
func NewClient(opts ClientOptions) *Client {
	if opts.DialTimeout <= 0 {
		opts.DialTimeout = time.Second
	}
	if opts.DialContext == nil {
		opts.DialContext = (&net.Dialer{}).DialContext
	}
	if opts.DownFor <= 0 {
		opts.DownFor = time.Second
	}
	if opts.MaxConnsPerPeer <= 0 {
		opts.MaxConnsPerPeer = 512
	}
	return &Client{opts: opts, now: time.Now, peers: make(map[string]*peer)}
}

// Do sends req to the peer at url, a cluster URL (http:// or https://, host
// and port, no path), and fills resp, whose body stays streamed: the caller
// reads resp.BodyStream() to its end (a stream closed before its end costs
// the connection), closes it with resp.CloseBodyStream and releases resp.
// deadline bounds the whole exchange, reading the response body included.
// req is usually signed by Signer.Sign; Do may change its URI's scheme.
//
// An error that wraps ErrNotSent means the caller may run the request
// itself, its body unread: url is not a cluster URL, the client is closed,
// the peer is marked down (see Down), connecting to it failed (refused,
// timed out, or the TLS handshake failed), all MaxConnsPerPeer connections
// are busy, or, only for GET, HEAD and OPTIONS requests (which may run
// twice) whose user body was not read, a connection reused from the pool
// turned out closed before any byte of the response. A failed connection
// marks the peer down; a pooled connection found closed closes the peer's
// other idle ones.
//
// Any other error means the request may have reached the peer: the caller
// must not run it. If the deadline passed, the error wraps
// context.DeadlineExceeded.
func (c *Client) Do(url string, req *fasthttp.Request, resp *fasthttp.Response, deadline time.Time) error {
	p, err := c.peer(url)
	if err != nil {
		return err
	}
	if time.Until(deadline) <= 0 {
		return fmt.Errorf("forward: %s: %w", url, context.DeadlineExceeded)
	}
	if c.down(p) {
		return fmt.Errorf("%w: %s is down after a connection failure", ErrNotSent, url)
	}
	// The HostClient speaks plain HTTP; TLS, if any, is its dial's.
	req.URI().SetScheme("http")
	req.UseHostHeader = true
	// Whether the body can be sent again is known for a body in memory and
	// for a signed one, which tells whether the user's body was read.
	body, signed := req.BodyStream().(*signedBody)
	known := !req.IsBodyStream() || signed

	err = p.hc.DoDeadline(req, resp, deadline)
	if err == nil {
		if p.downUntil.Load() != 0 {
			p.downUntil.Store(0)
		}
		return nil
	}
	var de *dialError
	switch {
	case errors.As(err, &de):
		if !de.cut {
			p.downUntil.Store(c.now().Add(c.opts.DownFor).UnixNano())
			p.hc.CloseIdleConnections()
		}
		return fmt.Errorf("%w: %s: %w", ErrNotSent, url, de.err)
	case errors.Is(err, fasthttp.ErrNoFreeConns):
		return fmt.Errorf("%w: %s: all %d connections are busy", ErrNotSent, url, c.opts.MaxConnsPerPeer)
	case isTimeout(err):
		return fmt.Errorf("forward: %s: %w", url, context.DeadlineExceeded)
	}
	if a, ok := resp.LocalAddr().(*connAddr); ok && a.conn.reusedSilent() {
		// The server had closed the connection while it sat in the pool;
		// the others that idled as long are likely closed too.
		p.hc.CloseIdleConnections()
		if idempotent(req) && known && (!signed || !body.bodyRead) {
			return fmt.Errorf("%w: %s: a kept-alive connection was closed: %w", ErrNotSent, url, err)
		}
	}
	return fmt.Errorf("forward: %s: %w", url, err)
}

// Down reports whether the peer at url is marked down: a connection to it
// failed less than DownFor ago and no request to it has succeeded since.
// While it is marked, Do does not try it.
func (c *Client) Down(url string) bool {
	c.mu.RLock()
	p := c.peers[url]
	c.mu.RUnlock()
	return p != nil && c.down(p)
}

func (c *Client) down(p *peer) bool {
	until := p.downUntil.Load()
	return until != 0 && c.now().UnixNano() < until
}

// Close closes the idle connections to every peer; connections in use are
// closed when their exchange ends. Do fails with ErrNotSent afterwards.
func (c *Client) Close() {
	c.mu.Lock()
	c.closed = true
	peers := c.peers
	c.peers = map[string]*peer{}
	c.mu.Unlock()
	for _, p := range peers {
		p.hc.CloseIdleConnections()
	}
}

// peer returns the peer for url, made on first use. Peers are never
// forgotten: one without connections costs a few hundred bytes.
func (c *Client) peer(rawURL string) (*peer, error) {
	c.mu.RLock()
	p, closed := c.peers[rawURL], c.closed
	c.mu.RUnlock()
	switch {
	case closed:
		return nil, fmt.Errorf("%w: the client is closed", ErrNotSent)
	case p != nil:
		return p, nil
	}
	p, err := c.newPeer(rawURL)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil, fmt.Errorf("%w: the client is closed", ErrNotSent)
	}
	if q := c.peers[rawURL]; q != nil {
		return q, nil
	}
	c.peers[rawURL] = p
	return p, nil
}

func (c *Client) newPeer(rawURL string) (*peer, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("%w: cluster URL %q: %w", ErrNotSent, rawURL, err)
	}
	port := "80"
	p := &peer{url: rawURL, dialFor: c.opts.DialTimeout, dialContext: c.opts.DialContext}
	switch {
	case u.Scheme == "https":
		port = "443"
		p.tls = &tls.Config{}
		if c.opts.TLSConfig != nil {
			p.tls = c.opts.TLSConfig.Clone()
		}
		if p.tls.ServerName == "" {
			p.tls.ServerName = u.Hostname()
		}
	case u.Scheme != "http":
		return nil, fmt.Errorf("%w: cluster URL %q: scheme is not http or https", ErrNotSent, rawURL)
	}
	if u.Hostname() == "" || u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("%w: cluster URL %q: want scheme://host:port only", ErrNotSent, rawURL)
	}
	if u.Port() != "" {
		port = u.Port()
	}
	p.hc = &fasthttp.HostClient{
		Addr:                      net.JoinHostPort(u.Hostname(), port),
		DialTimeout:               p.dial,
		MaxConns:                  c.opts.MaxConnsPerPeer,
		MaxIdleConnDuration:       idleFor,
		MaxIdemponentCallAttempts: 1, // Do decides what may be retried
		ReadBufferSize:            readBuffer,
		WriteBufferSize:           writeBuffer,
		ConnPoolStrategy:          fasthttp.LIFO,
		NoDefaultUserAgentHeader:  true,
		DisablePathNormalizing:    true,
		StreamResponseBody:        true,
	}
	return p, nil
}

// dialError is a failure to connect to a peer. cut is set when it timed out
// at the request's deadline, before DialTimeout.
type dialError struct {
	err error
	cut bool
}

func (e *dialError) Error() string { return e.err.Error() }
func (e *dialError) Unwrap() error { return e.err }

// dial connects to the peer within DialTimeout, or the time left to the
// request if that is shorter, TLS handshake included.
func (p *peer) dial(addr string, left time.Duration) (net.Conn, error) {
	timeout, cut := p.dialFor, false
	if left > 0 && left < timeout {
		timeout, cut = left, true
	}
	deadline := time.Now().Add(timeout)
	ctx, cancel := context.WithDeadline(context.Background(), deadline)
	defer cancel()
	raw, err := p.dialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, &dialError{err: err, cut: cut && isTimeout(err)}
	}
	if p.tls == nil {
		return newConn(raw), nil
	}
	tc := tls.Client(raw, p.tls)
	_ = tc.SetDeadline(deadline)
	if err := tc.Handshake(); err != nil {
		raw.Close()
		return nil, &dialError{err: fmt.Errorf("tls handshake: %w", err), cut: cut && isTimeout(err)}
	}
	_ = tc.SetDeadline(time.Time{})
	return newConn(tc), nil
}

// idempotent reports whether req's method is one that may run twice: GET,
// HEAD or OPTIONS.
func idempotent(req *fasthttp.Request) bool {
	return req.Header.IsGet() || req.Header.IsHead() || req.Header.IsOptions()
}

// isTimeout reports whether err is a timeout.
func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}
