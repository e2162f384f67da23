package host_test

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wasmpages/wasmpages/internal/clustertest"
)

// TestNodeTLSAndDrain runs a one-node cluster whose public listener serves
// HTTPS, then stops it with SIGTERM while a request is in flight: the
// request finishes, then the node exits.
func TestNodeTLSAndDrain(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a node")
	}
	cert, key, pool := selfSigned(t, "*."+clustertest.BaseDomain)
	c := clustertest.StartWith(t, clustertest.Options{TLSCert: cert, TLSKey: key}, "solo")
	n := c.Node("solo")
	deploy(t, c, n, siteProject(t, "v1", ""))

	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, ServerName: "site." + clustertest.BaseDomain}}}
	get := func(path string) (*http.Response, string, error) {
		req, _ := http.NewRequest("GET", n.Public+path, nil)
		req.Host = "site." + clustertest.BaseDomain
		resp, err := client.Do(req)
		if err != nil {
			return nil, "", err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		return resp, string(b), err
	}
	resp, body, err := get("/api/echo")
	if err != nil || resp.StatusCode != 200 || !strings.Contains(body, `"url":"https://site.`) || resp.TLS == nil {
		t.Fatalf("over TLS: %v %v %s", err, resp, body)
	}
	// Plain HTTP on the TLS port is not served.
	if r, err := http.Get(strings.Replace(n.Public, "https://", "http://", 1) + "/"); err == nil && r.StatusCode == 200 {
		t.Error("plain HTTP answered on the TLS listener")
	}

	slow := make(chan error, 1)
	go func() {
		resp, body, err := get("/api/echo?sleep=1500")
		if err == nil && (resp.StatusCode != 200 || !strings.Contains(body, `"version":"v1"`)) {
			err = &statusError{resp.StatusCode, body}
		}
		slow <- err
	}()
	time.Sleep(500 * time.Millisecond) // the request is in the function
	start := time.Now()
	n.Stop(t)
	if err := <-slow; err != nil {
		t.Errorf("the request in flight during the drain: %v", err)
	}
	if took := time.Since(start); took < 500*time.Millisecond {
		t.Errorf("the node exited %s after SIGTERM, before its request finished", took)
	}
	if !strings.Contains(n.Output(), "draining") {
		t.Errorf("no drain in the output:\n%s", n.Output())
	}
	addr := strings.TrimPrefix(n.Public, "https://")
	if conn, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		conn.Close()
		t.Error("the public listener still accepts after the node exited")
	}
}

