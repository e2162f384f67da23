package site

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/wasmpages/wasmpages/host/internal/assets"
	"github.com/wasmpages/wasmpages/host/internal/runtime"
)

// Outbound is the default client of every function's network
// subrequests: one per process, so connections to back ends are kept
// alive across requests and deployments.
var Outbound = &http.Transport{
	Proxy:                 http.ProxyFromEnvironment,
	DialContext:           (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
	ForceAttemptHTTP2:     true,
	MaxIdleConns:          1024,
	MaxIdleConnsPerHost:   64,
	IdleConnTimeout:       90 * time.Second,
	TLSHandshakeTimeout:   10 * time.Second,
	ExpectContinueTimeout: time.Second,
}

// fetcher serves a site's assets fetches through its asset server.
type fetcher struct {
	assets *assets.Server
}

func newFetcher(a *assets.Server) *fetcher { return &fetcher{assets: a} }

// fetchNetwork sends a network subrequest through rt and returns the
// response and the origin it went to.
func fetchNetwork(ctx context.Context, rt http.RoundTripper, req *runtime.Subrequest) (*runtime.Subresponse, string, error) {
	u, err := url.Parse(req.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, "", runtime.ErrBadSubrequest
	}
	var body io.Reader
	if len(req.Body) > 0 {
		body = bytes.NewReader(req.Body)
	}
	hr, err := http.NewRequestWithContext(ctx, req.Method, req.URL, body)
	if err != nil {
		return nil, "", runtime.ErrBadSubrequest
	}
	for _, kv := range req.Header {
		if http.CanonicalHeaderKey(kv[0]) == "Host" {
			hr.Host = kv[1]
			continue
		}
		hr.Header.Add(kv[0], kv[1])
	}
	resp, err := rt.RoundTrip(hr)
	if err != nil {
		return nil, "", err
	}
	return &runtime.Subresponse{Status: resp.StatusCode, Header: pairs(resp.Header), Body: resp.Body}, origin(u), nil
}

func pairs(h http.Header) [][2]string {
	out := make([][2]string, 0, len(h))
	for k, vs := range h {
		for _, v := range vs {
			out = append(out, [2]string{k, v})
		}
	}
	return out
}

// fetchAsset asks the asset server, as a request to the incoming host would.
func (f *fetcher) fetchAsset(host string, req *runtime.Subrequest) (*runtime.Subresponse, error) {
	u, err := url.Parse(req.URL)
	if err != nil {
		return nil, runtime.ErrBadSubrequest
	}
	freq := fasthttp.AcquireRequest()
	defer fasthttp.ReleaseRequest(freq)
	freq.Header.SetMethod(req.Method)
	for _, kv := range req.Header {
		freq.Header.Add(kv[0], kv[1])
	}
	freq.SetHost(host)
	freq.SetRequestURI(u.RequestURI())
	resp := fasthttp.AcquireResponse()
	f.assets.Serve(freq, resp)
	return subresponse(resp), nil
}

// subresponse hands a response to a guest and takes ownership of resp. A
// streamed body (a large file) stays streamed, so a guest in front of it
// never holds the whole file; resp is released when the guest closes the
// body, or at once when there is none.
func subresponse(resp *fasthttp.Response) *runtime.Subresponse {
	out := &runtime.Subresponse{Status: resp.StatusCode()}
	for name, value := range resp.Header.All() {
		out.Header = append(out.Header, [2]string{string(name), string(value)})
	}
	var body io.Reader
	if s := resp.BodyStream(); s != nil {
		body = s
	} else if b := resp.Body(); len(b) > 0 {
		body = bytes.NewReader(b)
	}
	if body == nil {
		fasthttp.ReleaseResponse(resp)
		return out
	}
	out.Body = &responseBody{Reader: body, resp: resp}
	return out
}

// responseBody is the body of a pooled response; Close releases it.
type responseBody struct {
	io.Reader
	resp *fasthttp.Response
}

func (b *responseBody) Close() error {
	if b.resp != nil {
		b.resp.CloseBodyStream()
		fasthttp.ReleaseResponse(b.resp)
		b.resp = nil
	}
	return nil
}
