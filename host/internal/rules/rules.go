// Package rules parses and applies a Pages project's _redirects, _headers and
// _routes.json files, reproducing the reference implementation described in
// spec/cloudflare-reference.md §2.9–2.11: the same limits, the same warning
// texts, the same rule precedence, and the same quirks.
//
// Parsing never fails on _redirects and _headers: a bad line becomes a
// Warning and the rest of the file still applies. _routes.json is validated
// as a whole and rejected with a *RoutesError.
//
// Everything is compiled once when a file is parsed; the values returned are
// immutable and safe for concurrent use by any number of goroutines.
//
// Where the reference is JavaScript, its string semantics are kept: lines are
// trimmed and split on JavaScript whitespace, lengths count UTF-16 code
// units, paths are normalised by the WHATWG URL parser, and placeholders are
// substituted with String.prototype.replaceAll, "$&" patterns included.
// Known differences, each confined to inputs no real file contains:
//
//   - Paths follow the current URL standard, which percent-encodes "^" and
//     turns "/.." into "/"; Node 20's parser does neither.
//   - A request is taken to be https on the default port when deciding
//     whether a redirect's destination is on the request's origin.
//   - A destination that is not a valid URL after substitution makes Lookup
//     report no match, where the reference fails the request.
//   - Non-ASCII destination hosts are lowercased and punycoded without
//     Unicode normalisation.
//   - A "No headers specified" warning carries the line of the path that has
//     no headers; the reference reports the next path's line, or none at the
//     end of the file, alongside the path's text.
//   - JavaScript object-key quirks (header names such as "__proto__", and
//     integer-like names sorting first) are not reproduced.
package rules

import "strconv"

// Warning is a problem with one line of a rules file; the rest of the file
// still applies.
type Warning struct {
	// Line is the 1-based line number, or 0 when the reference reports the
	// problem without one (over-long lines, rule limits).
	Line int
	// Message is the reference's text for the problem.
	Message string
}

// String returns "line 12: message", or the message alone when Line is 0.
func (w Warning) String() string {
	if w.Line == 0 {
		return w.Message
	}
	return "line " + strconv.Itoa(w.Line) + ": " + w.Message
}

// maxLineLength is the longest line, in UTF-16 code units, that _redirects
// and _headers accept.
const maxLineLength = 2000

// lineTooLong is the reference's message for a line over maxLineLength.
func lineTooLong(i int) Warning {
	return Warning{Message: "Ignoring line " + strconv.Itoa(i+1) +
		" as it exceeds the maximum allowed length of " + strconv.Itoa(maxLineLength) + "."}
}
