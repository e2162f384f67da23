package config

import (
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// nameRE matches a project name: one DNS label, lowercase.
var nameRE = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)

// Bounds of Limits.
const (
	minMemory      = 16 * MiB
	maxMemory      = 4 * GiB
	wasmPage       = 64 * KiB
	maxTimeout     = 15 * time.Minute
	maxSubrequests = 10000
)

// setDefaults fills in what the file does not set and normalises what it
// does: domains are lowercased and directories cleaned. defined reports
// whether the file sets a key.
func (p *Project) setDefaults(defined func(key ...string) bool) {
	d := defaultLimits()
	l := &p.Limits
	if !defined("limits", "memory") {
		l.Memory = d.Memory
	}
	if !defined("limits", "timeout") {
		l.Timeout = d.Timeout
	}
	if !defined("limits", "subrequests") {
		l.Subrequests = d.Subrequests
	}
	if !defined("limits", "request_body") {
		l.RequestBody = d.RequestBody
	}
	if !defined("limits", "response_body") {
		l.ResponseBody = d.ResponseBody
	}
	p.Placement.setDefaults()
	for i, d := range p.Domains {
		p.Domains[i] = strings.ToLower(d)
	}
	if p.OutputDir != "" {
		p.OutputDir = path.Clean(p.OutputDir)
	}
	if p.Build.WatchDir != "" {
		p.Build.WatchDir = path.Clean(p.Build.WatchDir)
	}
}

// problems checks every value of the project.
func (p *Project) problems() problems {
	var probs problems
	switch {
	case p.Name == "":
		probs.add([]string{"name"}, `required: the project's name, such as name = "my-site"`)
	case !nameRE.MatchString(p.Name):
		probs.add([]string{"name"}, "%q is not a valid name: use 1 to 63 lowercase letters, digits and hyphens, not starting or ending with a hyphen", p.Name)
	}

	if p.OutputDir == "" {
		probs.add([]string{"pages_build_output_dir"}, `required: the directory of static assets, such as pages_build_output_dir = "public"`)
	} else if msg := checkDir(p.OutputDir); msg != "" {
		probs.add([]string{"pages_build_output_dir"}, "%s", msg)
	} else if path.Clean(p.OutputDir) == "." {
		probs.add([]string{"pages_build_output_dir"}, "must be a subdirectory: the project directory itself holds pages.toml and .dev.vars, which must not be served")
	}

	if p.CompatibilityDate != "" {
		if _, err := time.Parse(time.DateOnly, p.CompatibilityDate); err != nil {
			probs.add([]string{"compatibility_date"}, "%q is not a date: use yyyy-mm-dd, such as \"2024-09-23\"", p.CompatibilityDate)
		}
	}

	seen := map[string]bool{}
	for _, d := range p.Domains {
		switch lower := strings.ToLower(d); {
		case !isHostname(d):
			probs.add([]string{"domains"}, "%q is not a hostname", d)
		case seen[lower]:
			probs.add([]string{"domains"}, "%q is listed twice", lower)
		default:
			seen[lower] = true
		}
	}

	if p.Build.WatchDir != "" {
		if msg := checkDir(p.Build.WatchDir); msg != "" {
			probs.add([]string{"build", "watch_dir"}, "%s", msg)
		}
	}

	probs = append(probs, p.Placement.problems()...)
	probs = append(probs, p.Limits.problems()...)
	return probs
}

// checkDir checks a directory that must stay inside the project directory,
// returning what is wrong or "".
func checkDir(dir string) string {
	switch {
	case strings.ContainsFunc(dir, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		return "must not contain control characters"
	case strings.Contains(dir, `\`):
		return `use "/" to separate directories, not "\"`
	case path.IsAbs(dir) || filepath.IsAbs(dir) || filepath.VolumeName(dir) != "":
		return "must be relative to the project directory, not absolute"
	case !filepath.IsLocal(dir):
		return "must stay inside the project directory"
	}
	return ""
}

// problems checks the limits against their bounds.
func (l Limits) problems() problems {
	var probs problems
	at := func(key string) []string { return []string{"limits", key} }
	switch {
	case l.Memory < minMemory:
		probs.add(at("memory"), "%v is below the minimum of %v that a Go guest needs", l.Memory, minMemory)
	case l.Memory > maxMemory:
		probs.add(at("memory"), "%v is above the maximum of %v", l.Memory, maxMemory)
	case l.Memory%wasmPage != 0:
		probs.add(at("memory"), "%v is not a multiple of 64KiB, the WebAssembly page size", l.Memory)
	}
	switch {
	case l.Timeout <= 0:
		probs.add(at("timeout"), "must be more than zero")
	case l.Timeout > maxTimeout:
		probs.add(at("timeout"), "%v is above the maximum of %v", l.Timeout, maxTimeout)
	}
	if l.Subrequests < 1 || l.Subrequests > maxSubrequests {
		probs.add(at("subrequests"), "%d is out of range: use 1 to %d", l.Subrequests, maxSubrequests)
	}
	if l.RequestBody <= 0 {
		probs.add(at("request_body"), "must be more than zero")
	}
	if l.ResponseBody <= 0 {
		probs.add(at("response_body"), "must be more than zero")
	}
	return probs
}

// isHostname reports whether s is a hostname: dot-separated labels of
// letters, digits and hyphens, each 1 to 63 bytes and not starting or ending
// with a hyphen, at most 253 bytes in all, with a last label that is not all
// digits (so that an IPv4 address is not a hostname). Case is ignored.
func isHostname(s string) bool {
	if s == "" || len(s) > 253 {
		return false
	}
	labels := strings.Split(s, ".")
	for _, l := range labels {
		if len(l) == 0 || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for _, c := range []byte(l) {
			if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return strings.Trim(labels[len(labels)-1], "0123456789") != ""
}
