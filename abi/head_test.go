package abi

import (
	"bytes"
	"errors"
	"reflect"
	"testing"
)

func TestRequestHeadRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		head RequestHead
	}{
		{"no headers", RequestHead{Method: "GET", URL: "http://example.com/"}},
		{"headers", RequestHead{Method: "POST", URL: "https://a.example/x?y=1", Header: [][2]string{
			{"content-type", "text/plain"}, {"x-a", "1"}, {"x-a", "2"}, {"empty", ""},
		}}},
		{"binary values", RequestHead{Method: "PUT", URL: "/\x00\xff", Header: [][2]string{{"\x00", "\xff\xfe"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := EncodeRequestHead(nil, &tt.head)
			got, err := DecodeRequestHead(b)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.head) {
				t.Errorf("got %+v, want %+v", got, tt.head)
			}
		})
	}
}

func TestResponseHeadRoundTrip(t *testing.T) {
	h := ResponseHead{Status: 404, Header: [][2]string{{"content-type", "text/html"}, {"set-cookie", "a=1"}, {"set-cookie", "b=2"}}}
	got, err := DecodeResponseHead(EncodeResponseHead(nil, &h))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, h) {
		t.Errorf("got %+v, want %+v", got, h)
	}
}

func TestDecodeMalformed(t *testing.T) {
	valid := EncodeRequestHead(nil, &RequestHead{Method: "GET", URL: "/", Header: [][2]string{{"a", "b"}}})
	tests := []struct {
		name string
		b    []byte
	}{
		{"empty", nil},
		{"short length", []byte{1, 0}},
		{"length past end", []byte{10, 0, 0, 0, 'G'}},
		{"huge length", []byte{0xff, 0xff, 0xff, 0xff}},
		{"no url", AppendString(nil, "GET")},
		{"name without value", AppendString(EncodeRequestHead(nil, &RequestHead{Method: "GET", URL: "/"}), "x")},
		{"truncated", valid[:len(valid)-1]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := DecodeRequestHead(tt.b); !errors.Is(err, ErrMalformedHead) {
				t.Errorf("err = %v, want ErrMalformedHead", err)
			}
		})
	}
	if _, err := DecodeResponseHead([]byte{1, 2}); !errors.Is(err, ErrMalformedHead) {
		t.Errorf("short status: err = %v", err)
	}
	if _, err := DecodeResponseHead([]byte{0xe8, 0x03, 0, 0}); !errors.Is(err, ErrMalformedHead) {
		t.Errorf("status 1000: err = %v", err)
	}
}

func TestErrorCodesAreNegativeAndDistinct(t *testing.T) {
	seen := map[int32]bool{}
	for _, c := range []int32{ErrFault, ErrInvalid, ErrState, ErrLimit, ErrNotFound, ErrNetwork} {
		if c >= 0 || seen[c] {
			t.Errorf("code %d is not negative or not distinct", c)
		}
		seen[c] = true
		if ErrorText(c) == "unknown error" {
			t.Errorf("code %d has no text", c)
		}
	}
}

func FuzzDecodeRequestHead(f *testing.F) {
	f.Add(EncodeRequestHead(nil, &RequestHead{Method: "GET", URL: "https://x/", Header: [][2]string{{"a", "b"}}}))
	f.Add([]byte{})
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		h, err := DecodeRequestHead(b)
		if err != nil {
			return
		}
		// What decodes re-encodes to the same bytes.
		if again := EncodeRequestHead(nil, &h); !bytes.Equal(again, b) {
			t.Fatalf("re-encoding differs:\n%x\n%x", b, again)
		}
	})
}

func FuzzDecodeResponseHead(f *testing.F) {
	f.Add(EncodeResponseHead(nil, &ResponseHead{Status: 200, Header: [][2]string{{"a", "b"}}}))
	f.Add([]byte{200, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		h, err := DecodeResponseHead(b)
		if err != nil {
			return
		}
		if again := EncodeResponseHead(nil, &h); !bytes.Equal(again, b) {
			t.Fatalf("re-encoding differs:\n%x\n%x", b, again)
		}
	})
}
