// Package config reads a project's pages.toml, its .dev.vars file, and a
// node's node.toml; both TOML files go through the same strict decoding.
//
// A pages.toml mirrors the Pages subset of a Cloudflare wrangler.toml
// (spec §2.12), so that a project can carry its file over; the keys
// wasmpages does not support are errors that say so. Parse follows a fixed
// lifecycle: decode the TOML into a generic tree, convert it into a Project
// (reporting every value of the wrong type and every unknown key), fill in
// defaults, then validate. Every problem found is reported at once, each as
// "pages.toml:LINE: key.path: problem", joined with errors.Join; each is a
// *Problem that callers may inspect with errors.As.
//
// The schema is the Go types: the toml tags of Project and of the structs
// it holds name the keys, and their doc comments state each default.
// pages.toml.example at the repository root documents every key and is
// checked against these types by a test.
//
// The TOML library does not expose the position of keys, so the line of
// each key is found by a small scanner (keylines.go) that runs over the
// document only after the library has accepted it.
package config
