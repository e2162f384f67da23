package site

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/wasmpages/wasmpages/abi"
	"github.com/wasmpages/wasmpages/host/internal/forward"
	"github.com/wasmpages/wasmpages/host/internal/router"
	"github.com/wasmpages/wasmpages/host/internal/runtime"
)

// request is one client request on its way through a chain: the
// middleware that applies, then the route's module, then the asset server
// (spec §2.3). Each module runs in its own instance; a module's next()
// (abi.FetchNext) runs the rest of the chain while its instance waits.
type request struct {
	s     *Site
	ctx   *fasthttp.RequestCtx
	chain []router.Match
	// chainBuf holds chain when it is short, saving an allocation.
	chainBuf [4]router.Match
	shared   runtime.Chain
	// failed is set once a module of the chain failed, for
	// passThroughOnException; a time limit is not a failure it covers.
	failed bool
	// deadline is the request's: every module of the chain shares the
	// time limit.
	deadline time.Time
	// route is the method and resolved pathname that chose the chain, as
	// a forward names it; set only on a site with a Remote.
	route string
	// placement is the x-placement of the responses: where the deepest
	// module that answered ran.
	placement placementHeader
	// forwarded is set on a request another node forwarded here: it never
	// forwards again.
	forwarded bool
	// ingress is the region the request entered.
	ingress string
	// runs are the modules run or forwarded, when the site has a Remote.
	runs []Run
}

// serveChain answers the request through chain. A request forwarded by
// another node starts at position fw.Chain, with the chain's shared state
// as the ingress left it.
func (s *Site) serveChain(ctx *fasthttp.RequestCtx, pathname string, chain []router.Match, body []byte, fw *forward.Envelope) {
	arrived := ctx.Time() // when fasthttp began the request
	if arrived.IsZero() {
		arrived = time.Now()
	}
	r := &request{s: s, ctx: ctx, placement: s.header, ingress: s.opts.Region}
	r.chain = append(r.chainBuf[:0], chain...)
	if s.opts.Remote != nil {
		r.route = string(ctx.Method()) + " " + pathname
	}
	r.shared.NoPassThrough = s.worker != nil // not in advanced mode (spec §2.5)
	if s.limits.Timeout > 0 {
		r.deadline = arrived.Add(s.limits.Timeout)
	}
	start := 0
	if fw != nil {
		r.forwarded, r.placement, r.ingress = true, s.remoteHeader, fw.Ingress
		r.shared.Data, r.shared.PassThrough = fw.Data, fw.PassThrough
		start = fw.Chain
	}
	hp := heads.Get().(*[]byte)
	defer heads.Put(hp)
	head := appendRequestHead((*hp)[:0], ctx, pathname)
	*hp = head
	resp := &ctx.Response
	if err := r.serve(start, head, body, resp); err != nil {
		r.writeError(resp, err)
	}
	switch {
	case r.failed && r.shared.PassThrough && fw != nil:
		// The ingress falls back to its own asset server.
		resp.Header.Set(forward.HeaderFailed, "1")
	case r.failed && r.shared.PassThrough:
		// Fail open: the asset server answers the original request.
		resp.Reset()
		s.assets.Serve(&ctx.Request, resp)
	}
	if fw != nil && !bytes.Equal(r.shared.Data, fw.Data) && forward.HasBody(ctx.Method(), resp.StatusCode()) {
		// The modules before the forward, on the ingress, see what the
		// ones here set (context.data is the whole chain's). A response
		// that has no body cannot carry it: they keep theirs.
		forward.SetResponseData(resp, r.shared.Data)
	}
	if s.opts.Remote != nil {
		r.report(resp, time.Since(arrived))
	}
}

// report tells the node what ran where: the ingress adds Server-Timing to
// the response, a target the timing the ingress reads back.
func (r *request) report(resp *fasthttp.Response, took time.Duration) {
	for i := range r.runs {
		r.runs[i].Duration = took
	}
	switch {
	case r.forwarded && len(r.runs) > 0:
		setTiming(resp, &r.runs[0])
	case !r.forwarded:
		resp.Header.SetBytesV("Server-Timing", serverTiming(r.ingress, r.runs))
	}
	if obs := r.s.opts.Remote.Observe; obs != nil && len(r.runs) > 0 {
		obs(r.runs)
	}
}

var (
	callPool = sync.Pool{New: func() any { return new(runtime.Call) }}
	heads    = sync.Pool{New: func() any { return new([]byte) }}
)

