package forward

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/valyala/fasthttp"
)

// The errors of Verify and ReadData; the cluster listener answers 401 to
// each.
var (
	// ErrUnsigned is returned for a request whose envelope headers are
	// missing or malformed.
	ErrUnsigned = errors.New("forward: request is not signed")
	// ErrBadSignature is returned for a request whose signature does not
	// match (the wrong secret, or a changed field), and by ReadData for
	// shared data that does not match its signed digest.
	ErrBadSignature = errors.New("forward: bad signature")
	// ErrStale is returned for a request whose timestamp is further than the
	// window from the verifier's clock.
	ErrStale = errors.New("forward: stale timestamp")
	// ErrReplay is returned for a request whose nonce was seen within the
	// window, or that arrives while the nonces of the window fill the
	// replay cache.
	ErrReplay = errors.New("forward: replayed nonce")
)

// DefaultWindow is how far a timestamp may be from the verifier's clock when
// NewSigner is given no window.
const DefaultWindow = 10 * time.Second

// canonicalPrefix is the first line of the canonical string.
const canonicalPrefix = "wasmpages-forward-v1"

// Signer signs and verifies forwarded requests under the cluster secret. It
// remembers the nonces it verified (at most 1,048,576 of them, each for
// twice the window) to refuse replays. It is safe for concurrent use.
type Signer struct {
	key    []byte
	window time.Duration
	replay *replayCache
}

// NewSigner returns a Signer for the cluster secret, which should be at
// least 32 random bytes (it is copied). A timestamp further than window from
// the verifier's clock, either way, is stale; window <= 0 means
// DefaultWindow. The clocks of the nodes must agree to well within the
// window.
func NewSigner(secret []byte, window time.Duration) *Signer {
	return newSigner(secret, window, defaultReplayCapacity)
}

func newSigner(secret []byte, window time.Duration, capacity int) *Signer {
	if window <= 0 {
		window = DefaultWindow
	}
	return &Signer{
		key:    bytes.Clone(secret),
		window: window,
		replay: newReplayCache(2*window, capacity),
	}
}

// Sign fills in env (Time, Nonce, DataLength and DataSHA256), sets its
// headers and the signature on req, and sets req's body to env.Data followed
// by body, streamed: bodySize bytes, or until io.EOF if bodySize is -1 (a
// nil body is empty). req's method, request URI and Host (the Host header,
// or else the URI's host) must be final: they are signed as req will send
// them, path unnormalised. Any internal header req had is removed first.
// Sign fails, leaving req unsigned, when a field of env is out of its
// format (see the package doc) or req has no host.
func (s *Signer) Sign(req *fasthttp.Request, env *Envelope, body io.Reader, bodySize int, now time.Time) error {
	if err := env.validate(); err != nil {
		return err
	}
	Strip(&req.Header)
	req.UseHostHeader = true
	uri := req.URI()
	uri.DisablePathNormalizing = true
	if len(req.Header.Host()) == 0 {
		req.Header.SetHostBytes(uri.Host())
	}
	method, requestURI, host := req.Header.Method(), uri.RequestURI(), req.Header.Host()
	switch {
	case len(host) == 0:
		return errors.New("forward: signing a request with no host")
	case hasControl(method) || hasControl(requestURI) || hasControl(host):
		return errors.New("forward: signing a request with a control byte in its method, URI or host")
	}

	var nonce [16]byte
	_, _ = rand.Read(nonce[:]) // never fails (crypto/rand)
	env.Nonce = hex.EncodeToString(nonce[:])
	env.Time = time.UnixMilli(now.UnixMilli())
	env.DataLength, env.DataSHA256 = len(env.Data), ""
	if len(env.Data) > 0 {
		sum := sha256.Sum256(env.Data)
		env.DataSHA256 = hex.EncodeToString(sum[:])
	}
	f := env.fields()
	sig := s.sign(method, requestURI, host, &f)

	h := &req.Header
	h.Set(HeaderProject, f.project)
	h.Set(HeaderDeployment, f.deployment)
	h.Set(HeaderChain, f.chain)
	if f.route != "" {
		h.Set(HeaderRoute, f.route)
	}
	h.Set(HeaderIngress, f.ingress)
	h.Set(HeaderTimestamp, f.timestamp)
	h.Set(HeaderNonce, f.nonce)
	if env.PassThrough {
		h.Set(HeaderPassThrough, "1")
	}
	if env.DataLength > 0 {
		h.Set(HeaderDataLength, f.dataLength)
		h.Set(HeaderDataSHA256, f.dataSHA256)
	}
	h.Set(HeaderSignature, hex.EncodeToString(sig))

	if body == nil {
		bodySize = 0
	}
	switch {
	case len(env.Data) == 0 && bodySize == 0:
		req.ResetBody()
	case bodySize < 0:
		req.SetBodyStream(&signedBody{data: env.Data, body: body}, -1)
	default:
		req.SetBodyStream(&signedBody{data: env.Data, body: body}, len(env.Data)+bodySize)
	}
	return nil
}

