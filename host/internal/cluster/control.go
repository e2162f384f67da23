package cluster

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Defaults for Options.
const (
	// DefaultListen is the embedded server's client address when
	// Options.Listen is empty.
	DefaultListen = "127.0.0.1:4222"
	// DefaultMemberTTL is Options.MemberTTL's default.
	DefaultMemberTTL = 10 * time.Second
	// DefaultTimeout is Options.Timeout's default.
	DefaultTimeout = 5 * time.Second
)

// Options configures Start. Either URL is set and the node uses an external
// NATS cluster, or it is empty and the node runs an embedded NATS server
// whose JetStream data lives in StoreDir.
type Options struct {
	// Node is this node's name: the embedded server's name and the key of
	// its membership entry. Required.
	Node string
	// Region is the region the node runs in.
	Region string

	// Listen is the embedded server's client address, host:port. Port 0
	// picks a free port (see Control.ClientURL). Default "127.0.0.1:4222".
	Listen string
	// ClusterListen is the embedded server's route address, host:port, that
	// the other nodes' Routes point to. Empty runs a single node: JetStream
	// without clustering.
	ClusterListen string
	// Routes are the other nodes' route URLs, "nats://host:port" (or
	// "host:port"). Credentials in them are replaced by ones derived from
	// Secret.
	Routes []string
	// StoreDir is the directory that holds the embedded server's JetStream
	// data. Required for the embedded server.
	StoreDir string
	// Secret is the cluster secret. The route credentials and the client
	// token are derived from it (HMAC-SHA256 with distinct labels), so a
	// server or client without it is refused. Required with ClusterListen;
	// a single node without one gets a random secret, so only this process
	// can use its server.
	Secret []byte

	// RouteTLS, if not nil, puts the routes between embedded servers under
	// TLS verified both ways: its Certificates are this server's, its
	// RootCAs the authorities that signed every node's certificate. The
	// route credentials derived from Secret are still required.
	RouteTLS *tls.Config

	// URL is an external NATS cluster, "nats://[user:pass@]host:port", comma
	// separated for several servers. When set no server is embedded, the
	// embedded-server fields must be empty and Secret is not used:
	// credentials, if any, go in the URL.
	URL string

	// Replicas is the number of copies JetStream keeps of each bucket. Zero
	// means min(3, 1+len(Routes)) for the embedded server and 1 for an
	// external one. It applies when this node creates a bucket; an existing
	// bucket keeps its own.
	Replicas int
	// MemberTTL is how long a membership entry lives without being
	// announced again. Default 10s, at least 1s.
	MemberTTL time.Duration
	// Timeout bounds each control-plane operation. Default 5s.
	Timeout time.Duration
	// Logger receives connection events; the embedded server's own log goes
	// to it only when its debug level is enabled. Default: discard.
	Logger *slog.Logger
}

// Control is a node's connection to the control plane: the NATS connection,
// and the embedded server when there is one. Its methods are safe for
// concurrent use. Operations fail with an error wrapping ErrUnavailable,
// within Options.Timeout, while JetStream is unreachable or without quorum;
// the JetStream buckets are created or bound on first use, and again after a
// reconnect, so a node starts and serves while the control plane is down.
type Control struct {
	node, region string
	replicas     int
	memberTTL    time.Duration
	timeout      time.Duration
	log          *slog.Logger
	check        string // what to check when unreachable, for errors
	url          string // the NATS URL, without credentials

	srv *server.Server // nil with an external URL
	nc  *nats.Conn
	js  jetstream.JetStream

	projects binding[*kvBucket]
	nodes    binding[*kvBucket]
	bundles  binding[*bundleStore]

	mu          sync.Mutex
	reconnected chan struct{}   // closed and replaced on every (re)connect
	life        context.Context // done when Close is called
	endLife     context.CancelFunc
	closeOnce   sync.Once
	connClosed  chan struct{} // closed when nc is closed
}

