// Package clustertest runs clusters of real `wasmpages serve` processes
// for tests: one node per region on loopback ports, each with its own
// embedded NATS server, joined by routes.
package clustertest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/wasmpages/wasmpages/internal/devtest"
)

// BaseDomain is the base domain of test clusters: project p is served at
// p.BaseDomain.
const BaseDomain = "test.internal"

// Cluster is a set of nodes started by a test; they are stopped when the
// test ends.
type Cluster struct {
	Nodes []*Node
	// Token is the admin token of every node.
	Token string
	// Secret is the cluster secret.
	Secret string
	dir    string
}

// Node is one `wasmpages serve` process.
type Node struct {
	Region, Name string
	// Public is the public listener's URL; send the project's Host.
	Public string
	// ClusterURL is the cluster listener's URL.
	ClusterURL string
	// Admin is the admin API's URL.
	Admin  string
	Config string
	// DataDir is the node's data directory.
	DataDir string
	// Route is the embedded NATS server's route address, host:port.
	Route string
	c     *Cluster

	mu   sync.Mutex
	cmd  *exec.Cmd
	out  *devtest.SyncBuffer
	done chan struct{}
}

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// Binary builds the wasmpages command once per test process and returns
// its path.
func Binary(tb testing.TB) string {
	tb.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "wasmpages-bin-")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "wasmpages")
		cmd := exec.Command(goTool(), "build", "-o", binPath, "github.com/wasmpages/wasmpages/cmd/wasmpages")
		if out, err := cmd.CombinedOutput(); err != nil {
			binErr = fmt.Errorf("building wasmpages: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		tb.Fatal(binErr)
	}
	return binPath
}

func goTool() string {
	p := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(p); err == nil {
		return p
	}
	return "go"
}

// Options change the nodes a cluster starts with.
type Options struct {
	// TLSCert and TLSKey, if set, make every public listener serve HTTPS.
	TLSCert, TLSKey string
	// RouteCert, RouteKey and RouteCA, if set, put the NATS routes under
	// TLS: every node presents RouteCert, valid for 127.0.0.1.
	RouteCert, RouteKey, RouteCA string
}

// RotateSecret writes a new cluster secret for the nodes that start from
// now on, and returns it.
func (c *Cluster) RotateSecret(tb testing.TB) string {
	tb.Helper()
	c.Secret = randomHex(32)
	if err := os.WriteFile(filepath.Join(c.dir, "cluster.secret"), []byte(c.Secret+"\n"), 0o600); err != nil {
		tb.Fatal(err)
	}
	return c.Secret
}

// Start starts one node per region and waits until each sees them all.
func Start(tb testing.TB, regions ...string) *Cluster {
	tb.Helper()
	return StartWith(tb, Options{}, regions...)
}

// StartWith is Start with options.
func StartWith(tb testing.TB, opts Options, regions ...string) *Cluster {
	tb.Helper()
	Binary(tb)
	c := &Cluster{dir: tb.TempDir(), Token: randomHex(24), Secret: randomHex(32)}
	secret := filepath.Join(c.dir, "cluster.secret")
	token := filepath.Join(c.dir, "admin.token")
	for f, v := range map[string]string{secret: c.Secret, token: c.Token} {
		if err := os.WriteFile(f, []byte(v+"\n"), 0o600); err != nil {
			tb.Fatal(err)
		}
	}
	ports := freePorts(tb, 5*len(regions))
	routeURL := func(i int) string { return fmt.Sprintf("nats://127.0.0.1:%d", ports[5*i+4]) }
	for i, region := range regions {
		p := ports[5*i : 5*i+5]
		n := &Node{
			Region: region, Name: region + "-1", c: c,
			Public:     fmt.Sprintf("%s://127.0.0.1:%d", scheme(opts), p[0]),
			ClusterURL: fmt.Sprintf("http://127.0.0.1:%d", p[1]),
			Admin:      fmt.Sprintf("http://127.0.0.1:%d", p[2]),
			Config:     filepath.Join(c.dir, region+".toml"),
			DataDir:    filepath.Join(c.dir, region+"-data"),
			Route:      fmt.Sprintf("127.0.0.1:%d", p[4]),
		}
		var routes []string
		for j := range regions {
			if j != i {
				routes = append(routes, fmt.Sprintf("%q", routeURL(j)))
			}
		}
		toml := fmt.Sprintf(`region = %q
name = %q
data_dir = %q
base_domain = %q
drain_timeout = "10s"

[public]
listen = "127.0.0.1:%d"
%s
[cluster]
listen = "127.0.0.1:%d"
url = %q
secret_file = %q

[admin]
listen = "127.0.0.1:%d"
token_file = %q

[nats]
listen = "127.0.0.1:%d"
cluster_listen = "127.0.0.1:%d"
routes = [%s]
%s`, region, n.Name, n.DataDir, BaseDomain, p[0], tlsKeys(opts), p[1], n.ClusterURL, secret, p[2], token, p[3], p[4], strings.Join(routes, ", "), routeTLSKeys(opts))
		if err := os.WriteFile(n.Config, []byte(toml), 0o644); err != nil {
			tb.Fatal(err)
		}
		c.Nodes = append(c.Nodes, n)
	}
	for _, n := range c.Nodes {
		n.Start(tb)
	}
	tb.Cleanup(func() {
		for _, n := range c.Nodes {
			n.Kill(tb)
		}
		if tb.Failed() {
			for _, n := range c.Nodes {
				tb.Logf("output of %s:\n%s", n.Name, n.Output())
			}
		}
	})
	c.WaitMembers(tb, len(regions))
	return c
}

