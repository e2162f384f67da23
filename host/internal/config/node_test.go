package config

import (
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// nodeHead is the smallest valid node.toml; it takes lines 1 to 6 and
// leaves the document at the top level, so that a test can append
// top-level keys, dotted keys or tables.
const nodeHead = `region = "us-east"
data_dir = "/var/lib/wasmpages"
base_domain = "pages.example.com"
cluster.url = "http://10.0.1.5:7443"
cluster.secret_file = "/etc/wasmpages/cluster.secret"
admin.token_file = "/etc/wasmpages/admin.token"
`

// fixedHost is a host name function for parseNode.
func fixedHost(name string) func() (string, error) {
	return func() (string, error) { return name, nil }
}

// edit returns doc with old replaced by new, failing if old is not in it.
func edit(t *testing.T, doc, old, new string) string {
	t.Helper()
	if !strings.Contains(doc, old) {
		t.Fatalf("%q is not in the document", old)
	}
	return strings.Replace(doc, old, new, 1)
}

// nodeErrors parses doc as node.toml on a host named "web-1" and returns
// its error's lines, or nil.
func nodeErrors(t *testing.T, doc string) []string {
	t.Helper()
	n, err := parseNode("node.toml", []byte(doc), fixedHost("web-1"))
	if err == nil {
		if n == nil {
			t.Fatal("ParseNode returned neither a node nor an error")
		}
		return nil
	}
	if n != nil {
		t.Fatal("ParseNode returned both a node and an error")
	}
	checkProblems(t, err)
	return strings.Split(err.Error(), "\n")
}

// mustParseNode parses doc as the file /etc/wasmpages/node.toml on a host
// named "web-1.example.internal".
func mustParseNode(t *testing.T, doc string) *Node {
	t.Helper()
	n, err := parseNode("/etc/wasmpages/node.toml", []byte(doc), fixedHost("Web-1.example.internal"))
	if err != nil {
		t.Fatalf("ParseNode: %v\n%s", err, doc)
	}
	return n
}

func TestParseNodeDefaults(t *testing.T) {
	n := mustParseNode(t, nodeHead)
	want := &Node{
		Region:       "us-east",
		Name:         "web-1",
		DataDir:      "/var/lib/wasmpages",
		BaseDomain:   "pages.example.com",
		DrainTimeout: 30 * time.Second,
		Public:       Public{Listen: ":8080"},
		Cluster: Cluster{
			Listen:     ":7443",
			URL:        "http://10.0.1.5:7443",
			SecretFile: "/etc/wasmpages/cluster.secret",
		},
		Admin: Admin{Listen: "127.0.0.1:7070", TokenFile: "/etc/wasmpages/admin.token"},
		NATS:  NATS{Listen: "127.0.0.1:4222", ClusterListen: ":6222"},
	}
	if !reflect.DeepEqual(n, want) {
		t.Errorf("ParseNode(minimal) =\n%+v\nwant\n%+v", n, want)
	}
}

func TestParseNodeValues(t *testing.T) {
	n := mustParseNode(t, `region = "eu-west"
name = "eu-west-2"
data_dir = "data/"
base_domain = "Pages.Example.COM"
drain_timeout = "2m30s"

[public]
listen = "10.0.2.6:443"
tls_cert = "tls/../tls.crt"
tls_key = "/etc/ssl/private/tls.key"

[cluster]
listen = "[::]:8443"
url = "https://node-2.eu-west.internal:8443"
secret_file = "./cluster.secret"
tls_cert = "cluster.crt"
tls_key = "cluster.key"

[admin]
listen = "127.0.0.1:443" # the same port as public, on another address
token_file = "../admin.token"

[nats]
listen = "[::1]:4223"
cluster_listen = "10.0.2.6:6223"
routes = ["nats://10.0.1.5:6222", "nats://[fd00::3]:6222"]
`)
	want := &Node{
		Region:       "eu-west",
		Name:         "eu-west-2",
		DataDir:      "/etc/wasmpages/data",
		BaseDomain:   "pages.example.com",
		DrainTimeout: 150 * time.Second,
		Public: Public{
			Listen:  "10.0.2.6:443",
			TLSCert: "/etc/wasmpages/tls.crt",
			TLSKey:  "/etc/ssl/private/tls.key",
		},
		Cluster: Cluster{
			Listen:     "[::]:8443",
			URL:        "https://node-2.eu-west.internal:8443",
			SecretFile: "/etc/wasmpages/cluster.secret",
			TLSCert:    "/etc/wasmpages/cluster.crt",
			TLSKey:     "/etc/wasmpages/cluster.key",
		},
		Admin: Admin{Listen: "127.0.0.1:443", TokenFile: "/etc/admin.token"},
		NATS: NATS{
			Listen:        "[::1]:4223",
			ClusterListen: "10.0.2.6:6223",
			Routes:        []string{"nats://10.0.1.5:6222", "nats://[fd00::3]:6222"},
		},
	}
	if !reflect.DeepEqual(n, want) {
		t.Errorf("ParseNode =\n%+v\nwant\n%+v", n, want)
	}
}

func TestParseNodeExternalNATS(t *testing.T) {
	n := mustParseNode(t, nodeHead+"nats.url = \"nats://user:pw@10.0.9.5, tls://nats.internal:4443\"\n")
	want := NATS{URL: "nats://user:pw@10.0.9.5, tls://nats.internal:4443"}
	if !reflect.DeepEqual(n.NATS, want) {
		t.Errorf("NATS = %+v, want %+v: no embedded server listens with an external URL", n.NATS, want)
	}
	// The embedded server's default ports are free for the other listeners.
	n = mustParseNode(t, nodeHead+"nats.url = \"nats://10.0.9.5:4222\"\npublic.listen = \":6222\"\n")
	if n.Public.Listen != ":6222" {
		t.Errorf("Public.Listen = %q, want \":6222\"", n.Public.Listen)
	}
}

func TestParseNodeRelativeToFile(t *testing.T) {
	n, err := parseNode("node.toml", []byte(edit(t, nodeHead, `"/var/lib/wasmpages"`, `"state"`)), fixedHost("h"))
	if err != nil {
		t.Fatal(err)
	}
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(wd, "state"); n.DataDir != want {
		t.Errorf("DataDir = %q, want %q (relative to the directory of node.toml)", n.DataDir, want)
	}
}

func TestParseNodeNameFromHost(t *testing.T) {
	tests := []struct {
		host string
		err  error
		want []string // problems, or nil when the name is "node-7"
	}{
		{host: "NODE-7"},
		{host: "node-7.us-east.example.com"},
		{host: "node_7.local", want: []string{
			`node.toml: name: required: the host name gives "node_7", which is not a DNS label, so set this node's name, such as name = "us-east-1"`,
		}},
		{err: errors.New("no host name"), want: []string{
			`node.toml: name: required: the host name is unknown, so set this node's name, such as name = "us-east-1"`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.host, func(t *testing.T) {
			n, err := parseNode("node.toml", []byte(nodeHead), func() (string, error) { return tt.host, tt.err })
			if tt.want == nil {
				if err != nil || n.Name != "node-7" {
					t.Fatalf("ParseNode = %+v, %v; want the name node-7", n, err)
				}
				return
			}
			if got := strings.Split(err.Error(), "\n"); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParseNode errors:\n got %q\nwant %q", got, tt.want)
			}
		})
	}
	// A name written in the file wins over the host name.
	n, err := parseNode("node.toml", []byte(nodeHead+"name = \"a\"\n"), func() (string, error) { return "", errors.New("no host name") })
	if err != nil || n.Name != "a" {
		t.Errorf("ParseNode = %+v, %v; want the name a", n, err)
	}
}

func TestParseNodeProblems(t *testing.T) {
	const (
		label = "use 1 to 63 lowercase letters, digits and hyphens, not starting or ending with a hyphen"
		url   = `cluster.url = "http://10.0.1.5:7443"`
	)
	tests := []struct {
		name string
		doc  string
		want []string
	}{
		// Required keys.
		{"empty file", "", []string{
			`node.toml: region: required: the region this node serves, such as region = "us-east"`,
			`node.toml: base_domain: required: the domain under which projects are served, such as base_domain = "pages.example.com"`,
			`node.toml: data_dir: required: the directory for deployments, compiled modules and JetStream storage, such as data_dir = "/var/lib/wasmpages"`,
			`node.toml: cluster.secret_file: required: the file that holds the secret every node shares, such as secret_file = "/etc/wasmpages/cluster.secret"`,
			`node.toml: admin.token_file: required: the file that holds the admin API's bearer token, such as token_file = "/etc/wasmpages/admin.token"`,
			`node.toml: cluster.url: required: how the other nodes reach this node's cluster listener, such as url = "http://10.0.1.5:7443"`,
		}},
		{"empty strings", "region = \"\"\nname = \"\"\n[cluster]\nurl = \"\"\n", []string{
			`node.toml: base_domain: required: the domain under which projects are served, such as base_domain = "pages.example.com"`,
			`node.toml: data_dir: required: the directory for deployments, compiled modules and JetStream storage, such as data_dir = "/var/lib/wasmpages"`,
			`node.toml: admin.token_file: required: the file that holds the admin API's bearer token, such as token_file = "/etc/wasmpages/admin.token"`,
			`node.toml:1: region: required: the region this node serves, such as region = "us-east"`,
			`node.toml:2: name: must not be empty: leave it out to use the host name, or set one such as name = "us-east-1"`,
			`node.toml:3: cluster.secret_file: required: the file that holds the secret every node shares, such as secret_file = "/etc/wasmpages/cluster.secret"`,
			`node.toml:4: cluster.url: required: how the other nodes reach this node's cluster listener, such as url = "http://10.0.1.5:7443"`,
		}},

		// Names and domains.
		{"region with capitals", edit(t, nodeHead, `"us-east"`, `"US_East"`), []string{
			`node.toml:1: region: "US_East" is not a valid region: ` + label,
		}},
		{"name ending with a hyphen", nodeHead + "name = \"node-\"\n", []string{
			`node.toml:7: name: "node-" is not a valid name: ` + label,
		}},
		{"name with a dot", nodeHead + "name = \"node.1\"\n", []string{
			`node.toml:7: name: "node.1" is not a valid name: ` + label,
		}},
		{"base domain with an empty label", edit(t, nodeHead, `"pages.example.com"`, `"pages..example.com"`), []string{
			`node.toml:3: base_domain: "pages..example.com" is not a domain name such as "pages.example.com"`,
		}},
		{"base domain with a port", edit(t, nodeHead, `"pages.example.com"`, `"pages.example.com:443"`), []string{
			`node.toml:3: base_domain: "pages.example.com:443" is not a domain name such as "pages.example.com"`,
		}},

		// Drain timeout.
		{"drain timeout zero", nodeHead + "drain_timeout = \"0s\"\n", []string{
			`node.toml:7: drain_timeout: must be more than zero`,
		}},
		{"drain timeout negative", nodeHead + "drain_timeout = \"-1s\"\n", []string{
			`node.toml:7: drain_timeout: must be more than zero`,
		}},
		{"drain timeout too long", nodeHead + "drain_timeout = \"10m1s\"\n", []string{
			`node.toml:7: drain_timeout: 10m1s is above the maximum of 10m0s`,
		}},
		{"drain timeout without unit", nodeHead + "drain_timeout = \"30\"\n", []string{
			`node.toml:7: drain_timeout: "30" has no unit: write "30s"`,
		}},
		{"drain timeout an integer", nodeHead + "drain_timeout = 30\n", []string{
			`node.toml:7: drain_timeout: must be a duration string such as "30s", not an integer (30)`,
		}},

		// Paths.
		{"home directory", edit(t, nodeHead, `"/var/lib/wasmpages"`, `"~/wasmpages"`), []string{
			`node.toml:2: data_dir: "~/wasmpages" starts with "~", which is not expanded: write the full path`,
		}},
		{"NUL in a path", edit(t, nodeHead, `"/etc/wasmpages/admin.token"`, `"a\u0000b"`), []string{
			`node.toml:6: admin.token_file: "a\x00b" contains a NUL byte`,
		}},

		// TLS pairs.
		{"public cert without key", nodeHead + "[public]\ntls_cert = \"tls.crt\"\n", []string{
			`node.toml:8: public.tls_cert: needs public.tls_key as well: set both or neither`,
		}},
		{"cluster key without cert", nodeHead + "cluster.tls_key = \"c.key\"\n", []string{
			`node.toml:7: cluster.tls_key: needs cluster.tls_cert as well: set both or neither`,
		}},
		{"cluster TLS with an http URL", nodeHead + "cluster.tls_cert = \"c.crt\"\ncluster.tls_key = \"c.key\"\n", []string{
			`node.toml:4: cluster.url: "http://10.0.1.5:7443" is http://, but the cluster listener serves HTTPS (cluster.tls_cert is set): use https://`,
		}},

		{"routes TLS without its authority", nodeHead + "nats.tls_cert = \"n.crt\"\nnats.tls_key = \"n.key\"\n", []string{
			`node.toml:7: nats.tls_ca: required with the other nats.tls_* keys: set tls_cert, tls_key and tls_ca, or none`,
		}},
		{"routes TLS with an external server", nodeHead + "[nats]\nurl = \"tls://10.0.9.5\"\ntls_cert = \"n.crt\"\ntls_key = \"n.key\"\ntls_ca = \"ca.crt\"\n", []string{
			`node.toml:9: nats.tls_cert: cannot be combined with nats.url: the TLS settings are for the embedded server's routes (use a tls:// URL for an external one)`,
		}},

		// Listen addresses.
		{"listen without a port", nodeHead + "[public]\nlisten = \"8080\"\n", []string{
			`node.toml:8: public.listen: "8080" is not host:port: write it such as ":8080" or "127.0.0.1:8080"`,
		}},
		{"listen on port 0", nodeHead + "[public]\nlisten = \":0\"\n", []string{
			`node.toml:8: public.listen: ":0" has an invalid port "0": use 1 to 65535`,
		}},
		{"listen on port 65536", nodeHead + "[public]\nlisten = \":65536\"\n", []string{
			`node.toml:8: public.listen: ":65536" has an invalid port "65536": use 1 to 65535`,
		}},
		{"listen on a named port", nodeHead + "[nats]\nlisten = \"127.0.0.1:nats\"\n", []string{
			`node.toml:8: nats.listen: "127.0.0.1:nats" has an invalid port "nats": use 1 to 65535`,
		}},
		{"listen on a bad host", nodeHead + "[nats]\ncluster_listen = \"bad_host:6222\"\n", []string{
			`node.toml:8: nats.cluster_listen: "bad_host:6222" does not start with a hostname or IP address`,
		}},
		{"listen an integer", nodeHead + "[public]\nlisten = 8080\n", []string{
			`node.toml:8: public.listen: must be a string, not an integer (8080)`,
		}},
		{"port of a default", nodeHead + "[public]\nlisten = \":7070\"\n", []string{
			`node.toml:8: public.listen: ":7070" takes the port of admin.listen's default ("127.0.0.1:7070"): give each listener its own port`,
		}},
		{"two written on one host", nodeHead + "[public]\nlisten = \"127.0.0.1:9000\"\n[nats]\nlisten = \"localhost:9000\"\ncluster_listen = \"LOCALHOST:9000\"\n", []string{
			`node.toml:11: nats.cluster_listen: "LOCALHOST:9000" takes the port of nats.listen ("localhost:9000"): give each listener its own port`,
		}},
		{"every interface", nodeHead + "[public]\nlisten = \"10.0.1.5:6222\"\n", []string{
			`node.toml:8: public.listen: "10.0.1.5:6222" takes the port of nats.cluster_listen's default (":6222"): give each listener its own port`,
		}},
		{"one IPv6 address written two ways", nodeHead + "[public]\nlisten = \"[::1]:9000\"\n[nats]\nlisten = \"[0:0::1]:9000\"\n", []string{
			`node.toml:10: nats.listen: "[0:0::1]:9000" takes the port of public.listen ("[::1]:9000"): give each listener its own port`,
		}},

		// The cluster URL.
		{"cluster URL without scheme", edit(t, nodeHead, url, `cluster.url = "10.0.1.5:7443"`), []string{
			`node.toml:4: cluster.url: "10.0.1.5:7443" must start with http:// or https://, such as "http://10.0.1.5:7443"`,
		}},
		{"cluster URL of another scheme", edit(t, nodeHead, url, `cluster.url = "nats://10.0.1.5:7443"`), []string{
			`node.toml:4: cluster.url: "nats://10.0.1.5:7443" must start with http:// or https://, such as "http://10.0.1.5:7443"`,
		}},
		{"cluster URL without port", edit(t, nodeHead, url, `cluster.url = "https://node-1.internal"`), []string{
			`node.toml:4: cluster.url: "https://node-1.internal" has no port: write it such as "http://10.0.1.5:7443"`,
		}},
		{"cluster URL with a path", edit(t, nodeHead, url, `cluster.url = "http://10.0.1.5:7443/forward?x#y"`), []string{
			`node.toml:4: cluster.url: "http://10.0.1.5:7443/forward?x#y" must not have a path, query or fragment: write "http://10.0.1.5:7443"`,
		}},
		{"cluster URL with a slash", edit(t, nodeHead, url, `cluster.url = "http://10.0.1.5:7443/"`), []string{
			`node.toml:4: cluster.url: "http://10.0.1.5:7443/" must not have a path, query or fragment: write "http://10.0.1.5:7443"`,
		}},
		{"cluster URL on every interface", edit(t, nodeHead, url, `cluster.url = "http://0.0.0.0:7443"`), []string{
			`node.toml:4: cluster.url: "http://0.0.0.0:7443" names no host that can be reached: use the host's own address`,
		}},
		{"cluster URL without host", edit(t, nodeHead, url, `cluster.url = "http://:7443"`), []string{
			`node.toml:4: cluster.url: "http://:7443" has no host: write it such as "http://10.0.1.5:7443"`,
		}},
		{"cluster URL with a password", edit(t, nodeHead, url, `cluster.url = "http://a:b@10.0.1.5:7443"`), []string{
			`node.toml:4: cluster.url: "http://a:b@10.0.1.5:7443" must not hold a user name or password`,
		}},
		{"cluster URL with a bad port", edit(t, nodeHead, url, `cluster.url = "http://10.0.1.5:70000"`), []string{
			`node.toml:4: cluster.url: "http://10.0.1.5:70000" has an invalid port "70000": use 1 to 65535`,
		}},
		{"cluster URL with a bad host", edit(t, nodeHead, url, `cluster.url = "http://node_1:7443"`), []string{
			`node.toml:4: cluster.url: "http://node_1:7443" has an invalid host "node_1"`,
		}},

		// NATS.
		{"route without scheme", nodeHead + "[nats]\nroutes = [\n  \"nats://10.0.2.5:6222\",\n  \"10.0.3.5:6222\",\n]\n", []string{
			`node.toml:8: nats.routes: "10.0.3.5:6222" must start with nats://, such as "nats://10.0.2.5:6222"`,
		}},
		{"route without port", nodeHead + "nats.routes = [\"nats://10.0.2.5\"]\n", []string{
			`node.toml:7: nats.routes: "nats://10.0.2.5" has no port: write it such as "nats://10.0.2.5:6222"`,
		}},
		{"route over TLS", nodeHead + "nats.routes = [\"tls://10.0.2.5:6222\"]\n", []string{
			`node.toml:7: nats.routes: "tls://10.0.2.5:6222" must start with nats://, such as "nats://10.0.2.5:6222"`,
		}},
		{"route with a password", nodeHead + "nats.routes = [\"nats://a:b@10.0.2.5:6222\"]\n", []string{
			`node.toml:7: nats.routes: "nats://a:b@10.0.2.5:6222" must not hold a user name or password`,
		}},
		{"route listed twice", nodeHead + "nats.routes = [\"nats://10.0.2.5:6222\", \"nats://10.0.2.5:6222\"]\n", []string{
			`node.toml:7: nats.routes: "nats://10.0.2.5:6222" is listed twice`,
		}},
		{"routes a string", nodeHead + "nats.routes = \"nats://10.0.2.5:6222\"\n", []string{
			`node.toml:7: nats.routes: must be an array of strings, not a string ("nats://10.0.2.5:6222")`,
		}},
		{"external URL of another scheme", nodeHead + "nats.url = \"http://10.0.9.5:4222\"\n", []string{
			`node.toml:7: nats.url: "http://10.0.9.5:4222" must start with nats:// or tls://, such as "nats://10.0.9.5:4222"`,
		}},
		{"external URL list with a bad one", nodeHead + "nats.url = \"nats://10.0.9.5:4222,nats://10.0.9.6:0\"\n", []string{
			`node.toml:7: nats.url: "nats://10.0.9.6:0" has an invalid port "0": use 1 to 65535`,
		}},
		{"external URL with the embedded server's keys", nodeHead + "[nats]\nurl = \"nats://10.0.9.5\"\nlisten = \"127.0.0.1:4222\"\ncluster_listen = \":6222\"\nroutes = []\n", []string{
			`node.toml:9: nats.listen: cannot be combined with nats.url: the embedded NATS server does not run when an external one is used`,
			`node.toml:10: nats.cluster_listen: cannot be combined with nats.url: the embedded NATS server does not run when an external one is used`,
			`node.toml:11: nats.routes: cannot be combined with nats.url: the embedded NATS server does not run when an external one is used`,
		}},

		// Unknown keys.
		{"misspelt key", nodeHead + "regoin = \"us-west\"\n", []string{
			`node.toml:7: regoin: unknown key: did you mean region?`,
		}},
		{"misspelt key in a table", nodeHead + "[nats]\nroute = [\"nats://10.0.2.5:6222\"]\n", []string{
			`node.toml:8: nats.route: unknown key: did you mean nats.routes?`,
		}},
		{"key in the wrong case", nodeHead + "Drain_Timeout = \"1s\"\n", []string{
			`node.toml:7: Drain_Timeout: unknown key: keys are case-sensitive, did you mean drain_timeout?`,
		}},
		{"key of a table at the top level", nodeHead + "token_file = \"t\"\n", []string{
			`node.toml:7: token_file: unknown key: did you mean admin.token_file?`,
		}},
		{"top-level key in a table", nodeHead + "[nats]\nroutes = []\ndrain_timeout = \"1m\"\n", []string{
			`node.toml:9: nats.drain_timeout: unknown key: drain_timeout is a top-level key: move it above the first [table]`,
		}},
		{"unknown table", nodeHead + "[metrics]\nlisten = \":9090\"\n", []string{
			`node.toml:7: metrics: unknown key`,
		}},
		{"a table as a string", nodeHead + "public = \":443\"\n", []string{
			`node.toml:7: public: must be a table, not a string (":443")`,
		}},

		// Everything at once, in line order, without follow-on problems.
		{"several problems", "regoin = \"us-east\"\ndata_dir = \"~/data\"\nbase_domain = \"example.com\"\ndrain_timeout = 5\n" +
			"[public]\nlisten = \":7443\"\ntls_key = \"k\"\n[cluster]\nurl = \"http://10.0.1.5\"\nsecret_file = \"s\"\n" +
			"[admin]\ntoken_file = \"t\"\n[nats]\nroutes = [\"10.0.2.5:6222\"]\n", []string{
			`node.toml: region: required: the region this node serves, such as region = "us-east"`,
			`node.toml:1: regoin: unknown key: did you mean region?`,
			`node.toml:2: data_dir: "~/data" starts with "~", which is not expanded: write the full path`,
			`node.toml:4: drain_timeout: must be a duration string such as "30s", not an integer (5)`,
			`node.toml:6: public.listen: ":7443" takes the port of cluster.listen's default (":7443"): give each listener its own port`,
			`node.toml:7: public.tls_key: needs public.tls_cert as well: set both or neither`,
			`node.toml:9: cluster.url: "http://10.0.1.5" has no port: write it such as "http://10.0.1.5:7443"`,
			`node.toml:14: nats.routes: "10.0.2.5:6222" must start with nats://, such as "nats://10.0.2.5:6222"`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := nodeErrors(t, tt.doc)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParseNode errors:\n got %q\nwant %q\ndocument:\n%s", got, tt.want, tt.doc)
			}
		})
	}
}

