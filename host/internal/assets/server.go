package assets

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/valyala/fasthttp"
)

// Redirects finds the _redirects rule for a request (spec §2.10). It is
// implemented by the rules package; a Server calls it once per request, from
// many goroutines at once. The path and query are given as the WHATWG URL
// parser leaves them (what the reference matches): percent-encoded, with "."
// and ".." segments resolved and '\' read as '/'. host is lowercase.
type Redirects interface {
	// Lookup finds the _redirects rule for a request: host without port, the raw (percent-encoded) path, and the raw query (no '?').
	// For status 200 (rewrite) target is the path to serve instead; otherwise target is the full Location value to send (already built).
	Lookup(host, path, query string) (status int, target string, ok bool)
}

// Headers finds the _headers rules for a request (spec §2.11). It is
// implemented by the rules package; a Server calls it once per response with
// a status below 500, from many goroutines at once.
type Headers interface {
	// Each calls fn, in file order, for every _headers rule matching host and the raw path: the names the rule unsets and the
	// (lowercased name, resolved value) pairs it sets, in order.
	Each(host, path string, fn func(unset []string, set [][2]string))
}

// Options are the deployment's rules. The zero value serves the directory
// with no _redirects and no _headers.
type Options struct {
	// Redirects is the deployment's _redirects; nil means none.
	Redirects Redirects
	// Headers is the deployment's _headers; nil means none.
	Headers Headers
}

// Server serves one deployment's static output directory with Pages semantics
// (spec §2.8). It is safe for concurrent use and immutable after New: files
// added, changed or removed afterwards are not seen (a file streamed from
// disk is reopened on each request, but keeps its indexed size and ETag).
type Server struct {
	dir       string // absolute, symlinks resolved
	files     map[string]*file
	max404    int // length of the longest ".../404.html" key, 0 if none
	redirects Redirects
	headers   Headers
}

// New indexes dir once: it walks it, reads and hashes every servable file
// (for its ETag), and keeps the bytes of small files in memory. See the
// package doc for what is never served and how symlinks are treated.
func New(dir string, opts Options) (*Server, error) {
	return newServer(dir, opts, limits{maxFile: maxMemoryFile, budget: memoryBudget})
}

func newServer(dir string, opts Options, lim limits) (*Server, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("assets: %w", err)
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return nil, fmt.Errorf("assets: opening %s: %w", dir, err)
	}
	fi, err := os.Stat(real)
	if err != nil {
		return nil, fmt.Errorf("assets: opening %s: %w", dir, err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("assets: opening %s: not a directory", dir)
	}
	files, err := index(real, lim)
	if err != nil {
		return nil, err
	}
	s := &Server{dir: real, files: files, redirects: opts.Redirects, headers: opts.Headers}
	for key := range files {
		if strings.HasSuffix(key, "/404.html") {
			s.max404 = max(s.max404, len(key))
		}
	}
	return s, nil
}

// Len returns the number of files indexed.
func (s *Server) Len() int { return len(s.files) }

// Serve answers req in resp with a full pass of the asset server (spec §2.8):
// _redirects, the method check, pretty URLs, 404 handling, ETags and the
// headers stage. It is used for requests to the site and for functions'
// assets fetches alike (spec §2.7). resp should be empty, as fasthttp hands
// it to a handler. For HEAD, resp has SkipBody set and the Content-Length a
// GET would have, and no body. The body of a file kept in memory is shared
// by every response and must not be modified. A body streamed from disk is
// an *os.File that fasthttp closes once written; a caller reading resp itself
// must close it (Response.CloseBodyStream). Serve does not retain req or resp.
func (s *Server) Serve(req *fasthttp.Request, resp *fasthttp.Response) {
	st := statePool.Get().(*state)
	st.s, st.req, st.resp = s, req, resp
	st.names = &canonicalNames
	if !normalizes(&resp.Header) {
		st.names = &lowerNames
	}
	resp.Header.SetNoDefaultContentType(true)
	status := st.serve()
	resp.SetStatusCode(status)
	if status < 500 {
		st.headersStage(status)
	}
	st.release()
}

