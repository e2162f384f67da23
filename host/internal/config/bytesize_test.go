package config

import (
	"math"
	"strings"
	"testing"
)

func TestByteSizeUnmarshalText(t *testing.T) {
	tests := []struct {
		in      string
		want    ByteSize
		wantErr string
	}{
		{in: "128MiB", want: 128 * MiB},
		{in: "512KiB", want: 512 * KiB},
		{in: "1GiB", want: GiB},
		{in: "2TiB", want: 2 * TiB},
		{in: "100MB", want: 100_000_000},
		{in: "1KB", want: 1000},
		{in: "3GB", want: 3_000_000_000},
		{in: "1TB", want: 1_000_000_000_000},
		{in: "1048576", want: MiB},
		{in: "0", want: 0},
		{in: "7B", want: 7},
		{in: "128mib", want: 128 * MiB},
		{in: "128 MiB", want: 128 * MiB},
		{in: " 64KiB ", want: 64 * KiB},
		{in: "1.5GiB", want: 3 * GiB / 2},
		{in: "0.5KiB", want: 512},
		{in: "2.5MB", want: 2_500_000},
		{in: "8191PiB", wantErr: "not a size"},
		{in: "1.1B", wantErr: "not a whole number of bytes"},
		{in: "0.3KiB", wantErr: "not a whole number of bytes"},
		{in: "9999999TiB", wantErr: "too large"},
		{in: "99999999999999999999", wantErr: "too large"},
		{in: "", wantErr: "not a size"},
		{in: "MiB", wantErr: "not a size"},
		{in: "-1MiB", wantErr: "not a size"},
		{in: "+1MiB", wantErr: "not a size"},
		{in: "1e6", wantErr: "not a size"},
		{in: "1.MiB", wantErr: "not a size"},
		{in: ".5MiB", wantErr: "not a size"},
		{in: "1.2.3MiB", wantErr: "not a size"},
		{in: "128 megs", wantErr: "not a size"},
		{in: "1M", wantErr: "not a size"},
		{in: "1 2MiB", wantErr: "not a size"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			var got ByteSize
			err := got.UnmarshalText([]byte(tt.in))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("UnmarshalText(%q) = %v, %v; want error containing %q", tt.in, got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("UnmarshalText(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestByteSizeString(t *testing.T) {
	tests := []struct {
		in   ByteSize
		want string
	}{
		{0, "0B"},
		{1, "1B"},
		{1023, "1023B"},
		{KiB, "1KiB"},
		{128 * MiB, "128MiB"},
		{1536 * MiB, "1536MiB"},
		{4 * GiB, "4GiB"},
		{3 * TiB, "3TiB"},
		{100 * MB, "100MB"},
		{1000 * KiB, "1000KiB"},
		{1500, "1500B"},
		{2000, "2KB"},
		{-2 * MiB, "-2MiB"},
		{math.MaxInt64, "9223372036854775807B"},
		{math.MinInt64, "-9223372036854775808B"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := tt.in.String(); got != tt.want {
				t.Errorf("ByteSize(%d).String() = %q, want %q", int64(tt.in), got, tt.want)
			}
			if tt.in < 0 {
				return
			}
			text, _ := tt.in.MarshalText()
			var back ByteSize
			if err := back.UnmarshalText(text); err != nil || back != tt.in {
				t.Errorf("round trip of %d through %q = %d, %v", int64(tt.in), text, back, err)
			}
		})
	}
}