func TestParseNodeValidAddresses(t *testing.T) {
	for _, doc := range []string{
		"[public]\nlisten = \"10.0.1.5:7070\"\n", // another host than admin's 127.0.0.1
		"[public]\nlisten = \"localhost:65535\"\n",
		"[public]\nlisten = \"[fd00::1]:1\"\n",
		"cluster.url = \"https://node-1.us-east.internal:1\"\n",
		"nats.routes = [\"nats://node-2:6222\", \"nats://[fd00::2]:6222\"]\n",
		"nats.url = \"tls://u:p@nats.internal\"\n",
	} {
		base := nodeHead
		if strings.HasPrefix(doc, "cluster.url") {
			base = strings.Replace(base, "cluster.url = \"http://10.0.1.5:7443\"\n", "", 1)
		}
		if _, err := parseNode("node.toml", []byte(base+doc), fixedHost("h")); err != nil {
			t.Errorf("ParseNode(%q): %v", doc, err)
		}
	}
}

func TestLoadNode(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "node.toml")
	_, err := LoadNode(path)
	if want := "no such file: " + path + ": give the path of a node.toml, see examples/cluster"; err == nil || err.Error() != want {
		t.Fatalf("LoadNode(missing) = %v, want %q", err, want)
	}

	doc := edit(t, nodeHead, `"/etc/wasmpages/cluster.secret"`, `"secrets/cluster.secret"`)
	if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	n, err := LoadNode(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, "secrets", "cluster.secret"); n.Cluster.SecretFile != want {
		t.Errorf("Cluster.SecretFile = %q, want %q", n.Cluster.SecretFile, want)
	}

	if err := os.WriteFile(path, []byte(nodeHead+"region = 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadNode(path); err == nil || !strings.HasPrefix(err.Error(), path+":7:1: invalid TOML: ") {
		t.Errorf("LoadNode(key twice) = %v, want a syntax error at %s:7", err, path)
	}

	if _, err := LoadNode(dir); err == nil || !strings.HasPrefix(err.Error(), "reading node configuration: ") {
		t.Errorf("LoadNode(a directory) = %v", err)
	}
}

