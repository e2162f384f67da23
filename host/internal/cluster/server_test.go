package cluster

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
)

func TestDerivedCredentialsAreDistinct(t *testing.T) {
	a, b := []byte("secret a"), []byte("secret b")
	creds := map[string]string{
		"route a":  routePassword(a),
		"client a": clientToken(a),
		"route b":  routePassword(b),
		"client b": clientToken(b),
	}
	seen := map[string]string{}
	for name, v := range creds {
		if len(v) != 64 {
			t.Errorf("%s: %q is not a hex SHA-256", name, v)
		}
		if other, ok := seen[v]; ok {
			t.Errorf("%s and %s derive the same credential", name, other)
		}
		seen[v] = name
		if strings.Contains(v, "secret") {
			t.Errorf("%s holds the secret in clear", name)
		}
	}
	if routePassword(a) != routePassword([]byte("secret a")) {
		t.Error("the derivation is not deterministic")
	}
}

func TestRouteURL(t *testing.T) {
	tests := []struct {
		in, want, wantErr string
	}{
		{in: "nats://10.0.0.2:6222", want: "nats://wasmpages-route:pw@10.0.0.2:6222"},
		{in: "nats-route://node2.internal:6222", want: "nats-route://wasmpages-route:pw@node2.internal:6222"},
		{in: "10.0.0.2:6222", want: "nats://wasmpages-route:pw@10.0.0.2:6222"},
		{in: "nats://old:creds@10.0.0.2:6222", want: "nats://wasmpages-route:pw@10.0.0.2:6222"},
		{in: "http://10.0.0.2:6222", wantErr: `scheme "http"`},
		{in: "nats://10.0.0.2", wantErr: "not a route URL"},
		{in: "", wantErr: "not a route URL"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			u, err := routeURL(tt.in, routeUser, "pw")
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got %v, %v; want an error containing %q", u, err, tt.wantErr)
				}
				return
			}
			if err != nil || u.String() != tt.want {
				t.Fatalf("got %v, %v; want %s", u, err, tt.want)
			}
		})
	}
}

// TestClientsNeedTheSecret connects to a node's embedded server as an
// outsider would.
func TestClientsNeedTheSecret(t *testing.T) {
	t.Parallel()
	c := start(t, Options{Node: "solo", Listen: "127.0.0.1:0", StoreDir: t.TempDir(), Secret: testSecret})
	tests := []struct {
		name string
		opts []nats.Option
		ok   bool
	}{
		{name: "no credentials"},
		{name: "a wrong token", opts: []nats.Option{nats.Token("guess")}},
		{name: "the secret itself as token", opts: []nats.Option{nats.Token(string(testSecret))}},
		{name: "the route password", opts: []nats.Option{nats.UserInfo(routeUser, routePassword(testSecret))}},
		{name: "the token derived from the secret", opts: []nats.Option{nats.Token(clientToken(testSecret))}, ok: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			nc, err := nats.Connect(c.ClientURL(), append(tt.opts, nats.MaxReconnects(0))...)
			if nc != nil {
				defer nc.Close()
			}
			if tt.ok && err != nil {
				t.Fatalf("refused: %v", err)
			}
			if !tt.ok && !errors.Is(err, nats.ErrAuthorization) {
				t.Fatalf("got %v, want an authorization violation", err)
			}
		})
	}
}

// TestWrongSecretIsRefused starts three nodes of which one has another
// secret: the two that share theirs form the control plane, the third is
// kept out.
func TestWrongSecretIsRefused(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	opts := clusterOptions(t, 3)
	opts[2].Secret = []byte("not the cluster's secret")
	var nodes []*Control
	opts[2].Timeout = time.Second // it only fails
	for i := range opts {
		opts[i].Replicas = 2
		nodes = append(nodes, start(t, opts[i]))
	}
	n1, n3 := nodes[0], nodes[2]
	ready(t, n1)
	for _, c := range nodes {
		heartbeat(t, c, Member{ClusterURL: "https://" + c.node + ".test"})
	}
	wantMembers(t, n1, "node1", "node2")
	if names := routeNames(t, n1.srv); slices.Contains(names, "node3") || !slices.Contains(names, "node2") {
		t.Errorf("node1's server routes to %v, want node2 and not node3", names)
	}
	if names := routeNames(t, n3.srv); len(names) != 0 {
		t.Errorf("node3's server routes to %v, want none", names)
	}
	// What the operator of node3 sees: its control plane is unreachable and
	// the error says to check the secret.
	_, err := returns(t, n3, func() (struct{}, error) { return struct{}{}, n3.Announce(ctx, Member{}) })
	wantUnavailable(t, err)
	if err != nil && !strings.Contains(err.Error(), "same cluster secret") {
		t.Errorf("error %q does not mention the secret", err)
	}
}

// wantMembers waits until c lists the members named want.
func wantMembers(t *testing.T, c *Control, want ...string) {
	t.Helper()
	eventually(t, 20*time.Second, func() error {
		ms, err := c.Members(context.Background())
		if err != nil {
			return err
		}
		if got := nodeNames(ms); !slices.Equal(got, want) {
			return fmt.Errorf("%s lists members %v, want %v", c.node, got, want)
		}
		return nil
	})
}

// routeNames returns the names of the servers s has routes to.
func routeNames(t *testing.T, s *server.Server) []string {
	t.Helper()
	rz, err := s.Routez(&server.RoutezOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range rz.Routes {
		if !slices.Contains(names, r.RemoteName) {
			names = append(names, r.RemoteName)
		}
	}
	return names
}

func TestStartFailsOnAPortInUse(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	_, err = Start(context.Background(), Options{Node: "n", Listen: l.Addr().String(), StoreDir: t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), "starting the embedded NATS server") || !strings.Contains(err.Error(), l.Addr().String()) {
		t.Fatalf("got %v, want an error naming the listen address", err)
	}
}
