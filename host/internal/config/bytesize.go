package config

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
)

// ByteSize is a number of bytes. In pages.toml it is written as a string
// with a unit, "128MiB", "512KiB", "1.5GiB" or "100MB", or as a plain
// integer of bytes. Binary units (KiB, MiB, GiB, TiB) are powers of 1024 and
// decimal units (KB, MB, GB, TB) powers of 1000; units are case-insensitive
// and a space may separate them from the number. A fraction is accepted when
// the result is a whole number of bytes ("1.5GiB" is, "1.1B" is not).
type ByteSize int64

// Binary byte sizes.
const (
	KiB ByteSize = 1 << (10 * (iota + 1))
	MiB
	GiB
	TiB
)

// Decimal byte sizes.
const (
	KB ByteSize = 1000
	MB          = 1000 * KB
	GB          = 1000 * MB
	TB          = 1000 * GB
)

// byteUnits lists the units String prefers, binary first, largest first.
var byteUnits = []struct {
	name string
	size ByteSize
}{
	{"TiB", TiB}, {"GiB", GiB}, {"MiB", MiB}, {"KiB", KiB},
	{"TB", TB}, {"GB", GB}, {"MB", MB}, {"KB", KB},
}

// unitSizes maps a lowercased unit to its size.
var unitSizes = map[string]ByteSize{
	"": 1, "b": 1,
	"kib": KiB, "mib": MiB, "gib": GiB, "tib": TiB,
	"kb": KB, "mb": MB, "gb": GB, "tb": TB,
}

// errByteSize is wrapped by every error UnmarshalText returns.
var errByteSize = errors.New(`not a size: write a number and a unit, such as "128MiB" or "100MB"`)

// UnmarshalText parses a size such as "128MiB", "100MB" or "1048576".
func (b *ByteSize) UnmarshalText(text []byte) error {
	s := strings.TrimSpace(string(text))
	i := strings.IndexFunc(s, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
	if i < 0 {
		i = len(s)
	}
	num, unit := s[:i], strings.ToLower(strings.TrimLeft(s[i:], " "))
	size, ok := unitSizes[unit]
	if !ok || !isDecimal(num) {
		return fmt.Errorf("%q is %w", s, errByteSize)
	}
	r, ok := new(big.Rat).SetString(num)
	if !ok {
		return fmt.Errorf("%q is %w", s, errByteSize)
	}
	r.Mul(r, new(big.Rat).SetInt64(int64(size)))
	if !r.IsInt() {
		return fmt.Errorf("%q is not a whole number of bytes", s)
	}
	n := r.Num()
	if !n.IsInt64() {
		return fmt.Errorf("%q is too large", s)
	}
	*b = ByteSize(n.Int64())
	return nil
}

// isDecimal reports whether s is digits with at most one '.' that has
// digits on both sides.
func isDecimal(s string) bool {
	whole, frac, dot := strings.Cut(s, ".")
	digits := func(s string) bool {
		return s != "" && strings.Trim(s, "0123456789") == ""
	}
	return digits(whole) && (!dot || digits(frac))
}

// String formats the size with the largest unit that divides it exactly,
// preferring binary units: "128MiB", "100MB", "12345B".
func (b ByteSize) String() string {
	if b == 0 {
		return "0B"
	}
	if b < 0 {
		if b == math.MinInt64 {
			return strconv.FormatInt(math.MinInt64, 10) + "B"
		}
		return "-" + (-b).String()
	}
	for _, u := range byteUnits {
		if b%u.size == 0 {
			return strconv.FormatInt(int64(b/u.size), 10) + u.name
		}
	}
	return strconv.FormatInt(int64(b), 10) + "B"
}

// MarshalText formats the size as String does, so that it round-trips
// through UnmarshalText.
func (b ByteSize) MarshalText() ([]byte, error) {
	return []byte(b.String()), nil
}
