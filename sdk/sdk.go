package sdk

import (
	"errors"
	"net/http"
)

// ErrNotInHost is returned by the calls that need a wasmpages host when the
// program does not run inside one.
var ErrNotInHost = errors.New("sdk: not running inside wasmpages")

var handler http.Handler

// Handle registers the handler that serves every request of this function.
// Call it from init; a later call replaces the earlier handler.
func Handle(h http.Handler) { handler = h }

// HandleFunc registers f as the function's handler, like Handle.
func HandleFunc(f func(http.ResponseWriter, *http.Request)) { Handle(http.HandlerFunc(f)) }

// Handler returns the registered handler, or nil. Tests use it to call the
// function natively with net/http/httptest.
func Handler() http.Handler { return handler }

// FetchAsset requests path ("/logo.svg", "/docs/?q=1") from the project's
// asset server, which applies _redirects and _headers and pretty URLs, as
// Pages' env.ASSETS.fetch does. Redirects are returned, not followed. The
// caller closes the response body.
func FetchAsset(path string) (*http.Response, error) {
	req, err := http.NewRequest(http.MethodGet, "http://assets.local"+path, nil)
	if err != nil {
		return nil, err
	}
	return AssetsTransport.RoundTrip(req)
}