func tlsKeys(o Options) string {
	if o.TLSCert == "" {
		return ""
	}
	return fmt.Sprintf("tls_cert = %q\ntls_key = %q\n", o.TLSCert, o.TLSKey)
}

func routeTLSKeys(o Options) string {
	if o.RouteCert == "" {
		return ""
	}
	return fmt.Sprintf("tls_cert = %q\ntls_key = %q\ntls_ca = %q\n", o.RouteCert, o.RouteKey, o.RouteCA)
}

func scheme(o Options) string {
	if o.TLSCert == "" {
		return "http"
	}
	return "https"
}

// Node returns the node of a region.
func (c *Cluster) Node(region string) *Node {
	for _, n := range c.Nodes {
		if n.Region == region {
			return n
		}
	}
	panic("no node in region " + region)
}

// Start starts the node's process (again) and waits for its listeners.
func (n *Node) Start(tb testing.TB) {
	tb.Helper()
	n.mu.Lock()
	n.out = &devtest.SyncBuffer{}
	n.cmd = exec.Command(Binary(tb), "serve", "--config", n.Config)
	n.cmd.Stdout, n.cmd.Stderr = n.out, n.out
	n.cmd.Env = append(os.Environ(), "GOMAXPROCS=2")
	if err := n.cmd.Start(); err != nil {
		n.mu.Unlock()
		tb.Fatal(err)
	}
	n.done = make(chan struct{})
	cmd, done := n.cmd, n.done
	go func() { cmd.Wait(); close(done) }()
	n.mu.Unlock()
	deadline := time.Now().Add(2 * time.Minute)
	for !strings.Contains(n.Output(), "public on") {
		select {
		case <-done:
			tb.Fatalf("%s exited at start:\n%s", n.Name, n.Output())
		default:
		}
		if time.Now().After(deadline) {
			tb.Fatalf("%s did not start:\n%s", n.Name, n.Output())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Kill kills the node's process at once (SIGKILL), as a crash would.
func (n *Node) Kill(tb testing.TB) {
	n.signal(syscall.SIGKILL)
}

// Stop asks the node to drain (SIGTERM) and waits for it to exit.
func (n *Node) Stop(tb testing.TB) {
	n.signal(syscall.SIGTERM)
}

func (n *Node) signal(sig os.Signal) {
	n.mu.Lock()
	cmd, done := n.cmd, n.done
	n.mu.Unlock()
	if cmd == nil {
		return
	}
	select {
	case <-done:
		return
	default:
	}
	cmd.Process.Signal(sig)
	<-done
}

// Exited reports whether the node's process has exited.
func (n *Node) Exited() bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	select {
	case <-n.done:
		return true
	default:
		return false
	}
}

// Output returns what the node printed since it last started.
func (n *Node) Output() string {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.out == nil {
		return ""
	}
	return n.out.String()
}

// Get requests path of project on the node's public listener.
func (n *Node) Get(tb testing.TB, project, path string) (*http.Response, string) {
	tb.Helper()
	req, _ := http.NewRequest("GET", n.Public+path, nil)
	req.Host = project + "." + BaseDomain
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatalf("GET %s on %s: %v", path, n.Name, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// AdminCall calls the node's admin API with the cluster's token and
// returns the status and body.
func (n *Node) AdminCall(tb testing.TB, method, path string, body io.Reader) (int, string) {
	tb.Helper()
	req, _ := http.NewRequest(method, n.Admin+path, body)
	req.Header.Set("Authorization", "Bearer "+n.c.Token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatalf("%s %s on %s: %v", method, path, n.Name, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// CLI runs the wasmpages command with the cluster's token in its
// environment and returns what it printed and its exit code.
func (c *Cluster) CLI(tb testing.TB, args ...string) (string, int) {
	tb.Helper()
	return c.CLIEnv(tb, nil, args...)
}

// CLIEnv is CLI with env (NAME=value) added to the command's environment.
func (c *Cluster) CLIEnv(tb testing.TB, env []string, args ...string) (string, int) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, Binary(tb), args...)
	cmd.Env = append(append(os.Environ(), "WASMPAGES_TOKEN="+c.Token), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		tb.Fatal(err)
	}
	return out.String(), code
}

// WaitMembers waits until every running node lists want live members.
func (c *Cluster) WaitMembers(tb testing.TB, want int) {
	tb.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for _, n := range c.Nodes {
		if n.Exited() {
			continue
		}
		for {
			var st struct {
				Nodes []json.RawMessage `json:"nodes"`
			}
			code, body := n.AdminCall(tb, "GET", "/v1/status", nil)
			if code == 200 && json.Unmarshal([]byte(body), &st) == nil && len(st.Nodes) == want {
				break
			}
			if time.Now().After(deadline) {
				tb.Fatalf("%s does not see %d nodes: %d %s", n.Name, want, code, body)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
}

// Eventually polls cond until it holds or timeout passes.
func Eventually(tb testing.TB, timeout time.Duration, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func freePorts(tb testing.TB, n int) []int {
	var lns []net.Listener
	var ports []int
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			tb.Fatal(err)
		}
		lns = append(lns, ln)
		ports = append(ports, ln.Addr().(*net.TCPAddr).Port)
	}
	for _, ln := range lns {
		ln.Close()
	}
	return ports
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
