package assets

import "bytes"

// notModified reports whether an If-None-Match value matches etag (a strong
// ETag, quotes included), so that the asset is answered 304 (spec §2.8
// step 6). The reference compares the whole header with the strong and the
// weak (W/"…") form; this also accepts a comma-separated list holding either
// form, and "*", as RFC 9110 §13.1.2 defines the header.
func notModified(ifNoneMatch, etag []byte) bool {
	for len(ifNoneMatch) > 0 {
		var tag []byte
		if i := bytes.IndexByte(ifNoneMatch, ','); i >= 0 {
			tag, ifNoneMatch = ifNoneMatch[:i], ifNoneMatch[i+1:]
		} else {
			tag, ifNoneMatch = ifNoneMatch, nil
		}
		tag = trimOWS(tag)
		if len(tag) == 1 && tag[0] == '*' {
			return true
		}
		if len(tag) > 2 && tag[0] == 'W' && tag[1] == '/' {
			tag = tag[2:]
		}
		if bytes.Equal(tag, etag) {
			return true
		}
	}
	return false
}

// trimOWS trims HTTP optional whitespace (spaces and tabs) from both ends.
func trimOWS(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}
