package host

import (
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/valyala/fasthttp"
)

// newServer returns the public HTTP server of a node serving cur.
// requestLog, if not nil, gets one line per request.
func newServer(cur *current, maxBody int, requestLog io.Writer) *fasthttp.Server {
	h := func(ctx *fasthttp.RequestCtx) {
		s := cur.acquire()
		if s == nil {
			ctx.Error("no site loaded", fasthttp.StatusServiceUnavailable)
			return
		}
		defer s.Release()
		start := time.Now()
		fn := s.Serve(ctx)
		if requestLog != nil {
			kind := "asset"
			if fn {
				kind = "function"
			}
			fmt.Fprintf(requestLog, "%s %s %d %s %s\n", ctx.Method(), ctx.RequestURI(), ctx.Response.StatusCode(),
				time.Since(start).Round(10*time.Microsecond), kind)
		}
	}
	return &fasthttp.Server{
		Handler:              h,
		Name:                 "wasmpages",
		NoDefaultContentType: true,
		MaxRequestBodySize:   maxBody,
		ReadTimeout:          60 * time.Second,
		IdleTimeout:          120 * time.Second,
		Logger:               fasthttpLogger{},
	}
}

// fasthttpLogger quiets fasthttp's own logging of client errors.
type fasthttpLogger struct{}

func (fasthttpLogger) Printf(string, ...any) {}

// newConsoleLogger logs to w as key=value lines without timestamps, for a
// developer's terminal.
func newConsoleLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if len(groups) == 0 && a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		},
	}))
}
