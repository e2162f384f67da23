package wat

import (
	"bytes"
	"math"
	"testing"
)

func TestParseInt(t *testing.T) {
	tests := []struct {
		in   string
		bits int
		want uint64
		ok   bool
	}{
		{"0", 32, 0, true},
		{"-1", 32, 0xFFFFFFFF, true},
		{"+7", 32, 7, true},
		{"4294967295", 32, 0xFFFFFFFF, true},
		{"4294967296", 32, 0, false},
		{"-2147483648", 32, 0x80000000, true},
		{"-2147483649", 32, 0, false},
		{"0x7fff_ffff", 32, 0x7FFFFFFF, true},
		{"0XFF", 32, 0, false},
		{"-0x80000000", 32, 0x80000000, true},
		{"1_000", 64, 1000, true},
		{"_1", 64, 0, false},
		{"1_", 64, 0, false},
		{"1__0", 64, 0, false},
		{"0x", 64, 0, false},
		{"", 64, 0, false},
		{"-", 64, 0, false},
		{"--1", 64, 0, false},
		{"0xg", 64, 0, false},
		{"12a", 64, 0, false},
		{"18446744073709551615", 64, math.MaxUint64, true},
		{"18446744073709551616", 64, 0, false},
		{"-9223372036854775808", 64, 1 << 63, true},
		{"-9223372036854775809", 64, 0, false},
	}
	for _, tc := range tests {
		got, ok := parseInt(tc.in, tc.bits)
		if ok != tc.ok || got != tc.want {
			t.Errorf("parseInt(%q, %d) = %#x, %v; want %#x, %v", tc.in, tc.bits, got, ok, tc.want, tc.ok)
		}
	}
}

func TestParseFloat(t *testing.T) {
	f32 := func(f float32) uint64 { return uint64(math.Float32bits(f)) }
	tests := []struct {
		in   string
		bits int
		want uint64
		ok   bool
	}{
		{"1.5", 32, f32(1.5), true},
		{"0.1", 32, 0x3DCCCCCD, true},
		{"0.1", 64, math.Float64bits(0.1), true},
		{"-0.0", 64, 1 << 63, true},
		{"1", 64, math.Float64bits(1), true},
		{"1.", 64, math.Float64bits(1), true},
		{"1e3", 64, math.Float64bits(1000), true},
		{"1E-2", 64, math.Float64bits(0.01), true},
		{"1_0.2_5", 64, math.Float64bits(10.25), true},
		{"0x1.8", 64, math.Float64bits(1.5), true},
		{"0x1p-2", 32, f32(0.25), true},
		{"0x1.p4", 64, math.Float64bits(16), true},
		{"inf", 32, 0x7F800000, true},
		{"-inf", 64, 0xFFF0000000000000, true},
		{"nan", 32, 0x7FC00000, true},
		{"-nan", 64, 0xFFF8000000000000, true},
		{"nan:0x1", 32, 0x7F800001, true},
		{"nan:0x7fffff", 32, 0x7FFFFFFF, true},
		{"nan:0x800000", 32, 0, false},
		{"nan:0x0", 32, 0, false},
		{"3.5e38", 32, 0, false},
		{"1e309", 64, 0, false},
		{".5", 64, 0, false},
		{"1e", 64, 0, false},
		{"1e+", 64, 0, false},
		{"0x", 64, 0, false},
		{"0x1p", 64, 0, false},
		{"1_.0", 64, 0, false},
		{"infinity", 64, 0, false},
		{"1.2.3", 64, 0, false},
		{"", 64, 0, false},
	}
	for _, tc := range tests {
		got, ok := parseFloat(tc.in, tc.bits)
		if ok != tc.ok || got != tc.want {
			t.Errorf("parseFloat(%q, %d) = %#x, %v; want %#x, %v", tc.in, tc.bits, got, ok, tc.want, tc.ok)
		}
	}
}

func TestLEB128(t *testing.T) {
	signed := []struct {
		in   int64
		want []byte
	}{
		{0, []byte{0x00}},
		{-1, []byte{0x7F}},
		{63, []byte{0x3F}},
		{64, []byte{0xC0, 0x00}},
		{-64, []byte{0x40}},
		{-65, []byte{0xBF, 0x7F}},
		{math.MinInt32, []byte{0x80, 0x80, 0x80, 0x80, 0x78}},
		{math.MaxInt32, []byte{0xFF, 0xFF, 0xFF, 0xFF, 0x07}},
		{math.MinInt64, []byte{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7F}},
	}
	for _, tc := range signed {
		if got := appendSLEB(nil, tc.in); !bytes.Equal(got, tc.want) {
			t.Errorf("appendSLEB(%d) = %x, want %x", tc.in, got, tc.want)
		}
	}
	unsigned := []struct {
		in   uint64
		want []byte
	}{
		{0, []byte{0x00}},
		{127, []byte{0x7F}},
		{128, []byte{0x80, 0x01}},
		{624485, []byte{0xE5, 0x8E, 0x26}},
		{math.MaxUint32, []byte{0xFF, 0xFF, 0xFF, 0xFF, 0x0F}},
	}
	for _, tc := range unsigned {
		if got := appendULEB(nil, tc.in); !bytes.Equal(got, tc.want) {
			t.Errorf("appendULEB(%d) = %x, want %x", tc.in, got, tc.want)
		}
	}
}

// TestEncodingMatchesSpec compares a whole module with bytes written out from
// the binary format specification. The module has no $identifiers, so no name
// section follows.
func TestEncodingMatchesSpec(t *testing.T) {
	src := `(module
  (memory 1)
  (func (export "f") (param i32) (result i32)
    (i32.add (local.get 0) (i32.const -1))))`
	want := []byte{
		0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
		0x01, 0x06, 0x01, 0x60, 0x01, 0x7f, 0x01, 0x7f, // type: (i32) -> i32
		0x03, 0x02, 0x01, 0x00, // function: type 0
		0x05, 0x03, 0x01, 0x00, 0x01, // memory: min 1
		0x07, 0x05, 0x01, 0x01, 0x66, 0x00, 0x00, // export "f" func 0
		0x0a, 0x09, 0x01, 0x07, 0x00, 0x20, 0x00, 0x41, 0x7f, 0x6a, 0x0b, // code
	}
	got, err := Compile([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("Compile =\n%x\nwant\n%x", got, want)
	}
}