// Start starts the embedded server, if Options asks for one, and connects to
// NATS. It does not wait for JetStream: with an unreachable external URL or
// without quorum, Start succeeds and the operations fail until the control
// plane is back. It fails when the options are invalid or the embedded
// server cannot listen or open its store.
func Start(ctx context.Context, opts Options) (*Control, error) {
	if err := opts.defaults(); err != nil {
		return nil, err
	}
	if err := opts.validate(); err != nil {
		return nil, err
	}
	c := &Control{
		node:        opts.Node,
		region:      opts.Region,
		replicas:    opts.Replicas,
		memberTTL:   opts.MemberTTL,
		timeout:     opts.Timeout,
		log:         opts.Logger,
		reconnected: make(chan struct{}),
		connClosed:  make(chan struct{}),
	}
	c.life, c.endLife = context.WithCancel(context.Background())
	c.projects.bind = c.bindProjects
	c.nodes.bind = c.bindNodes
	c.bundles.bind = c.bindBundles

	url := opts.URL
	connOpts := []nats.Option{
		nats.Name("wasmpages " + opts.Node),
		nats.RetryOnFailedConnect(true),
		nats.MaxReconnects(-1),
		nats.ReconnectWait(250 * time.Millisecond),
		nats.ReconnectJitter(250*time.Millisecond, time.Second),
		nats.Timeout(opts.Timeout),
		nats.ReconnectHandler(func(*nats.Conn) { c.onReconnect() }),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			if err != nil {
				c.log.Warn("disconnected from the control plane (NATS)", "err", err)
			}
		}),
		nats.ClosedHandler(func(*nats.Conn) { close(c.connClosed) }),
	}
	if opts.URL == "" {
		srv, err := startServer(ctx, opts)
		if err != nil {
			return nil, err
		}
		c.srv = srv
		url = clientURL(srv)
		// The node talks to its own server only: if that is down, so is the
		// node.
		connOpts = append(connOpts, nats.Token(clientToken(opts.Secret)), nats.IgnoreDiscoveredServers())
		n := 1 + len(opts.Routes)
		if opts.ClusterListen == "" {
			c.check = "check this node's data directory " + opts.StoreDir
		} else {
			c.check = fmt.Sprintf("check that at least %d of the %d nodes are running and reach each other's cluster ports with the same cluster secret", n/2+1, n)
		}
	} else {
		c.check = "check that the NATS servers at " + redactURL(opts.URL) + " are running, reachable from this node and have JetStream enabled"
	}

	c.url = redactURL(url)
	nc, err := nats.Connect(url, connOpts...)
	if err != nil {
		c.shutdownServer()
		return nil, fmt.Errorf("cluster: connecting to %s: %w", redactURL(url), err)
	}
	c.nc = nc
	js, err := jetstream.New(nc, jetstream.WithDefaultTimeout(opts.Timeout))
	if err != nil {
		nc.Close()
		c.shutdownServer()
		return nil, fmt.Errorf("cluster: %w", err)
	}
	c.js = js
	return c, nil
}

// ClientURL returns the URL that NATS clients reach the embedded server at,
// or the external URL, without credentials.
func (c *Control) ClientURL() string { return c.url }

// Close drains the NATS connection (pending writes are flushed, within
// Options.Timeout) and shuts the embedded server down. Watches and
// heartbeats running on c return. Close is idempotent.
func (c *Control) Close() error {
	c.closeOnce.Do(func() {
		c.endLife()
		if c.nc.IsConnected() {
			if err := c.nc.Drain(); err != nil {
				c.nc.Close()
			}
			select {
			case <-c.connClosed:
			case <-time.After(c.timeout):
				c.nc.Close()
			}
		} else {
			c.nc.Close()
		}
		c.shutdownServer()
	})
	return nil
}

func (c *Control) shutdownServer() {
	if c.srv != nil {
		c.srv.Shutdown()
		c.srv.WaitForShutdown()
	}
}