// serve runs element i of the chain for the request described by head and
// body, writing its response into resp. Past the last module, the asset
// server answers.
func (r *request) serve(i int, head, body []byte, resp *fasthttp.Response) error {
	if i == len(r.chain) {
		return r.serveAssets(head, body, resp)
	}
	s, match := r.s, r.chain[i]
	var run *Run
	if s.opts.Remote != nil {
		run = r.addRun(match.Route.Module)
		if !r.forwarded {
			if done, err := r.forward(i, head, body, resp, run); done {
				return err
			}
		}
	}
	if err := s.broken[match.Route.Module]; err != nil {
		r.failed = true
		return &runtime.Error{Status: http.StatusInternalServerError, Module: s.moduleName(match.Route.Module), Reason: "failed to load", Err: err}
	}
	c := callPool.Get().(*runtime.Call)
	defer func() {
		c.Reset()
		callPool.Put(c)
	}()
	c.RequestHead = append(c.RequestHead[:0], head...)
	c.RequestBody = body
	for _, p := range match.Params {
		c.Params = runtime.AppendParams(c.Params, p.Name, p.Values)
	}
	c.Chain = &r.shared
	c.Fetcher = chainFetcher{r: r, next: i + 1, head: head, run: run}
	c.Limits = s.limits
	c.Deadline = r.deadline
	var start time.Time
	if run != nil {
		start = time.Now()
	}
	err := s.modules[match.Route.Module].Invoke(context.Background(), c)
	if run != nil {
		run.Exec = time.Since(start)
	}
	if err != nil {
		if e, ok := err.(*runtime.Error); !ok || e.Status != http.StatusGatewayTimeout {
			r.failed = true
		}
		return err
	}
	writeResponse(resp, c)
	r.placement.set(resp)
	return nil
}

// writeResponse copies a module's response into resp, leaving out the
// headers that are the server's to set.
func writeResponse(resp *fasthttp.Response, c *runtime.Call) {
	d := abi.NewDecoder(c.ResponseHead)
	status, _ := d.Uint32()
	resp.SetStatusCode(int(status))
	for d.More() {
		// The runtime validated the head, so it decodes.
		name, _ := d.Bytes()
		value, _ := d.Bytes()
		if hopByHop(name) || forward.IsInternal(name) {
			// Only nodes speak the internal headers: a function that
			// copies a back end's must not steer the ingress.
			continue
		}
		resp.Header.AddBytesKV(name, value)
	}
	resp.SetBody(c.ResponseBody)
}

// serveAssets answers the end of the chain from the asset server.
func (r *request) serveAssets(head, body []byte, resp *fasthttp.Response) error {
	h, err := abi.DecodeRequestHead(head)
	if err != nil {
		return err
	}
	req := fasthttp.AcquireRequest()
	defer fasthttp.ReleaseRequest(req)
	req.Header.SetMethod(h.Method)
	for _, kv := range h.Header {
		req.Header.Add(kv[0], kv[1])
	}
	req.SetRequestURI(h.URL)
	req.SetBody(body)
	r.s.assets.Serve(req, resp)
	return nil
}

// headURL returns the URL of an encoded request head.
func headURL(head []byte) string {
	d := abi.NewDecoder(head)
	d.Bytes()
	u, _ := d.String()
	return u
}

// chainFetcher serves one module's subrequests: next() runs the rest of
// its chain, the rest goes to the site's fetcher.
type chainFetcher struct {
	r    *request
	next int
	head []byte // of the request the module got, to resolve next's URL
	run  *Run   // where its back-end round trips are counted, or nil
}

func (f chainFetcher) Fetch(ctx context.Context, kind abi.FetchKind, req *runtime.Subrequest) (*runtime.Subresponse, error) {
	switch kind {
	case abi.FetchAssets:
		return f.r.s.fetcher.fetchAsset(string(f.r.ctx.Host()), req)
	case abi.FetchNext:
		return f.fetchNext(req)
	}
	start := time.Now()
	resp, origin, err := fetchNetwork(ctx, f.r.s.transport, req)
	if err == nil && f.run != nil {
		// A round trip that got an answer: a refused connection is quick
		// and would make a region look close to its back end.
		f.run.addBackend(origin, time.Since(start))
	}
	return resp, err
}

// fetchNext runs the rest of the chain with the request the module passed
// on; a failure further down reaches the module as the error response the
// client would have had.
func (f chainFetcher) fetchNext(req *runtime.Subrequest) (*runtime.Subresponse, error) {
	base, err := url.Parse(headURL(f.head))
	if err != nil {
		return nil, runtime.ErrBadSubrequest
	}
	u, err := base.Parse(req.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, runtime.ErrBadSubrequest
	}
	head := abi.EncodeRequestHead(nil, &abi.RequestHead{Method: req.Method, URL: u.String(), Header: req.Header})
	resp := fasthttp.AcquireResponse()
	if err := f.r.serve(f.next, head, req.Body, resp); err != nil {
		f.r.writeError(resp, err)
	}
	return subresponse(resp), nil
}

// addRun starts the record of a module's run, in the region that runs it
// unless it is forwarded.
func (r *request) addRun(module string) *Run {
	if r.runs == nil {
		r.runs = make([]Run, 0, len(r.chain))
	}
	r.runs = append(r.runs, Run{Module: module, Ingress: r.ingress, Ran: r.s.opts.Region})
	return &r.runs[len(r.runs)-1]
}

// moduleName is how messages name a module.
func (s *Site) moduleName(key string) string {
	if key == workerFile {
		return s.project.OutputDir + "/" + workerFile
	}
	return "functions/" + key
}
