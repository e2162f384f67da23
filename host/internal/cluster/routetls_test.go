package cluster

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"slices"
	"testing"
	"time"
)

// TestRoutesOverTLS: with route TLS, the servers cluster over verified TLS
// routes, and a server whose certificate another authority signed (though
// it trusts ours, so only our side's check of its certificate refuses it),
// or that speaks plain routes, is refused even with the right cluster
// secret.
func TestRoutesOverTLS(t *testing.T) {
	t.Parallel()
	ours, theirs := newTestCA(t), newTestCA(t)
	trustingOurs := theirs.routeTLS(t)
	trustingOurs.RootCAs = ours.pool
	for _, tt := range []struct {
		name  string
		third *tls.Config
	}{
		{"another authority", trustingOurs},
		{"plain routes", nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			opts := clusterOptions(t, 3)
			var nodes []*Control
			for i := range opts {
				opts[i].Replicas = 2
				opts[i].RouteTLS = ours.routeTLS(t)
				if i == 2 {
					opts[i].RouteTLS, opts[i].Timeout = tt.third, time.Second
				}
				nodes = append(nodes, start(t, opts[i]))
			}
			n1 := nodes[0]
			ready(t, n1)
			for _, c := range nodes[:2] {
				heartbeat(t, c, Member{ClusterURL: "https://" + c.node + ".test"})
			}
			wantMembers(t, nodes[1], "node1", "node2")
			if names := routeNames(t, n1.srv); slices.Contains(names, "node3") || !slices.Contains(names, "node2") {
				t.Errorf("node1's server routes to %v, want node2 and not node3", names)
			}
		})
	}
}

// testCA is a certificate authority for tests.
type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pool *x509.CertPool
}

func newTestCA(t *testing.T) *testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &testCA{cert: cert, key: key, pool: pool}
}

// routeTLS returns route TLS settings with a new certificate for 127.0.0.1
// signed by ca, for both server and client use.
func (ca *testCA) routeTLS(t *testing.T) *tls.Config {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	serial, _ := rand.Int(rand.Reader, big.NewInt(1<<62))
	tmpl := &x509.Certificate{
		SerialNumber: serial, Subject: pkix.Name{CommonName: "node"},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore:   time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	return &tls.Config{
		Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}},
		RootCAs:      ca.pool,
	}
}