// onReconnect runs on NATS's callback goroutine after every reconnection:
// it drops the bound buckets (the servers may have lost them) and wakes the
// watches so they start over with the current state.
func (c *Control) onReconnect() {
	c.log.Info("reconnected to the control plane (NATS)", "url", c.nc.ConnectedUrlRedacted())
	c.projects.reset()
	c.nodes.reset()
	c.bundles.reset()
	c.mu.Lock()
	close(c.reconnected)
	c.reconnected = make(chan struct{})
	c.mu.Unlock()
}

// reconnects returns a channel closed at the next reconnection.
func (c *Control) reconnects() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.reconnected
}

// op returns the context for one control-plane operation: ctx bounded by
// Options.Timeout and ended by Close.
func (c *Control) op(ctx context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	stop := context.AfterFunc(c.life, cancel)
	return ctx, func() {
		stop()
		cancel()
	}
}

// defaults fills in the zero fields of o.
func (o *Options) defaults() error {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.MemberTTL == 0 {
		o.MemberTTL = DefaultMemberTTL
	}
	if o.Timeout == 0 {
		o.Timeout = DefaultTimeout
	}
	if o.URL == "" {
		if o.Listen == "" {
			o.Listen = DefaultListen
		}
		if o.Replicas == 0 {
			o.Replicas = min(3, 1+len(o.Routes))
		}
		if len(o.Secret) == 0 && o.ClusterListen == "" && len(o.Routes) == 0 {
			secret, err := randomSecret()
			if err != nil {
				return fmt.Errorf("cluster: %w", err)
			}
			o.Secret = secret
		}
	} else if o.Replicas == 0 {
		o.Replicas = 1
	}
	return nil
}

// validate reports every problem with o at once, in the order of the
// fields.
func (o *Options) validate() error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("cluster: "+format, args...))
	}
	if o.Node == "" {
		bad("node: a node name is required")
	} else if !validName(o.Node) {
		bad("node %q: only letters, digits, '-' and '_' are allowed", o.Node)
	}
	if o.URL == "" {
		if _, _, err := splitHostPort(o.Listen); err != nil {
			bad("listen %q: %v", o.Listen, err)
		}
		if o.ClusterListen != "" {
			if _, _, err := splitHostPort(o.ClusterListen); err != nil {
				bad("cluster listen %q: %v", o.ClusterListen, err)
			}
		} else if len(o.Routes) > 0 {
			bad("routes: need a cluster listen address to route with")
		}
		for i, r := range o.Routes {
			if _, err := routeURL(r, "", ""); err != nil {
				bad("routes[%d] %q: %v", i, r, err)
			}
		}
		if o.StoreDir == "" {
			bad("store dir: required for the embedded NATS server")
		}
		if len(o.Secret) == 0 {
			bad("secret: a cluster secret is required to cluster nodes")
		}
	} else if o.ClusterListen != "" || len(o.Routes) > 0 || o.StoreDir != "" || o.Listen != "" || o.RouteTLS != nil {
		bad("url %s: an external NATS cluster excludes listen, cluster listen, routes, route TLS and store dir", redactURL(o.URL))
	}
	if t := o.RouteTLS; t != nil && (len(t.Certificates) == 0 || t.RootCAs == nil) {
		bad("route TLS: needs this server's certificate and the authorities of its peers'")
	}
	if o.Replicas < 1 || o.Replicas > 5 {
		bad("replicas %d: must be between 1 and 5", o.Replicas)
	}
	if o.MemberTTL < time.Second {
		bad("member ttl %s: must be at least 1s", o.MemberTTL)
	}
	if o.Timeout < 0 {
		bad("timeout %s: must be positive", o.Timeout)
	}
	return errors.Join(errs...)
}

// validName reports whether s is usable as a server name and a KV key.
func validName(s string) bool {
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
		default:
			return false
		}
	}
	return s != ""
}

// redactURL returns u (one URL or a comma-separated list) without
// credentials.
func redactURL(u string) string {
	if u == "" {
		return u
	}
	var out []string
	for _, part := range strings.Split(u, ",") {
		p, err := url.Parse(part)
		if err != nil {
			out = append(out, "(invalid url)")
			continue
		}
		p.User = nil
		out = append(out, p.String())
	}
	return strings.Join(out, ",")
}
