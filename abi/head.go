package abi

import (
	"encoding/binary"
	"errors"
)

// ErrMalformedHead is returned by the decoders for a head that does not
// follow the encoding of the package doc.
var ErrMalformedHead = errors.New("abi: malformed head")

// RequestHead is the decoded form of a request head.
type RequestHead struct {
	Method string
	URL    string
	// Header holds name, value pairs in order; names may repeat.
	Header [][2]string
}

// ResponseHead is the decoded form of a response head.
type ResponseHead struct {
	Status int
	Header [][2]string
}

// AppendString appends s in the head encoding: its u32 length, then its bytes.
func AppendString(dst []byte, s string) []byte {
	dst = binary.LittleEndian.AppendUint32(dst, uint32(len(s)))
	return append(dst, s...)
}

// AppendBytes is AppendString for a byte slice.
func AppendBytes(dst, s []byte) []byte {
	dst = binary.LittleEndian.AppendUint32(dst, uint32(len(s)))
	return append(dst, s...)
}

// EncodeRequestHead appends the encoding of h to dst.
func EncodeRequestHead(dst []byte, h *RequestHead) []byte {
	dst = AppendString(dst, h.Method)
	dst = AppendString(dst, h.URL)
	return appendHeader(dst, h.Header)
}

// EncodeResponseHead appends the encoding of h to dst.
func EncodeResponseHead(dst []byte, h *ResponseHead) []byte {
	dst = binary.LittleEndian.AppendUint32(dst, uint32(h.Status))
	return appendHeader(dst, h.Header)
}

func appendHeader(dst []byte, header [][2]string) []byte {
	for _, kv := range header {
		dst = AppendString(dst, kv[0])
		dst = AppendString(dst, kv[1])
	}
	return dst
}

// DecodeRequestHead decodes a request head.
func DecodeRequestHead(b []byte) (RequestHead, error) {
	var h RequestHead
	var err error
	d := Decoder{b: b}
	if h.Method, err = d.String(); err != nil {
		return h, err
	}
	if h.URL, err = d.String(); err != nil {
		return h, err
	}
	h.Header, err = d.header()
	return h, err
}

// DecodeResponseHead decodes a response head.
func DecodeResponseHead(b []byte) (ResponseHead, error) {
	var h ResponseHead
	d := Decoder{b: b}
	status, err := d.Uint32()
	if err != nil {
		return h, err
	}
	if status > 999 {
		return h, ErrMalformedHead
	}
	h.Status = int(status)
	h.Header, err = d.header()
	return h, err
}

// Decoder reads the head encoding without copying: the strings it returns
// from Bytes alias the input.
type Decoder struct {
	b []byte
}

// NewDecoder returns a decoder over b.
func NewDecoder(b []byte) *Decoder { return &Decoder{b: b} }

// More reports whether anything is left to decode.
func (d *Decoder) More() bool { return len(d.b) > 0 }

// Uint32 decodes a little-endian u32.
func (d *Decoder) Uint32() (uint32, error) {
	if len(d.b) < 4 {
		return 0, ErrMalformedHead
	}
	v := binary.LittleEndian.Uint32(d.b)
	d.b = d.b[4:]
	return v, nil
}

// Bytes decodes a string and returns it as a slice of the input.
func (d *Decoder) Bytes() ([]byte, error) {
	n, err := d.Uint32()
	if err != nil {
		return nil, err
	}
	if uint64(n) > uint64(len(d.b)) {
		return nil, ErrMalformedHead
	}
	s := d.b[:n:n]
	d.b = d.b[n:]
	return s, nil
}

// String decodes a string.
func (d *Decoder) String() (string, error) {
	b, err := d.Bytes()
	return string(b), err
}

func (d *Decoder) header() ([][2]string, error) {
	var header [][2]string
	for d.More() {
		name, err := d.String()
		if err != nil {
			return nil, err
		}
		value, err := d.String()
		if err != nil {
			return nil, err
		}
		header = append(header, [2]string{name, value})
	}
	return header, nil
}
