// Package host is a wasmpages node: it loads projects, serves them over HTTP
// and runs their functions. Its API speaks only in standard types; the
// parts (the wazero runtime, the Pages semantics, the asset server) live in
// internal sub-packages.
package host
