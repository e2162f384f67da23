package config

import (
	"fmt"
	"net"
	"strconv"
	"strings"
)

// Placement modes (spec §1.8).
const (
	PlacementOff      = "off"
	PlacementSmart    = "smart"
	PlacementTargeted = "targeted"
)

// Placement says where a project's functions run. The keys and their rules
// are wrangler's (spec §1.8): a smart format (mode "smart" with an optional
// hint) and a targeted format (exactly one of region, host or hostname).
type Placement struct {
	// Mode is "off" (run on the node that received the request), "smart"
	// (run where the function's back ends are nearest, learned from its
	// traffic) or "targeted" (run in the region that region, host or
	// hostname names). Default: "targeted" when region, host or hostname is
	// set, otherwise "off"; with hint it is required and must be "smart".
	Mode string `toml:"mode"`

	// Hint is a region in which smart placement starts before it has
	// measured anything. Only with mode "smart". Default: none.
	Hint string `toml:"hint"`

	// Region is a wasmpages region in which the functions always run.
	// Targeted; excludes host and hostname. Default: none.
	Region string `toml:"region"`

	// Host is a host:port (port required), such as "db.internal:5432": the
	// functions run in the region with the lowest TCP round trip to it.
	// Targeted; excludes region and hostname. Default: none.
	Host string `toml:"host"`

	// Hostname is a hostname, such as "api.internal": the functions run in
	// the region with the lowest HTTP round trip to it. Targeted; excludes
	// region and host. Default: none.
	Hostname string `toml:"hostname"`
}

// Normalized returns the placement as wrangler sends it to the API
// (parseConfigPlacement, spec §1.8): mode "off" without a hint is Mode "off"
// and nothing else; a hint or mode "smart" is Mode "smart" with the hint;
// otherwise Mode "targeted" with the first of region, host and hostname that
// is set, and if none is, Mode "off".
func (p Placement) Normalized() Placement {
	switch {
	case p.Hint == "" && p.Mode == PlacementOff:
		return Placement{Mode: PlacementOff}
	case p.Hint != "" || p.Mode == PlacementSmart:
		return Placement{Mode: PlacementSmart, Hint: p.Hint}
	case p.Region != "":
		return Placement{Mode: PlacementTargeted, Region: p.Region}
	case p.Host != "":
		return Placement{Mode: PlacementTargeted, Host: p.Host}
	case p.Hostname != "":
		return Placement{Mode: PlacementTargeted, Hostname: p.Hostname}
	}
	return Placement{Mode: PlacementOff}
}

// targets returns the keys of the targeted format that are set, in order.
func (p Placement) targets() []string {
	var keys []string
	if p.Region != "" {
		keys = append(keys, "region")
	}
	if p.Host != "" {
		keys = append(keys, "host")
	}
	if p.Hostname != "" {
		keys = append(keys, "hostname")
	}
	return keys
}

// setDefaults sets the mode when it is not written: "targeted" when region,
// host or hostname is set, otherwise "off". With a hint the mode has no
// default (wrangler requires it), so it stays empty and validation says so.
func (p *Placement) setDefaults() {
	if p.Mode != "" || p.Hint != "" {
		return
	}
	p.Mode = PlacementOff
	if len(p.targets()) > 0 {
		p.Mode = PlacementTargeted
	}
}

// problems applies the rules of spec §1.8 to the values, in wrangler's
// order; an empty string is a key that is not set.
func (p Placement) problems() problems {
	var probs problems
	at := func(key string) []string { return []string{"placement", key} }
	targets := p.targets()

	switch p.Mode {
	case "", PlacementOff, PlacementSmart, PlacementTargeted:
	default:
		probs.add(at("mode"), `%q is not a placement mode: use "off", "smart" or "targeted"`, p.Mode)
	}

	switch {
	case p.Hint != "" && len(targets) > 0:
		// Mixing the two formats is the only problem reported, as wrangler does.
		probs.add(at("hint"), "cannot be combined with %s: hint belongs to smart placement, %s to targeted placement",
			list(targets, "or"), list(targets, "and"))
		return probs
	case p.Hint != "":
		switch p.Mode {
		case "":
			probs.add(at("mode"), `required with a hint: set mode = "smart"`)
		case PlacementOff, PlacementTargeted:
			probs.add(at("hint"), `needs mode = "smart", not %q`, p.Mode)
		}
	case len(targets) > 0:
		if p.Mode == PlacementSmart {
			probs.add(at("mode"), `%q cannot be used with %s: use mode = "targeted" (or leave mode out)`, p.Mode, targets[0])
		}
		if len(targets) > 1 {
			probs.add([]string{"placement"}, "region, host and hostname are mutually exclusive, but %s are set", list(targets, "and"))
		}
	case p.Mode == PlacementTargeted:
		probs.add(at("mode"), `"targeted" needs one of region, host or hostname`)
	}

	if p.Host != "" {
		if err := checkHostPort(p.Host); err != nil {
			probs.add(at("host"), "%v", err)
		}
	}
	if p.Hostname != "" && !isHostname(p.Hostname) {
		probs.add(at("hostname"), "%q is not a hostname", p.Hostname)
	}
	if strings.ContainsFunc(p.Hint, isControl) {
		probs.add(at("hint"), "%q must not contain spaces or control characters", p.Hint)
	}
	if strings.ContainsFunc(p.Region, isControl) {
		probs.add(at("region"), "%q must not contain spaces or control characters", p.Region)
	}
	return probs
}

// checkHostPort checks a host:port with a port from 1 to 65535.
func checkHostPort(s string) error {
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		return fmt.Errorf(`%q is not host:port: write it as "db.internal:5432"`, s)
	}
	if n, err := strconv.ParseUint(port, 10, 16); err != nil || n == 0 {
		return fmt.Errorf("%q has an invalid port %q: use 1 to 65535", s, port)
	}
	if net.ParseIP(host) == nil && !isHostname(host) {
		return fmt.Errorf("%q does not start with a hostname or IP address", s)
	}
	return nil
}

// isControl reports whether r is a control character or a space.
func isControl(r rune) bool {
	return r < 0x21 || r == 0x7f
}

// list joins words as English does: "a", "a and b", "a, b and c".
func list(words []string, conj string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " " + conj + " " + words[len(words)-1]
}