// Verify checks the envelope of a request received on the cluster listener
// and returns it (without Data: see ReadData). It checks, in order, that
// every envelope header is present and well formed (else ErrUnsigned), the
// signature (ErrBadSignature), that the timestamp is within the window of
// now (ErrStale), and that the nonce was not seen within the window
// (ErrReplay); the nonce is remembered only once all the rest passed.
func (s *Signer) Verify(req *fasthttp.Request, now time.Time) (*Envelope, error) {
	env, f, sig, err := parseEnvelope(&req.Header)
	if err != nil {
		return nil, err
	}
	want := s.sign(req.Header.Method(), req.Header.RequestURI(), req.Header.Host(), f)
	if !hmac.Equal(sig, want) {
		return nil, ErrBadSignature
	}
	if d := now.Sub(env.Time); d > s.window || d < -s.window {
		return nil, fmt.Errorf("%w: %v from this node's clock", ErrStale, d.Round(time.Millisecond))
	}
	if err := s.replay.add(env.Nonce, now); err != nil {
		return nil, err
	}
	return env, nil
}

// ReadData reads the shared data (env.DataLength bytes) from the start of a
// verified request's body stream and checks it against env.DataSHA256 (else
// an error that wraps ErrBadSignature). What r holds after it is the
// user's body. It returns nil when there is no data. A nil r is an empty
// body: fasthttp gives a request without a body no body stream.
func ReadData(r io.Reader, env *Envelope) ([]byte, error) {
	if env.DataLength == 0 {
		return nil, nil
	}
	if env.DataLength < 0 || env.DataLength > MaxData {
		return nil, fmt.Errorf("forward: shared data length %d out of range", env.DataLength)
	}
	if r == nil {
		return nil, fmt.Errorf("forward: reading the shared data: %w", io.ErrUnexpectedEOF)
	}
	data := make([]byte, env.DataLength)
	if _, err := io.ReadFull(r, data); err != nil {
		return nil, fmt.Errorf("forward: reading the shared data: %w", err)
	}
	sum := sha256.Sum256(data)
	want, err := hex.DecodeString(env.DataSHA256)
	if err != nil || !hmac.Equal(sum[:], want) {
		return nil, fmt.Errorf("%w: the shared data does not match its digest", ErrBadSignature)
	}
	return data, nil
}

// sign returns the HMAC-SHA256 of the canonical string.
func (s *Signer) sign(method, requestURI, host []byte, f *fields) []byte {
	m := hmac.New(sha256.New, s.key)
	buf := make([]byte, 0, 256+len(requestURI)+len(f.route))
	buf = append(buf, canonicalPrefix...)
	for _, v := range [][]byte{method, requestURI, host} {
		buf = append(append(buf, '\n'), v...)
	}
	for _, v := range []string{f.project, f.deployment, f.chain, f.route, f.ingress,
		f.timestamp, f.nonce, f.passThrough, f.dataLength, f.dataSHA256} {
		buf = append(append(buf, '\n'), v...)
	}
	m.Write(buf)
	return m.Sum(nil)
}

