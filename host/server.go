package host

import (
	"io"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/wasmpages/wasmpages/host/internal/forward"
)

// newServer returns the public HTTP server of a node, which serves each
// request from the project lookup finds for it. requestLog, if not nil, gets
// one line per request.
func newServer(lookup func(ctx *fasthttp.RequestCtx) *current, maxBody int, requestLog io.Writer) *fasthttp.Server {
	h := func(ctx *fasthttp.RequestCtx) {
		// Only nodes may speak the forwarding headers.
		forward.Strip(&ctx.Request.Header)
		cur := lookup(ctx)
		if cur == nil {
			ctx.Error("Not Found: no project is served at this host\n", fasthttp.StatusNotFound)
			return
		}
		s := cur.acquire()
		if s == nil {
			ctx.Error("no site loaded", fasthttp.StatusServiceUnavailable)
			return
		}
		defer s.Release()
		fn := s.Serve(ctx)
		if requestLog != nil {
			logRequest(requestLog, ctx, time.Since(ctx.Time()), fn)
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

// logLines holds the buffers of request log lines.
var logLines = sync.Pool{New: func() any { return new([]byte) }}

// logRequest writes one line for a request: method, URI, status, duration
// and whether a function or the asset server answered.
func logRequest(w io.Writer, ctx *fasthttp.RequestCtx, took time.Duration, fn bool) {
	bp := logLines.Get().(*[]byte)
	b := append((*bp)[:0], ctx.Method()...)
	b = append(b, ' ')
	b = append(b, ctx.RequestURI()...)
	b = append(b, ' ')
	b = strconv.AppendInt(b, int64(ctx.Response.StatusCode()), 10)
	b = append(b, ' ')
	b = append(b, took.Round(10*time.Microsecond).String()...)
	if fn {
		b = append(b, " function\n"...)
	} else {
		b = append(b, " asset\n"...)
	}
	w.Write(b)
	*bp = b
	logLines.Put(bp)
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
