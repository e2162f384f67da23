package cluster

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// clusterName is the name of the NATS cluster the embedded servers form.
const clusterName = "wasmpages"

// routeUser is the user name of route connections; the password is derived
// from the cluster secret.
const routeUser = "wasmpages-route"

// The labels that separate the credentials derived from the cluster secret.
// Other uses of the secret (signing forwarded requests) use other labels, so
// no credential can stand in for another.
const (
	routeLabel  = "wasmpages nats route password v1"
	clientLabel = "wasmpages nats client token v1"
)

// routeTLSTimeout bounds a route's TLS handshake.
const routeTLSTimeout = 5 * time.Second

// startWait bounds how long Start waits for the embedded server to listen.
const startWait = 10 * time.Second

// derive returns the hex HMAC-SHA256 of label under secret.
func derive(secret []byte, label string) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(label))
	return hex.EncodeToString(m.Sum(nil))
}

// clientToken returns the token that clients of the embedded server present.
func clientToken(secret []byte) string { return derive(secret, clientLabel) }

// routePassword returns the password of route connections.
func routePassword(secret []byte) string { return derive(secret, routeLabel) }

// randomSecret returns a fresh 32-byte secret.
func randomSecret() ([]byte, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return nil, fmt.Errorf("generating a secret: %w", err)
	}
	return b, nil
}

// splitHostPort splits a listen address; port 0 becomes the server's "pick
// a free port" (-1).
func splitHostPort(addr string) (string, int, error) {
	host, p, err := net.SplitHostPort(addr)
	if err != nil {
		return "", 0, err
	}
	port, err := strconv.Atoi(p)
	if err != nil || port < 0 || port > 65535 {
		return "", 0, fmt.Errorf("port %q is not a number from 0 to 65535", p)
	}
	if port == 0 {
		port = server.RANDOM_PORT
	}
	return host, port, nil
}

// routeURL parses a route, "nats://host:port" or "host:port", and sets its
// credentials.
func routeURL(route, user, pass string) (*url.URL, error) {
	u, err := url.Parse(route)
	if err != nil || u.Host == "" {
		u, err = url.Parse("nats://" + route)
	}
	if err != nil || u.Host == "" || u.Port() == "" {
		return nil, errors.New(`not a route URL, "nats://host:port"`)
	}
	switch u.Scheme {
	case "nats", "nats-route":
	default:
		return nil, fmt.Errorf("scheme %q: not nats://", u.Scheme)
	}
	if user != "" {
		u.User = url.UserPassword(user, pass)
	} else {
		u.User = nil
	}
	return u, nil
}

// serverOptions translates o into the embedded server's options.
func serverOptions(o Options) (*server.Options, error) {
	host, port, err := splitHostPort(o.Listen)
	if err != nil {
		return nil, err
	}
	so := &server.Options{
		ServerName:             o.Node,
		Host:                   host,
		Port:                   port,
		Authorization:          clientToken(o.Secret),
		JetStream:              true,
		StoreDir:               o.StoreDir,
		NoSigs:                 true,
		DisableJetStreamBanner: true,
	}
	if o.ClusterListen == "" {
		return so, nil
	}
	chost, cport, err := splitHostPort(o.ClusterListen)
	if err != nil {
		return nil, err
	}
	pass := routePassword(o.Secret)
	so.Cluster = server.ClusterOpts{
		Name:     clusterName,
		Host:     chost,
		Port:     cport,
		Username: routeUser,
		Password: pass,
		// Clients connect to their own node's server; they need no list of
		// the others.
		NoAdvertise: true,
	}
	if o.RouteTLS != nil {
		tc := o.RouteTLS.Clone()
		tc.MinVersion = tls.VersionTLS12
		tc.ClientAuth = tls.RequireAndVerifyClientCert
		tc.ClientCAs = tc.RootCAs
		so.Cluster.TLSConfig = tc
		so.Cluster.TLSTimeout = routeTLSTimeout.Seconds()
	}
	for _, r := range o.Routes {
		u, err := routeURL(r, routeUser, pass)
		if err != nil {
			return nil, err
		}
		so.Routes = append(so.Routes, u)
	}
	return so, nil
}

// startServer starts the embedded NATS server and waits until it listens,
// not until JetStream has a quorum.
func startServer(ctx context.Context, o Options) (*server.Server, error) {
	so, err := serverOptions(o)
	if err != nil {
		return nil, fmt.Errorf("cluster: %w", err)
	}
	s, err := server.NewServer(so)
	if err != nil {
		return nil, fmt.Errorf("cluster: configuring the embedded NATS server: %w", err)
	}
	log := &serverLog{log: o.Logger, debug: o.Logger.Enabled(ctx, slog.LevelDebug)}
	s.SetLoggerV2(log, log.debug, false, false)
	s.Start()
	deadline := time.Now().Add(startWait)
	for !s.ReadyForConnections(20 * time.Millisecond) {
		failed := log.fatal()
		if failed == "" && ctx.Err() != nil {
			failed = ctx.Err().Error()
		}
		if failed == "" && time.Now().After(deadline) {
			failed = "not listening after " + startWait.String()
		}
		if failed != "" {
			s.Shutdown()
			s.WaitForShutdown()
			return nil, fmt.Errorf("cluster: starting the embedded NATS server (listen %s, cluster listen %q, store %s): %s",
				o.Listen, o.ClusterListen, o.StoreDir, failed)
		}
	}
	if failed := log.fatal(); failed != "" {
		s.Shutdown()
		s.WaitForShutdown()
		return nil, fmt.Errorf("cluster: starting the embedded NATS server (store %s): %s", o.StoreDir, failed)
	}
	return s, nil
}

// clientURL returns the URL of s's client listener, loopback when it listens
// on every interface.
func clientURL(s *server.Server) string {
	addr, ok := s.Addr().(*net.TCPAddr)
	if !ok {
		return s.ClientURL()
	}
	ip := addr.IP
	if ip == nil || ip.IsUnspecified() {
		ip = net.IPv4(127, 0, 0, 1)
	}
	return "nats://" + net.JoinHostPort(ip.String(), strconv.Itoa(addr.Port))
}

// serverLog passes the embedded server's log to a slog.Logger: everything
// when debug is on, only fatal errors otherwise. It remembers the first fatal
// error, which is why the server failed to start.
type serverLog struct {
	log   *slog.Logger
	debug bool

	mu        sync.Mutex
	fatalText string
}

var _ server.Logger = (*serverLog)(nil)

func (l *serverLog) fatal() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.fatalText
}

func (l *serverLog) Fatalf(format string, v ...any) {
	msg := fmt.Sprintf(format, v...)
	l.mu.Lock()
	if l.fatalText == "" {
		l.fatalText = msg
	}
	l.mu.Unlock()
	l.log.Error("nats: "+msg, "component", "nats-server")
}

func (l *serverLog) Errorf(format string, v ...any) { l.logf(slog.LevelError, format, v) }
func (l *serverLog) Warnf(format string, v ...any)  { l.logf(slog.LevelWarn, format, v) }
func (l *serverLog) Noticef(format string, v ...any) {
	l.logf(slog.LevelInfo, format, v)
}
func (l *serverLog) Debugf(format string, v ...any) { l.logf(slog.LevelDebug, format, v) }
func (l *serverLog) Tracef(format string, v ...any) { l.logf(slog.LevelDebug, format, v) }

func (l *serverLog) logf(level slog.Level, format string, v []any) {
	if !l.debug {
		return
	}
	l.log.Log(context.Background(), level, "nats: "+fmt.Sprintf(format, v...), "component", "nats-server")
}
