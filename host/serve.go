package host

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"os"

	"github.com/valyala/fasthttp"

	"github.com/wasmpages/wasmpages/host/internal/config"
)

// ServeOptions configure Serve.
type ServeOptions struct {
	// Config is the path of the node's node.toml.
	Config string
	// Out receives the log: one line per request and the node's events.
	// Default os.Stderr.
	Out io.Writer
	// Ready, if not nil, is called once every listener is open.
	Ready func()
}

// Serve runs a production node until ctx is done: the public listener,
// serving every project by Host; the cluster listener, for requests
// other nodes forward; and the admin API. It serves the deployments kept
// on disk at once, joins the control plane, and follows its deployments.
// When ctx is done it drains: it stops accepting, finishes the requests in
// flight (for at most the drain timeout) and returns.
func Serve(ctx context.Context, opts ServeOptions) error {
	if opts.Out == nil {
		opts.Out = os.Stderr
	}
	cfg, err := config.LoadNode(opts.Config)
	if err != nil {
		return err
	}
	n, err := newNode(ctx, cfg, opts.Out)
	if err != nil {
		return err
	}
	defer n.close()

	public, err := listen("public", cfg.Public.Listen, cfg.Public.TLSCert, cfg.Public.TLSKey)
	if err != nil {
		return err
	}
	clusterLn, err := listen("cluster", cfg.Cluster.Listen, cfg.Cluster.TLSCert, cfg.Cluster.TLSKey)
	if err != nil {
		public.Close()
		return err
	}
	adminLn, err := net.Listen("tcp", cfg.Admin.Listen)
	if err != nil {
		public.Close()
		clusterLn.Close()
		return fmt.Errorf("admin listener on %s: %w (is another process using the port? change admin.listen in %s)", cfg.Admin.Listen, err, opts.Config)
	}

	pub := newServer(func(ctx *fasthttp.RequestCtx) *current { return n.sites.lookup(ctx.Host()) }, maxNodeBody, opts.Out)
	cl := (&forwardServer{signer: n.signer, project: n.sites.project, logger: n.logger}).server()
	adm := n.adminServer()
	errc := make(chan error, 3)
	go func() { errc <- pub.Serve(public) }()
	go func() { errc <- cl.Serve(clusterLn) }()
	go func() { errc <- adm.Serve(adminLn) }()
	fmt.Fprintf(opts.Out, "node %s of region %s: public on %s, cluster on %s, admin on %s\n",
		cfg.Name, cfg.Region, public.Addr(), clusterLn.Addr(), adminLn.Addr())
	if opts.Ready != nil {
		opts.Ready()
	}

	select {
	case <-ctx.Done():
	case err := <-errc:
		pub.Shutdown()
		cl.Shutdown()
		adm.Close()
		return err
	}
	fmt.Fprintf(opts.Out, "draining: finishing the requests in flight (at most %s)\n", cfg.DrainTimeout)
	n.leave()
	dctx, cancel := context.WithTimeout(context.Background(), cfg.DrainTimeout)
	defer cancel()
	done := make(chan struct{})
	go func() {
		pub.ShutdownWithContext(dctx)
		cl.ShutdownWithContext(dctx)
		adm.Shutdown(dctx)
		close(done)
	}()
	<-done
	if errors.Is(dctx.Err(), context.DeadlineExceeded) {
		fmt.Fprintln(opts.Out, "drain timeout: requests still in flight were cut")
	}
	return nil
}

// maxNodeBody is the largest request body the public listener reads; each
// project's request_body limit applies below it.
const maxNodeBody = 1 << 30

// listen opens a TCP listener, with TLS when cert and key are given.
func listen(what, addr, cert, key string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("%s listener on %s: %w (is another process using the port?)", what, addr, err)
	}
	if cert == "" {
		return ln, nil
	}
	pair, err := tls.LoadX509KeyPair(cert, key)
	if err != nil {
		ln.Close()
		return nil, fmt.Errorf("%s listener: loading the TLS certificate %s and key %s: %w", what, cert, key, err)
	}
	return tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{pair}, MinVersion: tls.VersionTLS12}), nil
}
