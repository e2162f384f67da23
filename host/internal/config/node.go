package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"time"
)

// Node is a parsed, defaulted and validated node.toml: the configuration of
// one node of a cluster, which `wasmpages serve --config node.toml` runs.
// Its paths are absolute: the ones written relative in the file are
// resolved against the file's directory. A Node returned by ParseNode or
// LoadNode is not modified afterwards and may be read concurrently.
type Node struct {
	// Region is the region this node serves, such as "us-east": a DNS label
	// (1 to 63 lowercase letters, digits and hyphens, not starting or
	// ending with a hyphen). Placement decides per region, and requests are
	// forwarded to a node of the chosen region. Required.
	Region string `toml:"region"`

	// Name is this node's name, unique in the cluster, a DNS label like
	// Region. It names the node in membership, status and logs. Default:
	// the machine's host name up to its first dot, lowercased.
	Name string `toml:"name"`

	// DataDir is the directory where deployments, compiled modules and the
	// embedded NATS server's JetStream storage live, such as
	// "/var/lib/wasmpages". A relative path is relative to the directory of
	// node.toml. Required.
	DataDir string `toml:"data_dir"`

	// BaseDomain is the domain under which projects are served: project
	// <name> at <name>.<base_domain>, such as "pages.example.com". A
	// hostname; it is lowercased. Required.
	BaseDomain string `toml:"base_domain"`

	// DrainTimeout is how long the node, on SIGTERM, keeps serving the
	// requests in flight before it exits, a duration string such as "30s",
	// more than zero and at most 10m. Default: 30s.
	DrainTimeout time.Duration `toml:"drain_timeout"`

	// Public is the listener that users reach. Default: Public's own
	// defaults.
	Public Public `toml:"public"`

	// Cluster is the listener that receives the requests other nodes
	// forward. Required: its url and secret_file.
	Cluster Cluster `toml:"cluster"`

	// Admin is the listener of the admin API: deploys, rollbacks, status
	// and metrics. Required: its token_file.
	Admin Admin `toml:"admin"`

	// NATS is the control plane: the embedded NATS server, whose routes
	// join the other nodes' into one cluster, or an external NATS cluster.
	// Default: the embedded server alone, a single-node cluster.
	NATS NATS `toml:"nats"`
}

// Public is the listener that users reach.
type Public struct {
	// Listen is the listener's address, host:port; an empty host listens on
	// every interface. Default: ":8080".
	Listen string `toml:"listen"`

	// TLSCert is the PEM file of the certificate chain with which the
	// listener serves HTTPS; it needs TLSKey. A relative path is relative
	// to the directory of node.toml. Default: none, plain HTTP (for a node
	// behind a load balancer that terminates TLS).
	TLSCert string `toml:"tls_cert"`

	// TLSKey is the PEM file of TLSCert's private key; it needs TLSCert.
	// Default: none.
	TLSKey string `toml:"tls_key"`
}

// Cluster is the listener of node-to-node traffic: the requests that other
// nodes forward, signed with the cluster secret.
type Cluster struct {
	// Listen is the listener's address, host:port; an empty host listens on
	// every interface. Default: ":7443".
	Listen string `toml:"listen"`

	// URL is how the other nodes reach this listener: an http:// or
	// https:// URL with a host and a port and no path, such as
	// "http://10.0.1.5:7443", which nodes announce in the cluster's
	// membership. It is https:// when TLSCert is set. Required.
	URL string `toml:"url"`

	// SecretFile is the file that holds the secret every node of the
	// cluster shares (see ReadSecret): it signs forwarded requests and
	// authenticates the routes between the embedded NATS servers. A
	// relative path is relative to the directory of node.toml. Required.
	SecretFile string `toml:"secret_file"`

	// TLSCert is the PEM file of the certificate chain with which the
	// listener serves HTTPS; it needs TLSKey. A relative path is relative
	// to the directory of node.toml. Default: none, plain HTTP (on a
	// private network; forwarded requests are signed either way).
	TLSCert string `toml:"tls_cert"`

	// TLSKey is the PEM file of TLSCert's private key; it needs TLSCert.
	// Default: none.
	TLSKey string `toml:"tls_key"`
}

// Admin is the listener of the admin API.
type Admin struct {
	// Listen is the listener's address, host:port. Default:
	// "127.0.0.1:7070", reachable from this machine only.
	Listen string `toml:"listen"`

	// TokenFile is the file that holds the admin API's bearer token (see
	// ReadSecret). A relative path is relative to the directory of
	// node.toml. Required.
	TokenFile string `toml:"token_file"`
}

// NATS says how the node reaches the control plane: through the NATS server
// embedded in it, whose routes join the other nodes' servers into one
// cluster, or through an external NATS cluster.
type NATS struct {
	// Listen is the embedded server's client address, host:port, to which
	// this node connects. Default: "127.0.0.1:4222"; none with URL.
	Listen string `toml:"listen"`

	// ClusterListen is the embedded server's route address, host:port, that
	// the other nodes' Routes name. Default: ":6222"; none with URL.
	ClusterListen string `toml:"cluster_listen"`

	// Routes are the other nodes' ClusterListen as nats:// URLs with a host
	// and a port, such as "nats://10.0.2.5:6222". Default: none, a
	// single-node cluster.
	Routes []string `toml:"routes"`

	// URL is an external NATS cluster to use instead of the embedded
	// server: a nats:// or tls:// URL (port 4222 when left out), or several
	// separated by commas. It cannot be combined with Listen, ClusterListen
	// or Routes written in the file. Default: none, the embedded server
	// runs.
	URL string `toml:"url"`

	// TLSCert puts the routes between the embedded servers under TLS,
	// verified both ways: it is the PEM certificate chain this server
	// presents, valid for the host its peers' routes name. It needs TLSKey
	// and TLSCA. A relative path is relative to the directory of
	// node.toml. Default: none, plain routes (authenticated with the
	// cluster secret; on a private network).
	TLSCert string `toml:"tls_cert"`

	// TLSKey is the PEM file of TLSCert's private key. Default: none.
	TLSKey string `toml:"tls_key"`

	// TLSCA is the PEM certificate of the authority that signed every
	// node's TLSCert: routes to or from a server whose certificate it did
	// not sign are refused. Default: none.
	TLSCA string `toml:"tls_ca"`
}

