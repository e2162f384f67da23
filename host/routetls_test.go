package host

import (
	"strings"
	"testing"

	"github.com/wasmpages/wasmpages/host/internal/config"
)

// The [nats] TLS files load as the README's openssl commands make them
// (testdata/routetls was made with those commands); a wrong file is named.
func TestRouteTLSFiles(t *testing.T) {
	dir := "testdata/routetls/"
	good := config.NATS{TLSCert: dir + "nats.crt", TLSKey: dir + "nats.key", TLSCA: dir + "nats-ca.crt"}
	c, err := routeTLS(good)
	if err != nil || len(c.Certificates) != 1 || c.RootCAs == nil {
		t.Fatalf("routeTLS: %v, %v", c, err)
	}
	if c, err := routeTLS(config.NATS{}); c != nil || err != nil {
		t.Errorf("no TLS files: %v, %v", c, err)
	}
	for _, tt := range []struct {
		c    config.NATS
		want string
	}{
		{config.NATS{TLSCert: good.TLSCert, TLSKey: good.TLSCA, TLSCA: good.TLSCA}, "nats.tls_key " + dir + "nats-ca.crt"},
		{config.NATS{TLSCert: good.TLSCert, TLSKey: good.TLSKey, TLSCA: dir + "nats.key"}, "no PEM certificate in"},
		{config.NATS{TLSCert: good.TLSCert, TLSKey: good.TLSKey, TLSCA: dir + "missing.crt"}, "nats.tls_ca"},
	} {
		if _, err := routeTLS(tt.c); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("routeTLS(%+v) = %v, want an error with %q", tt.c, err, tt.want)
		}
	}
}
