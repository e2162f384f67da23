package config

import (
	"net"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// clusterExamples is examples/cluster at the repository root.
const clusterExamples = "../../../examples/cluster"

// exampleNodes are the node.toml files of examples/cluster, one per region.
var exampleNodes = []string{"us-east.toml", "eu-west.toml", "ap-south.toml"}

// TestClusterExamples parses the three nodes of examples/cluster and checks
// that they form one cluster: one node per region, each listing the other
// two as NATS routes at their cluster URL's host, with one secret and one
// base domain.
func TestClusterExamples(t *testing.T) {
	nodes := map[string]*Node{}
	for _, name := range exampleNodes {
		n, err := LoadNode(filepath.Join(clusterExamples, name))
		if err != nil {
			t.Fatalf("%s does not parse:\n%v", name, err)
		}
		if want := strings.TrimSuffix(name, ".toml"); n.Region != want {
			t.Errorf("%s: region = %q, want %q", name, n.Region, want)
		}
		nodes[n.Region] = n
	}
	first := nodes["us-east"]
	for region, n := range nodes {
		if n.Cluster.SecretFile != first.Cluster.SecretFile || n.BaseDomain != first.BaseDomain {
			t.Errorf("%s: secret file %q and base domain %q differ from us-east's", region, n.Cluster.SecretFile, n.BaseDomain)
		}
		if n.Public.TLSCert == "" || n.Public.Listen != ":443" {
			t.Errorf("%s: public listener %+v, want HTTPS on :443", region, n.Public)
		}
		var want []string
		for other, o := range nodes {
			if other == region {
				continue
			}
			u, err := url.Parse(o.Cluster.URL)
			if err != nil {
				t.Fatal(err)
			}
			_, port, _ := net.SplitHostPort(o.NATS.ClusterListen)
			want = append(want, "nats://"+net.JoinHostPort(u.Hostname(), port))
		}
		got := slices.Sorted(slices.Values(n.NATS.Routes))
		slices.Sort(want)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: nats.routes = %q, want the other nodes' %q", region, got, want)
		}
	}
}

// TestClusterExamplesDocumentEveryKey checks that each example shows every
// key of node.toml, set or commented out, in its table, and no key that
// node.toml lacks.
func TestClusterExamplesDocumentEveryKey(t *testing.T) {
	header := regexp.MustCompile(`^\[([a-z_]+)\]`)
	keyLine := regexp.MustCompile(`^#?\s*([a-z_]+)\s*=`)
	schema := map[string]bool{}
	for _, path := range schemaKeys(reflect.TypeFor[Node](), nil) {
		schema[strings.Join(path, ".")] = true
	}
	for _, name := range exampleNodes {
		data, err := os.ReadFile(filepath.Join(clusterExamples, name))
		if err != nil {
			t.Fatal(err)
		}
		documented := map[string]bool{}
		table := ""
		for _, line := range strings.Split(string(data), "\n") {
			if m := header.FindStringSubmatch(line); m != nil {
				table = m[1]
				documented[table] = true
			} else if m := keyLine.FindStringSubmatch(line); m != nil {
				key := m[1]
				if table != "" {
					key = table + "." + key
				}
				documented[key] = true
			}
		}
		for key := range schema {
			if !documented[key] {
				t.Errorf("%s does not document %s", name, key)
			}
		}
		for key := range documented {
			if !schema[key] {
				t.Errorf("%s documents %s, which is not a key", name, key)
			}
		}
	}
}
