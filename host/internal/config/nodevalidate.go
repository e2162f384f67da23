package config

import (
	"fmt"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// maxDrainTimeout bounds Node.DrainTimeout.
const maxDrainTimeout = 10 * time.Minute

// problems checks every value of the node. defined reports whether the file
// sets a key: it tells a default from a value written in the file.
func (n *Node) problems(defined func(key ...string) bool) problems {
	var probs problems
	const label = "use 1 to 63 lowercase letters, digits and hyphens, not starting or ending with a hyphen"

	switch {
	case n.Region == "":
		probs.add([]string{"region"}, `required: the region this node serves, such as region = "us-east"`)
	case !nameRE.MatchString(n.Region):
		probs.add([]string{"region"}, "%q is not a valid region: %s", n.Region, label)
	}

	switch {
	case defined("name") && n.Name == "":
		probs.add([]string{"name"}, `must not be empty: leave it out to use the host name, or set one such as name = "us-east-1"`)
	case defined("name") && !nameRE.MatchString(n.Name):
		probs.add([]string{"name"}, "%q is not a valid name: %s", n.Name, label)
	case n.Name == "":
		probs.add([]string{"name"}, `required: the host name is unknown, so set this node's name, such as name = "us-east-1"`)
	case !nameRE.MatchString(n.Name):
		probs.add([]string{"name"}, `required: the host name gives %q, which is not a DNS label, so set this node's name, such as name = "us-east-1"`, n.Name)
	}

	if n.BaseDomain == "" {
		probs.add([]string{"base_domain"}, `required: the domain under which projects are served, such as base_domain = "pages.example.com"`)
	} else if !isHostname(n.BaseDomain) {
		probs.add([]string{"base_domain"}, `%q is not a domain name such as "pages.example.com"`, n.BaseDomain)
	}

	switch {
	case n.DrainTimeout <= 0:
		probs.add([]string{"drain_timeout"}, "must be more than zero")
	case n.DrainTimeout > maxDrainTimeout:
		probs.add([]string{"drain_timeout"}, "%v is above the maximum of %v", n.DrainTimeout, maxDrainTimeout)
	}

	required := map[string]string{
		"data_dir":            `required: the directory for deployments, compiled modules and JetStream storage, such as data_dir = "/var/lib/wasmpages"`,
		"cluster.secret_file": `required: the file that holds the secret every node shares, such as secret_file = "/etc/wasmpages/cluster.secret"`,
		"admin.token_file":    `required: the file that holds the admin API's bearer token, such as token_file = "/etc/wasmpages/admin.token"`,
	}
	for _, p := range n.paths() {
		switch path := *p.ptr; {
		case path == "":
			if msg, ok := required[keyString(p.key)]; ok {
				probs.add(p.key, "%s", msg)
			}
		case strings.HasPrefix(path, "~"):
			probs.add(p.key, `%q starts with "~", which is not expanded: write the full path`, path)
		case strings.IndexByte(path, 0) >= 0:
			probs.add(p.key, "%q contains a NUL byte", path)
		}
	}

	probs = append(probs, checkTLSPair("public", n.Public.TLSCert, n.Public.TLSKey)...)
	probs = append(probs, checkTLSPair("cluster", n.Cluster.TLSCert, n.Cluster.TLSKey)...)

	if n.Cluster.URL == "" {
		probs.add([]string{"cluster", "url"}, `required: how the other nodes reach this node's cluster listener, such as url = "http://10.0.1.5:7443"`)
	} else if msg := checkURL(n.Cluster.URL, clusterURLRule); msg != "" {
		probs.add([]string{"cluster", "url"}, "%s", msg)
	} else if u, _ := url.Parse(n.Cluster.URL); u.Scheme == "http" && n.Cluster.TLSCert != "" {
		probs.add([]string{"cluster", "url"}, "%q is http://, but the cluster listener serves HTTPS (cluster.tls_cert is set): use https://", n.Cluster.URL)
	}

	probs = append(probs, n.NATS.problems(defined)...)
	probs = append(probs, n.listenProblems(defined)...)
	return probs
}

// problems checks the NATS settings.
func (c NATS) problems(defined func(key ...string) bool) problems {
	var probs problems
	at := func(key string) []string { return []string{"nats", key} }
	seen := map[string]bool{}
	for _, r := range c.Routes {
		if seen[r] {
			probs.add(at("routes"), "%q is listed twice", r)
		} else if msg := checkURL(r, routeRule); msg != "" {
			probs.add(at("routes"), "%s", msg)
		}
		seen[r] = true
	}
	tlsKeys := map[string]string{"tls_cert": c.TLSCert, "tls_key": c.TLSKey, "tls_ca": c.TLSCA}
	set := 0
	for _, v := range tlsKeys {
		if v != "" {
			set++
		}
	}
	if set > 0 && set < 3 {
		for _, key := range []string{"tls_cert", "tls_key", "tls_ca"} {
			if tlsKeys[key] == "" {
				probs.add(at(key), "required with the other nats.tls_* keys: set tls_cert, tls_key and tls_ca, or none")
			}
		}
	}
	if c.URL == "" {
		return probs
	}
	if set > 0 {
		probs.add(at("tls_cert"), "cannot be combined with nats.url: the TLS settings are for the embedded server's routes (use a tls:// URL for an external one)")
	}
	for _, u := range strings.Split(c.URL, ",") {
		if msg := checkURL(strings.TrimSpace(u), natsURLRule); msg != "" {
			probs.add(at("url"), "%s", msg)
		}
	}
	for _, key := range []string{"listen", "cluster_listen", "routes"} {
		if defined("nats", key) {
			probs.add(at(key), "cannot be combined with nats.url: the embedded NATS server does not run when an external one is used")
		}
	}
	return probs
}

// checkTLSPair checks that the table's tls_cert and tls_key are both set or
// neither.
func checkTLSPair(table, cert, key string) problems {
	var probs problems
	switch {
	case cert != "" && key == "":
		probs.add([]string{table, "tls_cert"}, "needs %s.tls_key as well: set both or neither", table)
	case key != "" && cert == "":
		probs.add([]string{table, "tls_key"}, "needs %s.tls_cert as well: set both or neither", table)
	}
	return probs
}

// listener is one listen address of the node.
type listener struct {
	key     []string
	addr    string
	written bool // set in the file rather than by default
}

// listenProblems checks each listen address and that no two of them take
// the same port on the same host. An empty or unspecified host (":8080",
// "0.0.0.0:8080") listens on every interface, so it takes the port on every
// host.
func (n *Node) listenProblems(defined func(key ...string) bool) problems {
	var probs problems
	all := []listener{
		{key: []string{"public", "listen"}, addr: n.Public.Listen},
		{key: []string{"cluster", "listen"}, addr: n.Cluster.Listen},
		{key: []string{"admin", "listen"}, addr: n.Admin.Listen},
	}
	if n.NATS.URL == "" { // otherwise the embedded server does not run
		all = append(all,
			listener{key: []string{"nats", "listen"}, addr: n.NATS.Listen},
			listener{key: []string{"nats", "cluster_listen"}, addr: n.NATS.ClusterListen})
	}
	var ls []listener
	for _, l := range all {
		l.written = defined(l.key...)
		if msg := checkListenAddr(l.addr); msg != "" {
			probs.add(l.key, "%s", msg)
			continue
		}
		ls = append(ls, l)
	}
	for j, b := range ls {
		for _, a := range ls[:j] {
			if !sameSocket(a.addr, b.addr) {
				continue
			}
			at, other := b, a
			if !b.written {
				at, other = a, b
			}
			what := keyString(other.key)
			if !other.written {
				what += "'s default"
			}
			probs.add(at.key, "%q takes the port of %s (%q): give each listener its own port", at.addr, what, other.addr)
		}
	}
	return probs
}

// checkListenAddr checks a listen address: host:port, where host is empty,
// an IP address or a hostname and port is 1 to 65535. It returns what is
// wrong, or "".
func checkListenAddr(s string) string {
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		return fmt.Sprintf(`%q is not host:port: write it such as ":8080" or "127.0.0.1:8080"`, s)
	}
	if !validPort(port) {
		return fmt.Sprintf("%q has an invalid port %q: use 1 to 65535", s, port)
	}
	if host != "" && net.ParseIP(host) == nil && !isHostname(host) {
		return fmt.Sprintf("%q does not start with a hostname or IP address", s)
	}
	return ""
}

