package host

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/wasmpages/wasmpages/host/internal/forward"
)

// forwardServer runs the requests other nodes forward to this one
// (DESIGN.md "Forwarded requests"), on the cluster listener.
type forwardServer struct {
	signer *forward.Signer
	// project returns the named project this node serves, or nil.
	project func(name string) *current
	logger  *slog.Logger
}

// server returns the cluster listener's server.
func (fs *forwardServer) server() *fasthttp.Server {
	return &fasthttp.Server{
		Handler:              fs.serve,
		Name:                 "wasmpages",
		NoDefaultContentType: true,
		StreamRequestBody:    true,
		// The body starts with the chain's data: it is not a form.
		DisablePreParseMultipartForm: true,
		MaxRequestBodySize:           maxNodeBody,
		ReadTimeout:                  60 * time.Second,
		// Longer than the forwarding client keeps idle connections, so
		// that the client, not the server, closes them.
		IdleTimeout: 60 * time.Second,
		Logger:      fasthttpLogger{},
	}
}

// serveForwarded checks a forwarded request's signature (401), that this
// node runs the deployment it is pinned to (409, and the ingress runs it
// itself), then runs the chain from the position it names.
func (fs *forwardServer) serve(ctx *fasthttp.RequestCtx) {
	env, err := fs.signer.Verify(&ctx.Request, time.Now())
	if err != nil {
		fs.logger.Warn("refused a forwarded request", "from", ctx.RemoteAddr().String(), "err", err)
		ctx.Error("Unauthorized: "+err.Error()+"\n", fasthttp.StatusUnauthorized)
		return
	}
	forward.Strip(&ctx.Request.Header)
	var cur *current
	if cur = fs.project(env.Project); cur == nil {
		refuse(ctx, "this node does not serve project "+env.Project)
		return
	}
	s := cur.acquire()
	if s == nil || s.Deployment() != env.Deployment {
		if s != nil {
			s.Release()
		}
		refuse(ctx, "this node does not run deployment "+short(env.Deployment)+" of "+env.Project)
		return
	}
	defer s.Release()
	stream := ctx.RequestBodyStream()
	if stream == nil { // no body at all
		stream = bytes.NewReader(nil)
	}
	if env.Data, err = forward.ReadData(stream, env); err != nil {
		status := fasthttp.StatusBadRequest
		if errors.Is(err, forward.ErrBadSignature) {
			status = fasthttp.StatusUnauthorized
		}
		ctx.Error(fasthttp.StatusMessage(status)+": "+err.Error()+"\n", status)
		return
	}
	limit := int64(s.Project().Limits.RequestBody)
	body, err := io.ReadAll(io.LimitReader(stream, limit+1))
	switch {
	case err != nil:
		ctx.Error("Bad Request: reading the body: "+err.Error()+"\n", fasthttp.StatusBadRequest)
		return
	case int64(len(body)) > limit:
		ctx.Error("Payload Too Large\n", fasthttp.StatusRequestEntityTooLarge)
		return
	}
	s.ServeForwarded(ctx, env, body)
}

// refuse answers 409 with the header that tells the ingress to run the
// request itself.
func refuse(ctx *fasthttp.RequestCtx, why string) {
	ctx.Error("Conflict: "+why+"\n", fasthttp.StatusConflict)
	ctx.Response.Header.Set(forward.HeaderRefused, "1")
}
