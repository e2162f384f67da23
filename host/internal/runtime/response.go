package runtime

import (
	"bytes"
	"context"
	"net/http"

	"github.com/tetratelabs/wazero/api"

	"github.com/wasmpages/wasmpages/abi"
)

var responseHeadFunc = hostFunc{
	name:   abi.FuncResponseHead,
	params: []string{"head", "head_len"},
	fn: func(_ context.Context, c *Call, mod api.Module, stack []uint64) int32 {
		if c.headSet {
			return abi.ErrState
		}
		head, ok := view(mod, u32(stack, 0), u32(stack, 1))
		if !ok {
			return c.fault(abi.FuncResponseHead)
		}
		if !validResponseHead(head) {
			return abi.ErrInvalid
		}
		c.ResponseHead = append(c.ResponseHead[:0], head...)
		c.headSet = true
		return 0
	},
}

var responseBodyWriteFunc = hostFunc{
	name:   abi.FuncResponseBodyWrite,
	params: []string{"buf", "buf_len"},
	fn: func(_ context.Context, c *Call, mod api.Module, stack []uint64) int32 {
		if !c.headSet {
			return abi.ErrState
		}
		buf, ok := view(mod, u32(stack, 0), u32(stack, 1))
		if !ok {
			return c.fault(abi.FuncResponseBodyWrite)
		}
		if int64(len(c.ResponseBody))+int64(len(buf)) > c.Limits.ResponseBody {
			c.limitMsg = responseLimitMsg
			return abi.ErrLimit
		}
		c.ResponseBody = append(c.ResponseBody, buf...)
		return 0
	},
}

// validResponseHead checks a response head without allocating: a status in
// 200..599, no flags but abi.SniffContentType, and whole header pairs with
// names that are valid tokens.
func validResponseHead(head []byte) bool {
	d := abi.NewDecoder(head)
	word, err := d.Uint32()
	status := word & 0xffff
	if err != nil || status < 200 || status > 599 || word&^0xffff&^abi.SniffContentType != 0 {
		return false
	}
	for d.More() {
		name, err := d.Bytes()
		if err != nil || !validHeaderName(name) {
			return false
		}
		value, err := d.Bytes()
		if err != nil || !validHeaderValue(value) {
			return false
		}
	}
	return true
}

// validHeaderName reports whether name is an HTTP token (RFC 9110 5.6.2).
func validHeaderName(name []byte) bool {
	if len(name) == 0 {
		return false
	}
	for _, b := range name {
		if !tokenChar[b] {
			return false
		}
	}
	return true
}

// validHeaderValue rejects control characters other than tab, so a guest
// cannot split a response with CR or LF.
func validHeaderValue(v []byte) bool {
	for _, b := range v {
		if (b < ' ' && b != '\t') || b == 0x7f {
			return false
		}
	}
	return true
}

var tokenChar = func() (t [256]bool) {
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] = true
		t[c-'a'+'A'] = true
	}
	for _, c := range "!#$%&'*+-.^_`|~" {
		t[c] = true
	}
	return t
}()

// finishHead applies the flags of a successful response's head, now that
// the body is complete, and leaves a plain status: with
// abi.SniffContentType and no Content-Type, the sniffed one is added.
func (c *Call) finishHead() {
	h := c.ResponseHead
	if len(h) < 4 || h[2]|h[3] == 0 {
		return
	}
	h[2], h[3] = 0, 0
	if len(c.ResponseBody) == 0 || hasHeader(h[4:], "Content-Type") {
		return
	}
	h = abi.AppendString(h, "Content-Type")
	c.ResponseHead = abi.AppendString(h, http.DetectContentType(c.ResponseBody))
}

// hasHeader reports whether the header pairs of a valid head name name.
func hasHeader(pairs []byte, name string) bool {
	d := abi.NewDecoder(pairs)
	for d.More() {
		n, _ := d.Bytes()
		d.Bytes()
		if bytes.EqualFold(n, []byte(name)) {
			return true
		}
	}
	return false
}