// sameSocket reports whether two valid listen addresses cannot both be
// listened on: they have the same port and the same host, or one of them
// listens on every interface.
func sameSocket(a, b string) bool {
	ha, pa, _ := net.SplitHostPort(a)
	hb, pb, _ := net.SplitHostPort(b)
	na, _ := strconv.Atoi(pa)
	nb, _ := strconv.Atoi(pb)
	if na != nb {
		return false
	}
	return everyInterface(ha) || everyInterface(hb) || canonicalHost(ha) == canonicalHost(hb)
}

// everyInterface reports whether a listen host means every interface.
func everyInterface(host string) bool {
	ip := net.ParseIP(host)
	return host == "" || ip != nil && ip.IsUnspecified()
}

// canonicalHost returns host in a form in which equal hosts are equal
// strings: an IP address in Go's form, a hostname lowercased.
func canonicalHost(host string) string {
	if ip := net.ParseIP(host); ip != nil {
		return ip.String()
	}
	return strings.ToLower(host)
}

// validPort reports whether port is a decimal number from 1 to 65535.
func validPort(port string) bool {
	n, err := strconv.ParseUint(port, 10, 16)
	return err == nil && n > 0
}

// A urlRule says what a URL in node.toml must look like: one of schemes,
// a host, a port if needPort, a user name and password only if allowUser,
// and no path, query or fragment. example is shown to the user.
type urlRule struct {
	schemes   []string
	needPort  bool
	allowUser bool
	example   string
}

