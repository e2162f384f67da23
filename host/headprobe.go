package host

import (
	"context"
	"net"
	"net/http"
	"time"
)

// headProbe sends an HTTP HEAD to url over a fresh connection and returns
// the time from start to the response head (spec §1.8: hostname targets
// are probed at L7).
func headProbe(ctx context.Context, dial func(ctx context.Context, network, addr string) (net.Conn, error), url string, start time.Time) (time.Duration, error) {
	tr := &http.Transport{DialContext: dial, DisableKeepAlives: true, ForceAttemptHTTP2: false}
	defer tr.CloseIdleConnections()
	req, err := http.NewRequestWithContext(ctx, http.MethodHead, url, nil)
	if err != nil {
		return 0, err
	}
	resp, err := tr.RoundTrip(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return time.Since(start), nil
}