// Defaults of Node.
const (
	defaultPublicListen      = ":8080"
	defaultClusterListen     = ":7443"
	defaultAdminListen       = "127.0.0.1:7070"
	defaultNATSListen        = "127.0.0.1:4222"
	defaultNATSClusterListen = ":6222"
	defaultDrainTimeout      = 30 * time.Second
)

// nodeSchema is the schema of node.toml.
var nodeSchema = schema{root: reflect.TypeFor[Node]()}

// ParseNode parses, defaults and validates the contents of a node.toml.
// filename names the file in error messages, and the relative paths in the
// file are resolved against its directory. Every problem is reported at
// once: the error joins one *Problem per problem, each formatted as
// "filename:LINE: key.path: problem". ParseNode reads no other file: the
// secret and token files are read by ReadSecret.
func ParseNode(filename string, data []byte) (*Node, error) {
	return parseNode(filename, data, os.Hostname)
}

// parseNode is ParseNode with the function that gives the default name.
func parseNode(filename string, data []byte, hostname func() (string, error)) (*Node, error) {
	tree, md, err := decodeTOML(filename, data)
	if err != nil {
		return nil, err
	}
	lines := scanKeyLines(string(data))

	var probs, typeProbs problems
	nodeSchema.checkKeys(md.Keys(), &probs)
	n := &Node{}
	decodeTable(nil, tree, n, &typeProbs)
	n.setDefaults(md.IsDefined, hostname)
	probs = append(probs, typeProbs...)
	// A value that could not be decoded is not validated as well.
	probs = append(probs, n.problems(md.IsDefined).outside(typeProbs)...)
	if len(probs) == 0 {
		probs = n.resolvePaths(filepath.Dir(filename))
	}

	probs.locate(filename, lines)
	if err := probs.err(); err != nil {
		return nil, err
	}
	return n, nil
}

// LoadNode reads, parses, defaults and validates the node.toml at path.
func LoadNode(path string) (*Node, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("no such file: %s: give the path of a node.toml, see examples/cluster", path)
	}
	if err != nil {
		return nil, fmt.Errorf("reading node configuration: %w", err)
	}
	return ParseNode(path, data)
}

// setDefaults fills in what the file does not set and normalises what it
// does: the base domain is lowercased. defined reports whether the file
// sets a key; hostname gives the default name.
func (n *Node) setDefaults(defined func(key ...string) bool, hostname func() (string, error)) {
	if !defined("name") {
		if h, err := hostname(); err == nil {
			label, _, _ := strings.Cut(h, ".")
			n.Name = strings.ToLower(label)
		}
	}
	n.BaseDomain = strings.ToLower(n.BaseDomain)
	if !defined("drain_timeout") {
		n.DrainTimeout = defaultDrainTimeout
	}
	if !defined("public", "listen") {
		n.Public.Listen = defaultPublicListen
	}
	if !defined("cluster", "listen") {
		n.Cluster.Listen = defaultClusterListen
	}
	if !defined("admin", "listen") {
		n.Admin.Listen = defaultAdminListen
	}
	if n.NATS.URL == "" {
		if !defined("nats", "listen") {
			n.NATS.Listen = defaultNATSListen
		}
		if !defined("nats", "cluster_listen") {
			n.NATS.ClusterListen = defaultNATSClusterListen
		}
	}
}

// A pathField is a field of Node that holds a path, with its key.
type pathField struct {
	key []string
	ptr *string
}

// paths returns the fields of the node that hold paths.
func (n *Node) paths() []pathField {
	return []pathField{
		{[]string{"data_dir"}, &n.DataDir},
		{[]string{"public", "tls_cert"}, &n.Public.TLSCert},
		{[]string{"public", "tls_key"}, &n.Public.TLSKey},
		{[]string{"cluster", "secret_file"}, &n.Cluster.SecretFile},
		{[]string{"cluster", "tls_cert"}, &n.Cluster.TLSCert},
		{[]string{"cluster", "tls_key"}, &n.Cluster.TLSKey},
		{[]string{"nats", "tls_cert"}, &n.NATS.TLSCert},
		{[]string{"nats", "tls_key"}, &n.NATS.TLSKey},
		{[]string{"nats", "tls_ca"}, &n.NATS.TLSCA},
		{[]string{"admin", "token_file"}, &n.Admin.TokenFile},
	}
}

// resolvePaths makes every path that is set absolute, resolving a relative
// one against dir, the directory of node.toml.
func (n *Node) resolvePaths(dir string) problems {
	var probs problems
	for _, p := range n.paths() {
		if *p.ptr == "" {
			continue
		}
		abs, err := filepath.Abs(filepath.Join(dir, *p.ptr))
		if filepath.IsAbs(*p.ptr) {
			abs, err = filepath.Clean(*p.ptr), nil
		}
		if err != nil {
			probs.add(p.key, "cannot resolve %q against the directory of the file: %v", *p.ptr, err)
			continue
		}
		*p.ptr = abs
	}
	return probs
}