// TestNodeFieldsDocumentTheirDefault checks that the doc comment of every
// field of node.toml's structs says what its default is, or that it is
// required.
func TestNodeFieldsDocumentTheirDefault(t *testing.T) {
	structs := map[string]bool{"Node": true, "Public": true, "Cluster": true, "Admin": true, "NATS": true}
	f, err := parser.ParseFile(token.NewFileSet(), "node.go", nil, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		ts, ok := n.(*ast.TypeSpec)
		if !ok || !structs[ts.Name.Name] {
			return true
		}
		seen[ts.Name.Name] = true
		for _, field := range ts.Type.(*ast.StructType).Fields.List {
			doc := field.Doc.Text()
			if !strings.Contains(doc, "Default:") && !strings.Contains(doc, "Required") {
				t.Errorf("%s.%s: doc comment states no default: %q", ts.Name.Name, field.Names[0].Name, doc)
			}
		}
		return false
	})
	for name := range structs {
		if !seen[name] {
			t.Errorf("struct %s not found", name)
		}
	}
}

// FuzzParseNode checks that ParseNode never panics, that every error it
// returns is made of Problems, that a Node it returns has absolute paths
// and a valid region and name, and that the line scanner agrees with the
// TOML parser.
func FuzzParseNode(f *testing.F) {
	for _, name := range exampleNodes {
		if data, err := os.ReadFile(filepath.Join(clusterExamples, name)); err == nil {
			f.Add(data)
		}
	}
	for _, seed := range []string{
		nodeHead,
		nodeHead + "nats.url = \"nats://a,tls://b:1, nats://u:p@[::1]:4222\"\n",
		nodeHead + "[public]\nlisten = \"[::]:0\"\ntls_cert = \"~/x\"\n[nats]\nroutes = [\"nats://x\", \"nats://x\", 1]\n",
		nodeHead + "drain_timeout = \"1h\"\nname = \"\"\npublic = { listen = \":7070\", x = 1 }\n",
		"region = \"a\"\ncluster = { url = \"http://[::1]:1/\" }\nadmin.listen = \"[fe80::1%eth0]:1\"\n",
		"[nats]\ndrain_timeout = 1\n[[public]]\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		n, err := parseNode("/etc/wasmpages/node.toml", data, fixedHost("fuzz-host"))
		if err != nil {
			if n != nil {
				t.Fatal("ParseNode returned both a node and an error")
			}
			checkProblems(t, err)
		} else {
			if !nameRE.MatchString(n.Region) || !nameRE.MatchString(n.Name) {
				t.Fatalf("region %q or name %q is not a DNS label", n.Region, n.Name)
			}
			for _, p := range n.paths() {
				if *p.ptr != "" && !filepath.IsAbs(*p.ptr) {
					t.Fatalf("%s = %q is not absolute", keyString(p.key), *p.ptr)
				}
			}
			if n.DataDir == "" || n.Cluster.URL == "" || n.DrainTimeout <= 0 {
				t.Fatalf("a required value is missing: %+v", n)
			}
		}
		checkLinesAgainstParser(t, string(data), scanKeyLines(string(data)))
	})
}
