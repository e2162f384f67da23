package site

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/wasmpages/wasmpages/abi"
	"github.com/wasmpages/wasmpages/host/internal/assets"
	"github.com/wasmpages/wasmpages/host/internal/forward"
	"github.com/wasmpages/wasmpages/host/internal/router"
	"github.com/wasmpages/wasmpages/host/internal/runtime"
)

// Remote lets a site run the modules of its chains on other nodes, and
// tells the node what ran where. Place is consulted before each module of
// a request received from a user; a request forwarded here is never
// forwarded again.
type Remote struct {
	// Signer signs forwarded requests under the cluster secret.
	Signer *forward.Signer
	// Client sends them over kept-alive connections.
	Client *forward.Client
	// Place decides where the module (keyed as in the route table) at
	// position pos of a chain runs, with the rest of the chain after it.
	Place func(module string, pos int) Target
	// Observe, if not nil, gets the runs of each request once it is
	// answered: at the ingress, every module it ran or forwarded; on a
	// target, every module it ran for another node. It must not keep runs.
	Observe func(runs []Run)
}

// Target is where a module runs for one request.
type Target struct {
	// URL is the cluster URL of the node to forward to; empty runs it here.
	URL string
	// Region is the region of that node.
	Region string
	// Placed is set when a placement decision chose the target; Baseline
	// when the module runs here as part of the baseline share.
	Placed, Baseline bool
}

// forward runs chain[i:] on the node Remote.Target picks, if it picks
// one. It reports done false when the module is to run here after all:
// no target, a target that does not run this deployment (it answers 409),
// or one that could not be reached before the request was sent. Once the
// request was sent, a failure is a 502: nothing runs twice.
func (r *request) forward(i int, head, body []byte, resp *fasthttp.Response, run *Run) (done bool, err error) {
	rm := r.s.opts.Remote
	module := r.chain[i].Route.Module
	t := rm.Place(module, i)
	run.Baseline = t.Baseline
	if t.URL == "" {
		return false, nil
	}
	target := t.URL
	run.Target = t.Region
	h, err := abi.DecodeRequestHead(head)
	if err != nil {
		return true, err
	}
	req := fasthttp.AcquireRequest()
	defer fasthttp.ReleaseRequest(req)
	req.Header.SetMethod(h.Method)
	req.SetRequestURI(h.URL)
	for _, kv := range h.Header {
		if hopByHop([]byte(kv[0])) || strings.EqualFold(kv[0], "Host") {
			continue
		}
		req.Header.Add(kv[0], kv[1])
	}
	env := &forward.Envelope{
		Project: r.s.project.Name, Deployment: r.s.opts.Deployment, Chain: i,
		Ingress: r.s.opts.Region, Route: r.route,
		PassThrough: r.shared.PassThrough, Data: r.shared.Data,
	}
	if err := rm.Signer.Sign(req, env, bytes.NewReader(body), len(body), time.Now()); err != nil {
		return true, &runtime.Error{Status: http.StatusInternalServerError, Module: r.s.moduleName(module), Reason: "signing the forward", Err: err}
	}
	deadline := r.deadline
	if deadline.IsZero() {
		deadline = time.Now().Add(maxForward)
	}
	fresp := fasthttp.AcquireResponse()
	start := time.Now()
	err = rm.Client.Do(target, req, fresp, deadline)
	run.Forward = "failed"
	switch {
	case errors.Is(err, forward.ErrNotSent):
		run.Forward = "not_sent"
		fasthttp.ReleaseResponse(fresp)
		r.s.opts.Logger.Warn("forward not sent, running here", "module", r.s.moduleName(module), "target", target, "err", err)
		return false, nil
	case errors.Is(err, context.DeadlineExceeded):
		fasthttp.ReleaseResponse(fresp)
		return true, &runtime.Error{Status: http.StatusGatewayTimeout, Module: r.s.moduleName(module),
			Reason: fmt.Sprintf("forwarded to %s, past the time limit", target), Err: err}
	case err != nil:
		fasthttp.ReleaseResponse(fresp)
		return true, &runtime.Error{Status: http.StatusBadGateway, Module: r.s.moduleName(module),
			Reason: fmt.Sprintf("forwarding to %s failed", target), Err: err}
	case len(fresp.Header.Peek(forward.HeaderRefused)) > 0:
		// The target does not run this deployment (yet, or any more).
		run.Forward = "refused"
		fresp.CloseBodyStream()
		fasthttp.ReleaseResponse(fresp)
		return false, nil
	}
	data, err := forward.ReadResponseData(fresp, req.Header.Method())
	if err != nil {
		fresp.CloseBodyStream()
		fasthttp.ReleaseResponse(fresp)
		return true, &runtime.Error{Status: http.StatusBadGateway, Module: r.s.moduleName(module),
			Reason: fmt.Sprintf("forwarded to %s, a malformed response", target), Err: err}
	}
	if data != nil {
		r.shared.Data = data
	}
	run.Forward, run.Ran, run.Placed = "ok", t.Region, t.Placed
	readTiming(fresp, run)
	if run.Hop = time.Since(start) - run.Exec; run.Hop < 0 {
		run.Hop = 0
	}
	if len(fresp.Header.Peek(forward.HeaderFailed)) > 0 {
		r.failed = true
	}
	if p := fresp.Header.PeekBytes(placementName); len(p) > 0 {
		r.placement = newPlacementHeader(string(p))
	}
	forward.StripResponse(&fresp.Header)
	resp.Reset()
	fresp.Header.CopyTo(&resp.Header)
	if stream := fresp.BodyStream(); stream != nil {
		resp.SetBodyStream(&responseBody{Reader: stream, resp: fresp}, fresp.Header.ContentLength())
	} else {
		resp.SetBody(fresp.Body())
		fasthttp.ReleaseResponse(fresp)
	}
	return true, nil
}

// maxForward bounds a forward when the project sets no time limit.
const maxForward = 15 * time.Minute

// ServeForwarded answers a request another node forwarded, verified by the
// caller: the chain its route names, from the position it was forwarded
// at, with the chain's shared state as the ingress left it. body is the
// user's request body. Function responses say x-placement:
// remote-<region>; a failure that the chain asked to pass through is
// flagged for the ingress, whose asset server answers it.
func (s *Site) ServeForwarded(ctx *fasthttp.RequestCtx, env *forward.Envelope, body []byte) {
	method, route, _ := strings.Cut(env.Route, " ")
	var chainBuf [4]router.Match
	chain := s.chainFor(chainBuf[:0], []byte(method), route)
	if env.Chain > len(chain) {
		ctx.Error("forwarded chain position out of range", fasthttp.StatusBadRequest)
		return
	}
	var buf [256]byte
	path := string(assets.AppendPathname(buf[:0], ctx.URI().PathOriginal()))
	s.serveChain(ctx, path, chain, body, env)
}