// state is one request in flight: scratch buffers reused through statePool,
// so that serving a file allocates nothing.
type state struct {
	s     *Server
	req   *fasthttp.Request
	resp  *fasthttp.Response
	names *names

	head  bool   // the method is HEAD: headers only
	hasCT bool   // a content-type has been set
	host  string // for the rules, set only when there are some
	path  string

	pathname []byte // the request's normalised, percent-encoded pathname
	query    []byte // its normalised query, without '?'
	rewrite  []byte // pathname set by a 200 _redirects rule
	decoded  []byte
	key      []byte // index key being looked up
	loc      []byte
	val      []byte

	setNames []string // names set by _headers so far in this response
	apply    func(unset []string, set [][2]string)
}

var statePool = sync.Pool{New: func() any {
	st := new(state)
	st.apply = st.applyRule
	return st
}}

// maxPooledBytes bounds the scratch space a state keeps between requests; one
// that grew past it (on a huge path) is left to the garbage collector.
const maxPooledBytes = 64 << 10

func (st *state) release() {
	if cap(st.pathname)+cap(st.query)+cap(st.rewrite)+cap(st.decoded)+cap(st.key)+cap(st.loc)+cap(st.val) > maxPooledBytes {
		return
	}
	st.s, st.req, st.resp, st.names = nil, nil, nil, nil
	st.head, st.hasCT = false, false
	st.host, st.path = "", ""
	clear(st.setNames)
	st.setNames = st.setNames[:0]
	statePool.Put(st)
}

// serve runs spec §2.8 steps 1-6 and returns the status.
func (st *state) serve() int {
	s, req := st.s, st.req
	uri := req.URI()
	raw := uri.PathOriginal()
	st.pathname = appendPathname(st.pathname[:0], raw)
	st.query = appendQuery(st.query[:0], uri.QueryString())
	method := req.Header.Method()
	st.head = bytes.EqualFold(method, strHEAD)
	if s.redirects != nil || s.headers != nil {
		st.host = string(hostname(uri.Host()))
		st.path = string(st.pathname)
	}
	if hasControlByte(req.Header.RequestURI()) || hasControlByte(raw) || badPath(st.pathname) {
		return fasthttp.StatusBadRequest
	}

	// Step 1: redirects, looked up once; a rewrite is not looked up again.
	lookup := st.pathname
	if s.redirects != nil {
		if status, target, ok := s.redirects.Lookup(st.host, st.path, string(st.query)); ok {
			if status != fasthttp.StatusOK {
				return st.redirect(status, target)
			}
			st.rewrite = appendTargetPath(st.rewrite[:0], target)
			if badPath(st.rewrite) {
				return fasthttp.StatusBadRequest
			}
			lookup = st.rewrite
		}
	}

	// Step 2: only GET and HEAD read assets.
	if !st.head && !bytes.EqualFold(method, strGET) {
		return fasthttp.StatusMethodNotAllowed
	}

	// Step 3: decodeURIComponent, keeping the raw path when it throws.
	var ok bool
	if st.decoded, ok = appendDecoded(st.decoded[:0], lookup); !ok {
		st.decoded = append(st.decoded[:0], lookup...)
	}
	return st.pretty(st.decoded)
}

// badPath reports whether a normalised pathname is answered 400: longer than
// maxPathLen, or holding an encoded NUL (a raw one was encoded to "%00").
func badPath(p []byte) bool {
	return len(p) > maxPathLen || bytes.Contains(p, strEncodedNUL)
}

// appendTargetPath appends the pathname of a 200 rule's target, as
// `new URL(target, request.url).pathname` gives it: scheme, authority, query
// and fragment dropped, then normalised like a request's path.
func appendTargetPath(dst []byte, target string) []byte {
	if i := strings.IndexAny(target, "?#"); i >= 0 {
		target = target[:i]
	}
	if i := strings.IndexByte(target, ':'); i > 0 && !strings.ContainsAny(target[:i], "/\\") {
		target = target[i+1:]
	}
	if len(target) >= 2 && isSlash(target[0]) && isSlash(target[1]) {
		target = target[2:]
		i := strings.IndexAny(target, "/\\")
		if i < 0 {
			target = ""
		} else {
			target = target[i:]
		}
	}
	return appendPathname(dst, []byte(target))
}

func isSlash(c byte) bool { return c == '/' || c == '\\' }

var (
	strGET        = []byte(fasthttp.MethodGet)
	strHEAD       = []byte(fasthttp.MethodHead)
	strEncodedNUL = []byte("%00")
)
