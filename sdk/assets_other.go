//go:build !wasip1

package sdk

import "net/http"

// AssetsTransport sends requests to the project's asset server; only the
// path and query of a request's URL matter. Outside wasmpages it fails with
// ErrNotInHost.
var AssetsTransport http.RoundTripper = notInHost{}

type notInHost struct{}

func (notInHost) RoundTrip(*http.Request) (*http.Response, error) { return nil, ErrNotInHost }
