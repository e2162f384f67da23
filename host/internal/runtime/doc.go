// Package runtime runs wasmpages functions on wazero: it compiles modules
// (once, with an on-disk compilation cache), keeps a pool of warm instances
// per module, and calls them through the host functions of package abi under
// per-invocation limits.
//
// The package knows nothing of HTTP servers: a request arrives as an encoded
// head and a body in a Call, the response leaves the same way, and
// subrequests go through the Call's Fetcher.
package runtime
