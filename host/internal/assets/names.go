package assets

import "github.com/valyala/fasthttp"

// names are the response header names Serve sets, spelled as the response's
// header stores them, so that they are set without being normalised on
// every request and a _headers rule naming them finds them.
type names struct {
	location, etag, cacheControl             []byte
	allowOrigin, referrerPolicy, typeOptions []byte
}

var (
	// canonicalNames is fasthttp's default, normalised spelling.
	canonicalNames = names{
		location:       []byte(fasthttp.HeaderLocation),
		etag:           []byte("Etag"),
		cacheControl:   []byte(fasthttp.HeaderCacheControl),
		allowOrigin:    []byte(fasthttp.HeaderAccessControlAllowOrigin),
		referrerPolicy: []byte(fasthttp.HeaderReferrerPolicy),
		typeOptions:    []byte(fasthttp.HeaderXContentTypeOptions),
	}
	// lowerNames is for a header that does not normalise names: lowercase,
	// as _headers rules give them.
	lowerNames = names{
		location:       []byte("location"),
		etag:           []byte("etag"),
		cacheControl:   []byte("cache-control"),
		allowOrigin:    []byte("access-control-allow-origin"),
		referrerPolicy: []byte("referrer-policy"),
		typeOptions:    []byte("x-content-type-options"),
	}
)

// normalizes reports whether h normalises header names (fasthttp's default,
// which a server's DisableHeaderNamesNormalizing turns off). fasthttp has no
// getter: DisableNormalizing returns the previous setting, which is restored.
func normalizes(h interface {
	DisableNormalizing() bool
	EnableNormalizing() bool
}) bool {
	if h.DisableNormalizing() {
		return false
	}
	h.EnableNormalizing()
	return true
}
