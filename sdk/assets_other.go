//go:build !wasip1

package sdk

import "net/http"

// AssetsTransport sends requests to the project's asset server; only the
// path and query of a request's URL matter. Outside wasmpages it fails with
// ErrNotInHost.
var AssetsTransport http.RoundTripper = notInHost{}

type notInHost struct{}

func (notInHost) RoundTrip(*http.Request) (*http.Response, error) { return nil, ErrNotInHost }

// Next runs the rest of the chain; outside wasmpages it fails with
// ErrNotInHost.
func Next(r *http.Request) (*http.Response, error) { return nil, ErrNotInHost }

// Data returns the request's data; outside wasmpages, nil.
func Data(r *http.Request) []byte { return nil }

// SetData replaces the request's data; outside wasmpages it fails with
// ErrNotInHost.
func SetData(r *http.Request, data []byte) error { return ErrNotInHost }

// PassThroughOnException does nothing outside wasmpages.
func PassThroughOnException(r *http.Request) {}
