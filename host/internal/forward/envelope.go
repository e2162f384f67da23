package forward

import (
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// MaxData is the largest shared data a forwarded request carries: 1 MiB.
const MaxData = 1 << 20

// maxChain is the largest chain position the envelope carries.
const maxChain = 999999

// Envelope is what a forwarded request carries besides the user's request:
// the deployment and chain position it is pinned to, where it came from,
// and the chain's shared state. Sign fills in the fields below Data; Verify
// returns them all but Data, which ReadData reads from the body.
type Envelope struct {
	// Project is the project's name, a DNS label.
	Project string
	// Deployment is the deployment id, 64 lowercase hex digits. The target
	// runs the request only if it runs this deployment as active.
	Deployment string
	// Chain is the position in the chain of the first module to run.
	Chain int
	// Route is the route the ingress resolved the chain for, such as
	// "GET /api/x"; it may be empty.
	Route string
	// Ingress is the region of the node that received the user's request,
	// a DNS label.
	Ingress string
	// PassThrough is the chain's pass-through-on-exception flag.
	PassThrough bool
	// Data is the chain's shared data, at most MaxData bytes, sent first in
	// the body. Sign keeps a reference to it: it must not change until the
	// request has been sent.
	Data []byte

	// Time is when the request was signed, to the millisecond.
	Time time.Time
	// Nonce is the request's random nonce, 32 lowercase hex digits.
	Nonce string
	// DataLength is the length of the shared data.
	DataLength int
	// DataSHA256 is the SHA-256 of the shared data in lowercase hex, or
	// empty when there is none.
	DataSHA256 string
}

// validate checks the fields a caller of Sign sets.
func (e *Envelope) validate() error {
	switch {
	case !isLabel(e.Project):
		return fmt.Errorf("forward: project %q is not a DNS label", e.Project)
	case !isHex(e.Deployment, 64):
		return fmt.Errorf("forward: deployment %q is not 64 lowercase hex digits", e.Deployment)
	case e.Chain < 0 || e.Chain > maxChain:
		return fmt.Errorf("forward: chain position %d out of range", e.Chain)
	case !isLabel(e.Ingress):
		return fmt.Errorf("forward: ingress region %q is not a DNS label", e.Ingress)
	case len(e.Data) > MaxData:
		return fmt.Errorf("forward: shared data of %d bytes is over the %d-byte limit", len(e.Data), MaxData)
	}
	return nil
}

// fields are an envelope's header values as sent, in canonical order.
type fields struct {
	project, deployment, chain, route, ingress            string
	timestamp, nonce, passThrough, dataLength, dataSHA256 string
}

// fields formats e's header values. passThrough and dataLength are their
// canonical values ("0" for none), not what the headers hold.
func (e *Envelope) fields() fields {
	f := fields{
		project: e.Project, deployment: e.Deployment, chain: strconv.Itoa(e.Chain),
		route: encodeRoute(e.Route), ingress: e.Ingress,
		timestamp: strconv.FormatInt(e.Time.UnixMilli(), 10), nonce: e.Nonce,
		passThrough: "0", dataLength: strconv.Itoa(e.DataLength), dataSHA256: e.DataSHA256,
	}
	if e.PassThrough {
		f.passThrough = "1"
	}
	return f
}

// isLabel reports whether s is a DNS label: 1 to 63 lowercase letters,
// digits and hyphens, not starting or ending with a hyphen.
func isLabel(s string) bool {
	if len(s) == 0 || len(s) > 63 || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// isHex reports whether s is n lowercase hex digits.
func isHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// parseDecimal parses a decimal of at most max digits with no sign and no
// leading zeros.
func parseDecimal(s string, max int) (int64, bool) {
	if len(s) == 0 || len(s) > max || (s[0] == '0' && len(s) > 1) {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

// encodeRoute writes each byte of route outside '!'..'~', and each '%', as
// %XX, so that it fits a header value and holds no newline.
func encodeRoute(route string) string {
	const digits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(route); i++ {
		c := route[i]
		if c > ' ' && c < 0x7f && c != '%' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(digits[c>>4])
		b.WriteByte(digits[c&15])
	}
	return b.String()
}

// decodeRoute reverses encodeRoute; it reports false for bytes outside
// '!'..'~' and for a '%' not followed by two hex digits.
func decodeRoute(s string) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c <= ' ' || c >= 0x7f:
			return "", false
		case c != '%':
			b.WriteByte(c)
		case i+2 < len(s):
			v, err := hex.DecodeString(s[i+1 : i+3])
			if err != nil {
				return "", false
			}
			b.WriteByte(v[0])
			i += 2
		default:
			return "", false
		}
	}
	return b.String(), true
}
