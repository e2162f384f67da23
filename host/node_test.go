package host_test

import (
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

type statusError struct {
	status int
	body   string
}

func (e *statusError) Error() string { return http.StatusText(e.status) + ": " + e.body }

// selfSigned writes a self-signed certificate for host and 127.0.0.1 and
// returns its files and a pool that trusts it.
func selfSigned(t *testing.T, host string) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: host},
		DNSNames: []string{host}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, _ := x509.MarshalECPrivateKey(key)
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "tls.crt"), filepath.Join(dir, "tls.key")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600)
	c, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(c)
	return certFile, keyFile, pool
}