// TestRoutesOverTLS runs three nodes whose NATS routes are under TLS: each
// route listener requires TLS, the nodes form the control plane (each
// lists the three members) and a deploy reaches every one.
func TestRoutesOverTLS(t *testing.T) {
	if testing.Short() {
		t.Skip("starts nodes")
	}
	cert, key, ca := routeCerts(t)
	c := clustertest.StartWith(t, clustertest.Options{RouteCert: cert, RouteKey: key, RouteCA: ca}, "us-east", "eu-west", "ap-south")
	pair, err := tls.LoadX509KeyPair(cert, key)
	if err != nil {
		t.Fatal(err)
	}
	caPEM, err := os.ReadFile(ca)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(caPEM)
	for _, n := range c.Nodes {
		// The route listener starts with the TLS handshake: in clear it
		// says nothing; under TLS, with a certificate of the authority,
		// it greets with an INFO that requires and verifies TLS.
		plain, err := net.DialTimeout("tcp", n.Route, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		plain.SetReadDeadline(time.Now().Add(time.Second))
		if line, _ := bufio.NewReader(plain).ReadString('\n'); line != "" {
			t.Errorf("%s's route listener answers in clear: %q", n.Name, line)
		}
		plain.Close()
		conn, err := tls.DialWithDialer(&net.Dialer{Timeout: 5 * time.Second}, "tcp", n.Route,
			&tls.Config{Certificates: []tls.Certificate{pair}, RootCAs: pool, ServerName: "127.0.0.1"})
		if err != nil {
			t.Fatalf("%s's route listener over TLS: %v", n.Name, err)
		}
		conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		info, _ := bufio.NewReader(conn).ReadString('\n')
		conn.Close()
		if !strings.Contains(info, `"tls_required":true`) || !strings.Contains(info, `"tls_verify":true`) {
			t.Errorf("%s's route listener INFO: %q", n.Name, info)
		}
	}
	deploy(t, c, c.Node("eu-west"), siteProject(t, "tls-routes", ""))
	waitServing(t, c, "tls-routes")
}

// routeCerts writes an authority and a certificate it signed for
// 127.0.0.1, for servers and clients, and returns their files.
func routeCerts(t *testing.T) (certFile, keyFile, caFile string) {
	t.Helper()
	ca, caKey, caDER := issue(t, &x509.Certificate{
		Subject: pkix.Name{CommonName: "routes CA"}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign,
	}, nil, nil)
	_, key, der := issue(t, &x509.Certificate{
		Subject: pkix.Name{CommonName: "node"}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
	}, ca, caKey)
	dir := t.TempDir()
	certFile, keyFile, caFile = filepath.Join(dir, "nats.crt"), filepath.Join(dir, "nats.key"), filepath.Join(dir, "ca.crt")
	writePEM(t, certFile, "CERTIFICATE", der)
	writePEM(t, keyFile, "EC PRIVATE KEY", marshalKey(t, key))
	writePEM(t, caFile, "CERTIFICATE", caDER)
	return certFile, keyFile, caFile
}

// issue makes a certificate from tmpl, valid for an hour around now, with
// a new key, signed by parent's key (self-signed when parent is nil).
func issue(t *testing.T, tmpl, parent *x509.Certificate, parentKey *ecdsa.PrivateKey) (*x509.Certificate, *ecdsa.PrivateKey, []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	serial, _ := rand.Int(rand.Reader, big.NewInt(1<<62))
	tmpl.SerialNumber, tmpl.NotBefore, tmpl.NotAfter = serial, time.Now().Add(-time.Hour), time.Now().Add(time.Hour)
	if parent == nil {
		parent, parentKey = tmpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, parentKey)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return cert, key, der
}

func marshalKey(t *testing.T, key *ecdsa.PrivateKey) []byte {
	t.Helper()
	b, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func writePEM(t *testing.T, file, kind string, der []byte) {
	t.Helper()
	if err := os.WriteFile(file, pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestStatusAfterRestart: a node that restarts still names, in status,
// the nodes it saw before that are down now.
func TestStatusAfterRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("starts nodes")
	}
	c := clustertest.Start(t, "us-east", "eu-west", "ap-south")
	us, ap := c.Node("us-east"), c.Node("ap-south")
	ap.Kill(t)
	us.Stop(t)
	us.Start(t)
	clustertest.Eventually(t, 60*time.Second, "us-east naming ap-south as down after its restart", func() bool {
		out, code := c.CLI(t, "status", "--to", us.Admin)
		for _, line := range strings.Split(out, "\n") {
			if code == 0 && strings.Contains(line, ap.Name) && strings.Contains(line, "DOWN: not seen for") {
				return true
			}
		}
		return false
	})
}

type statusError struct {
	status int
	body   string
}

func (e *statusError) Error() string { return http.StatusText(e.status) + ": " + e.body }

// selfSigned writes a self-signed certificate for host and 127.0.0.1 and
// returns its files and a pool that trusts it.
func selfSigned(t *testing.T, host string) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	cert, key, der := issue(t, &x509.Certificate{
		Subject: pkix.Name{CommonName: host}, DNSNames: []string{host}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}, nil, nil)
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "tls.crt"), filepath.Join(dir, "tls.key")
	writePEM(t, certFile, "CERTIFICATE", der)
	writePEM(t, keyFile, "EC PRIVATE KEY", marshalKey(t, key))
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}
