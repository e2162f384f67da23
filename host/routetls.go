package host

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"

	"github.com/wasmpages/wasmpages/host/internal/config"
)

// routeTLS loads node.toml's [nats] TLS files, or returns nil when they
// are not set.
func routeTLS(c config.NATS) (*tls.Config, error) {
	if c.TLSCert == "" {
		return nil, nil
	}
	cert, err := tls.LoadX509KeyPair(c.TLSCert, c.TLSKey)
	if err != nil {
		return nil, fmt.Errorf("nats.tls_cert %s, nats.tls_key %s: %w", c.TLSCert, c.TLSKey, err)
	}
	pem, err := os.ReadFile(c.TLSCA)
	if err != nil {
		return nil, fmt.Errorf("nats.tls_ca: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("nats.tls_ca %s: no PEM certificate in it", c.TLSCA)
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}, RootCAs: pool}, nil
}