// parseEnvelope reads and checks the envelope headers of h. It returns the
// envelope, its canonical fields and the signature.
func parseEnvelope(h *fasthttp.RequestHeader) (*Envelope, *fields, []byte, error) {
	var bad string
	get := func(name string, required bool) string {
		v := h.Peek(name)
		if len(v) == 0 && required && bad == "" {
			bad = "missing " + name
		}
		return string(v)
	}
	malformed := func(name string) {
		if bad == "" {
			bad = "malformed " + name
		}
	}
	f := &fields{
		project:    get(HeaderProject, true),
		deployment: get(HeaderDeployment, true),
		chain:      get(HeaderChain, true),
		route:      get(HeaderRoute, false),
		ingress:    get(HeaderIngress, true),
		timestamp:  get(HeaderTimestamp, true),
		nonce:      get(HeaderNonce, true),
		dataLength: get(HeaderDataLength, false),
		dataSHA256: get(HeaderDataSHA256, false),
	}
	sigHex := get(HeaderSignature, true)
	if bad != "" {
		return nil, nil, nil, fmt.Errorf("%w: %s", ErrUnsigned, bad)
	}

	env := &Envelope{Project: f.project, Deployment: f.deployment, Ingress: f.ingress,
		Nonce: f.nonce, DataSHA256: f.dataSHA256}
	if !isLabel(f.project) {
		malformed(HeaderProject)
	}
	if !isHex(f.deployment, 64) {
		malformed(HeaderDeployment)
	}
	if n, ok := parseDecimal(f.chain, 6); ok {
		env.Chain = int(n)
	} else {
		malformed(HeaderChain)
	}
	if r, ok := decodeRoute(f.route); ok {
		env.Route = r
	} else {
		malformed(HeaderRoute)
	}
	if !isLabel(f.ingress) {
		malformed(HeaderIngress)
	}
	if ms, ok := parseDecimal(f.timestamp, 15); ok {
		env.Time = time.UnixMilli(ms)
	} else {
		malformed(HeaderTimestamp)
	}
	if !isHex(f.nonce, 32) {
		malformed(HeaderNonce)
	}
	switch pt := get(HeaderPassThrough, false); pt {
	case "":
		f.passThrough = "0"
	case "1":
		f.passThrough, env.PassThrough = "1", true
	default:
		malformed(HeaderPassThrough)
	}
	switch {
	case f.dataLength == "" && f.dataSHA256 == "":
		f.dataLength = "0"
	case f.dataLength == "":
		malformed(HeaderDataSHA256)
	default:
		n, ok := parseDecimal(f.dataLength, 7)
		if !ok || n == 0 || n > MaxData {
			malformed(HeaderDataLength)
		}
		env.DataLength = int(n)
		if !isHex(f.dataSHA256, 64) {
			malformed(HeaderDataSHA256)
		}
	}
	sig, err := hex.DecodeString(sigHex)
	if err != nil || !isHex(sigHex, 64) {
		malformed(HeaderSignature)
	}
	if bad != "" {
		return nil, nil, nil, fmt.Errorf("%w: %s", ErrUnsigned, bad)
	}
	return env, f, sig, nil
}

// hasControl reports whether b holds an ASCII control byte.
func hasControl(b []byte) bool {
	for _, c := range b {
		if c < ' ' || c == 0x7f {
			return true
		}
	}
	return false
}

// signedBody is a signed request's body: the shared data, then the user's
// body. It records whether any of the user's body was read, so that the
// client knows whether the request can still be run elsewhere.
type signedBody struct {
	data     []byte
	body     io.Reader
	bodyRead bool
}

func (b *signedBody) Read(p []byte) (int, error) {
	if len(b.data) > 0 {
		n := copy(p, b.data)
		b.data = b.data[n:]
		return n, nil
	}
	if b.body == nil {
		return 0, io.EOF
	}
	n, err := b.body.Read(p)
	if n > 0 {
		b.bodyRead = true
	}
	return n, err
}
