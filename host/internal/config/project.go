package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"time"
)

// FileName is the name of the project configuration file in a project's
// directory.
const FileName = "pages.toml"

// Project is a parsed, defaulted and validated pages.toml. It mirrors the
// keys of a Cloudflare Pages wrangler.toml (spec §2.12). A Project returned
// by Parse or Load is not modified afterwards and may be read concurrently.
type Project struct {
	// Name is the project's name, a DNS label (lowercase letters, digits and
	// hyphens, at most 63 characters, not starting or ending with a hyphen).
	// The project is served at <name>.<base_domain>. Required.
	Name string `toml:"name"`

	// OutputDir is the directory of static assets, relative to the project
	// directory and inside it, which may also hold _worker.wasm,
	// _routes.json, _headers and _redirects. It cannot be the project
	// directory itself, which holds pages.toml and .dev.vars. Required.
	OutputDir string `toml:"pages_build_output_dir"`

	// CompatibilityDate is a date, yyyy-mm-dd, accepted for compatibility
	// with wrangler.toml and recorded in the deployment. Default: none.
	CompatibilityDate string `toml:"compatibility_date"`

	// Domains are custom hostnames that also serve the project, besides
	// <name>.<base_domain>. They are lowercased and must not repeat.
	// Default: none.
	Domains []string `toml:"domains"`

	// Build says how to build the project's functions. Default: no build.
	Build Build `toml:"build"`

	// Placement says where the project's functions run (spec §1.8).
	// Default: mode "off", on the node that received the request.
	Placement Placement `toml:"placement"`

	// Vars is the plain-text environment of the functions. Values are TOML
	// strings; numbers and booleans are accepted and stored as their text.
	// Secrets do not belong here: see LoadDevVars. Default: empty.
	Vars map[string]string `toml:"vars"`

	// Limits bound each invocation of a function. Default: each limit's
	// own default, which Limits documents.
	Limits Limits `toml:"limits"`
}

// Build says how to build a project's functions.
type Build struct {
	// Command is a shell command, run in the project directory by `dev` (at
	// start and on every change) and by `deploy`, that produces
	// functions/**/*.wasm and/or <output dir>/_worker.wasm. Default: none,
	// the modules are already built.
	Command string `toml:"command"`

	// WatchDir is the directory, relative to the project directory and
	// inside it, whose changes make `dev` run Command again. Default: none,
	// nothing is watched.
	WatchDir string `toml:"watch_dir"`
}

// Limits bound each invocation of a function. A function that exceeds one
// fails that request; its instance is discarded.
type Limits struct {
	// Memory is the most linear memory an instance may have, a multiple of
	// 64KiB (the WebAssembly page size) from 16MiB (what a Go guest needs)
	// to 4GiB. Default: 128MiB.
	Memory ByteSize `toml:"memory"`

	// Timeout is the wall-clock time a request's functions may take
	// together (middleware and handler share it), as a duration string such
	// as "30s" or "1m30s", more than zero and at most 15m; the call is
	// interrupted when it runs out. Default: 30s.
	Timeout time.Duration `toml:"timeout"`

	// Subrequests is the number of outbound fetches an invocation may make,
	// from 1 to 10000. Default: 50 (Cloudflare's free plan).
	Subrequests int `toml:"subrequests"`

	// RequestBody is the largest request body a function is given, more
	// than zero. Default: 100MiB (Cloudflare's limit).
	RequestBody ByteSize `toml:"request_body"`

	// ResponseBody is the largest response body a function may write, more
	// than zero. Default: 100MiB.
	ResponseBody ByteSize `toml:"response_body"`
}

// defaultLimits returns the limits of a project that sets none.
func defaultLimits() Limits {
	return Limits{
		Memory:       128 * MiB,
		Timeout:      30 * time.Second,
		Subrequests:  50,
		RequestBody:  100 * MiB,
		ResponseBody: 100 * MiB,
	}
}

// pagesSchema is the schema of pages.toml.
var pagesSchema = schema{root: reflect.TypeFor[Project](), unsupported: pagesUnsupported}

// bindingMsg is the message for a wrangler.toml binding.
const bindingMsg = "is a Cloudflare binding, which wasmpages does not support: remove it and reach the service over HTTP from the function"

// pagesUnsupported holds keys that a Pages wrangler.toml accepts (spec §2.12)
// but wasmpages does not, with what to tell the user.
var pagesUnsupported = map[string]string{
	"kv_namespaces":             bindingMsg,
	"d1_databases":              bindingMsg,
	"r2_buckets":                bindingMsg,
	"durable_objects":           bindingMsg,
	"services":                  bindingMsg,
	"queues":                    bindingMsg,
	"ai":                        bindingMsg,
	"vectorize":                 bindingMsg,
	"hyperdrive":                bindingMsg,
	"analytics_engine_datasets": bindingMsg,
	"browser":                   bindingMsg,
	"mtls_certificates":         bindingMsg,
	"version_metadata":          bindingMsg,
	"compatibility_flags":       "is a Cloudflare Workers runtime setting, which wasmpages does not support: remove it",
	"send_metrics":              "is a wrangler setting, which wasmpages does not support: remove it",
	"upload_source_maps":        "is a wrangler setting, which wasmpages does not support: remove it",
	"dev":                       "holds wrangler's local development settings, which wasmpages does not support: use the flags of wasmpages dev",
	"env":                       "wasmpages does not support wrangler environments ([env.preview], [env.production]): put the settings at the top level",
	"main":                      "is not allowed in a Pages project: put _worker.wasm in the output directory (pages_build_output_dir)",
	"limits.cpu_ms":             "wasmpages limits wall-clock time, not CPU time: use limits.timeout",
}

// Parse parses, defaults and validates the contents of a pages.toml.
// filename names the file in error messages. Every problem is reported at
// once: the error joins one *Problem per problem, each formatted as
// "filename:LINE: key.path: problem".
func Parse(filename string, data []byte) (*Project, error) {
	tree, md, err := decodeTOML(filename, data)
	if err != nil {
		return nil, err
	}
	lines := scanKeyLines(string(data))

	var probs, typeProbs problems
	pagesSchema.checkKeys(md.Keys(), &probs)
	p := &Project{}
	decodeTable(nil, tree, p, &typeProbs)
	checkPresence(tree, &probs)
	p.setDefaults(md.IsDefined)
	probs = append(probs, typeProbs...)
	// A value that could not be decoded is not validated as well.
	probs = append(probs, p.problems().outside(typeProbs)...)

	probs.locate(filename, lines)
	if err := probs.err(); err != nil {
		return nil, err
	}
	return p, nil
}

// Load reads, parses, defaults and validates the pages.toml in the project
// directory dir.
func Load(dir string) (*Project, error) {
	name := filepath.Join(dir, FileName)
	data, err := os.ReadFile(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("no %s in %s: create one, see pages.toml.example", FileName, dir)
	}
	if err != nil {
		return nil, fmt.Errorf("reading project configuration: %w", err)
	}
	return Parse(name, data)
}

// Validate reports every problem with the project's values, joined, or nil.
// It does not apply defaults: a Project built by hand must set its limits.
// A Project returned by Parse or Load always validates.
func (p *Project) Validate() error {
	return p.problems().err()
}