// URL rules of node.toml.
var (
	clusterURLRule = urlRule{schemes: []string{"http", "https"}, needPort: true, example: "http://10.0.1.5:7443"}
	routeRule      = urlRule{schemes: []string{"nats"}, needPort: true, example: "nats://10.0.2.5:6222"}
	natsURLRule    = urlRule{schemes: []string{"nats", "tls"}, allowUser: true, example: "nats://10.0.9.5:4222"}
)

// checkURL checks s against the rule. It returns what is wrong, or "".
func checkURL(s string, r urlRule) string {
	u, err := url.Parse(s)
	if err != nil || u.Opaque != "" || !slices.Contains(r.schemes, u.Scheme) {
		schemes := make([]string, len(r.schemes))
		for i, sc := range r.schemes {
			schemes[i] = sc + "://"
		}
		return fmt.Sprintf("%q must start with %s, such as %q", s, list(schemes, "or"), r.example)
	}
	host, port := u.Hostname(), u.Port()
	switch {
	case u.User != nil && !r.allowUser:
		return fmt.Sprintf("%q must not hold a user name or password", s)
	case host == "":
		return fmt.Sprintf("%q has no host: write it such as %q", s, r.example)
	case net.ParseIP(host) == nil && !isHostname(host):
		return fmt.Sprintf("%q has an invalid host %q", s, host)
	case everyInterface(host):
		return fmt.Sprintf("%q names no host that can be reached: use the host's own address", s)
	case port == "" && r.needPort:
		return fmt.Sprintf("%q has no port: write it such as %q", s, r.example)
	case port != "" && !validPort(port):
		return fmt.Sprintf("%q has an invalid port %q: use 1 to 65535", s, port)
	case u.Path != "" || u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		bare := url.URL{Scheme: u.Scheme, User: u.User, Host: u.Host}
		return fmt.Sprintf("%q must not have a path, query or fragment: write %q", s, bare.String())
	}
	return ""
}
