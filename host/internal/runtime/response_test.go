package runtime

import (
	"testing"

	"github.com/wasmpages/wasmpages/abi"
)

func TestValidResponseHead(t *testing.T) {
	head := func(word uint32, pairs ...[2]string) []byte {
		h := abi.EncodeResponseHead(nil, &abi.ResponseHead{Header: pairs})
		h[0], h[1], h[2], h[3] = byte(word), byte(word>>8), byte(word>>16), byte(word>>24)
		return h
	}
	for _, tt := range []struct {
		name string
		head []byte
		ok   bool
	}{
		{"200", head(200), true},
		{"599 with a header", head(599, [2]string{"X-A", "b"}), true},
		{"199", head(199), false},
		{"600", head(600), false},
		{"sniff flag", head(200 | abi.SniffContentType), true},
		{"an unknown flag", head(200 | 1<<17), false},
		{"a flag on a bad status", head(600 | abi.SniffContentType), false},
		{"truncated status", []byte{200, 0}, false},
		{"header name with a space", head(200, [2]string{"X A", "b"}), false},
		{"header value with CRLF", head(200, [2]string{"X-A", "b\r\nSet-Cookie: x"}), false},
		{"half a pair", append(head(200), 3, 0, 0, 0, 'X', '-', 'A'), false},
	} {
		if got := validResponseHead(tt.head); got != tt.ok {
			t.Errorf("%s: valid = %v, want %v", tt.name, got, tt.ok)
		}
	}
}

// finishHead leaves a plain status and adds the sniffed Content-Type only
// when asked, when there is none, and when there is a body.
func TestFinishHead(t *testing.T) {
	for _, tt := range []struct {
		name   string
		word   uint32
		header [][2]string
		body   string
		want   []string
	}{
		{"sniffed text", 200 | abi.SniffContentType, nil, "Hello", []string{"text/plain; charset=utf-8"}},
		{"sniffed html", 404 | abi.SniffContentType, [][2]string{{"X-A", "b"}}, "<html><p>x", []string{"text/html; charset=utf-8"}},
		{"own type kept", 200 | abi.SniffContentType, [][2]string{{"content-type", "application/json"}}, "{}", []string{"application/json"}},
		{"no body, no type", 200 | abi.SniffContentType, nil, "", nil},
		{"not asked", 200, nil, "Hello", nil},
	} {
		c := &Call{ResponseBody: []byte(tt.body), headSet: true}
		c.ResponseHead = abi.EncodeResponseHead(nil, &abi.ResponseHead{Status: int(tt.word & 0xffff), Header: tt.header})
		c.ResponseHead[2] = byte(tt.word >> 16)
		c.finishHead()
		h, err := abi.DecodeResponseHead(c.ResponseHead)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		var got []string
		for _, kv := range h.Header {
			if kv[0] == "Content-Type" || kv[0] == "content-type" {
				got = append(got, kv[1])
			}
		}
		if h.Status != int(tt.word&0xffff) || c.Status() != h.Status || len(got) != len(tt.want) || (len(got) > 0 && got[0] != tt.want[0]) {
			t.Errorf("%s: status %d, Content-Type %q, want %d %q", tt.name, h.Status, got, tt.word&0xffff, tt.want)
		}
	}
}
