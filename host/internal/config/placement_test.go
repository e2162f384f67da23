package config

import (
	"reflect"
	"testing"
)

// TestPlacementRules applies each rule of spec §1.8 (wrangler's
// normalizeAndValidatePlacement) to the combination that triggers it. The
// [placement] header is line 3; its keys start on line 4.
func TestPlacementRules(t *testing.T) {
	tests := []struct {
		name string
		body string
		want []string  // problems; nil if valid
		mode Placement // the parsed placement, if valid
	}{
		// The smart format.
		{name: "smart", body: "mode = \"smart\"\n", mode: Placement{Mode: "smart"}},
		{name: "smart with a hint", body: "mode = \"smart\"\nhint = \"us-east\"\n", mode: Placement{Mode: "smart", Hint: "us-east"}},
		{name: "off", body: "mode = \"off\"\n", mode: Placement{Mode: "off"}},
		{name: "hint without mode", body: "hint = \"us-east\"\n", want: []string{
			`pages.toml:3: placement.mode: required with a hint: set mode = "smart"`,
		}},
		{name: "hint with mode off", body: "mode = \"off\"\nhint = \"us-east\"\n", want: []string{
			`pages.toml:5: placement.hint: needs mode = "smart", not "off"`,
		}},
		{name: "hint with mode targeted", body: "hint = \"us-east\"\nmode = \"targeted\"\n", want: []string{
			`pages.toml:4: placement.hint: needs mode = "smart", not "targeted"`,
		}},
		{name: "hint with an unknown mode", body: "mode = \"fast\"\nhint = \"us-east\"\n", want: []string{
			`pages.toml:4: placement.mode: "fast" is not a placement mode: use "off", "smart" or "targeted"`,
		}},
		{name: "empty hint", body: "mode = \"smart\"\nhint = \"\"\n", want: []string{
			`pages.toml:5: placement.hint: must not be empty`,
		}},
		{name: "hint with a space", body: "mode = \"smart\"\nhint = \"us east\"\n", want: []string{
			`pages.toml:5: placement.hint: "us east" must not contain spaces or control characters`,
		}},

		// Mixing the formats: the only problem reported, whatever the mode.
		{name: "hint and region", body: "mode = \"smart\"\nhint = \"us-east\"\nregion = \"eu-west\"\n", want: []string{
			`pages.toml:5: placement.hint: cannot be combined with region: hint belongs to smart placement, region to targeted placement`,
		}},
		{name: "hint and host", body: "hint = \"us-east\"\nhost = \"db:5432\"\nmode = \"off\"\n", want: []string{
			`pages.toml:4: placement.hint: cannot be combined with host: hint belongs to smart placement, host to targeted placement`,
		}},
		{name: "hint and hostname and region", body: "hint = \"x\"\nhostname = \"api.internal\"\nregion = \"r\"\n", want: []string{
			`pages.toml:4: placement.hint: cannot be combined with region or hostname: hint belongs to smart placement, region and hostname to targeted placement`,
		}},

		// The targeted format.
		{name: "region without mode", body: "region = \"eu-west\"\n", mode: Placement{Mode: "targeted", Region: "eu-west"}},
		{name: "region with mode targeted", body: "mode = \"targeted\"\nregion = \"aws:us-east-1\"\n", mode: Placement{Mode: "targeted", Region: "aws:us-east-1"}},
		{name: "region with mode off", body: "mode = \"off\"\nregion = \"eu-west\"\n", mode: Placement{Mode: "off", Region: "eu-west"}},
		{name: "host", body: "host = \"db.internal:5432\"\n", mode: Placement{Mode: "targeted", Host: "db.internal:5432"}},
		{name: "host with an IPv6 address", body: "host = \"[2001:db8::1]:5432\"\n", mode: Placement{Mode: "targeted", Host: "[2001:db8::1]:5432"}},
		{name: "hostname", body: "hostname = \"api.internal\"\n", mode: Placement{Mode: "targeted", Hostname: "api.internal"}},
		{name: "region with mode smart", body: "mode = \"smart\"\nregion = \"eu-west\"\n", want: []string{
			`pages.toml:4: placement.mode: "smart" cannot be used with region: use mode = "targeted" (or leave mode out)`,
		}},
		{name: "region and host", body: "region = \"eu-west\"\nhost = \"db:5432\"\n", want: []string{
			`pages.toml:3: placement: region, host and hostname are mutually exclusive, but region and host are set`,
		}},
		{name: "all three targets", body: "hostname = \"a.b\"\nhost = \"db:5432\"\nregion = \"r\"\n", want: []string{
			`pages.toml:3: placement: region, host and hostname are mutually exclusive, but region, host and hostname are set`,
		}},
		{name: "host without a port", body: "host = \"db.internal\"\n", want: []string{
			`pages.toml:4: placement.host: "db.internal" is not host:port: write it as "db.internal:5432"`,
		}},
		{name: "host with port zero", body: "host = \"db:0\"\n", want: []string{
			`pages.toml:4: placement.host: "db:0" has an invalid port "0": use 1 to 65535`,
		}},
		{name: "host with a port too large", body: "host = \"db:65536\"\n", want: []string{
			`pages.toml:4: placement.host: "db:65536" has an invalid port "65536": use 1 to 65535`,
		}},
		{name: "host with a named port", body: "host = \"db:postgres\"\n", want: []string{
			`pages.toml:4: placement.host: "db:postgres" has an invalid port "postgres": use 1 to 65535`,
		}},
		{name: "host with a bad name", body: "host = \"d_b:5432\"\n", want: []string{
			`pages.toml:4: placement.host: "d_b:5432" does not start with a hostname or IP address`,
		}},
		{name: "bad hostname", body: "hostname = \"https://api.internal\"\n", want: []string{
			`pages.toml:4: placement.hostname: "https://api.internal" is not a hostname`,
		}},
		{name: "empty region", body: "region = \"\"\n", want: []string{
			`pages.toml:4: placement.region: must not be empty`,
		}},

		// Only a mode.
		{name: "targeted without a target", body: "mode = \"targeted\"\n", want: []string{
			`pages.toml:4: placement.mode: "targeted" needs one of region, host or hostname`,
		}},
		{name: "unknown mode", body: "mode = \"nearest\"\n", want: []string{
			`pages.toml:4: placement.mode: "nearest" is not a placement mode: use "off", "smart" or "targeted"`,
		}},
		{name: "empty mode", body: "mode = \"\"\n", want: []string{
			`pages.toml:4: placement.mode: must not be empty`,
		}},
		{name: "empty table", body: "", want: []string{
			`pages.toml:3: placement.mode: required in a [placement] table: set mode = "off", "smart" or "targeted"`,
		}},
		{name: "mode not a string", body: "mode = true\n", want: []string{
			`pages.toml:4: placement.mode: must be a string, not a boolean (true)`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := head + "[placement]\n" + tt.body
			if tt.want != nil {
				if got := parseErrors(t, doc); !reflect.DeepEqual(got, tt.want) {
					t.Errorf("Parse errors:\n got %q\nwant %q\ndocument:\n%s", got, tt.want, doc)
				}
				return
			}
			if p := mustParse(t, doc); p.Placement != tt.mode {
				t.Errorf("Placement = %+v, want %+v", p.Placement, tt.mode)
			}
		})
	}
}

func TestPlacementNormalized(t *testing.T) {
	tests := []struct {
		name string
		in   Placement
		want Placement
	}{
		{"zero", Placement{}, Placement{Mode: "off"}},
		{"off", Placement{Mode: "off"}, Placement{Mode: "off"}},
		{"off drops a target", Placement{Mode: "off", Region: "r"}, Placement{Mode: "off"}},
		{"smart", Placement{Mode: "smart"}, Placement{Mode: "smart"}},
		{"smart keeps the hint", Placement{Mode: "smart", Hint: "h"}, Placement{Mode: "smart", Hint: "h"}},
		{"a hint makes it smart", Placement{Mode: "off", Hint: "h"}, Placement{Mode: "smart", Hint: "h"}},
		{"region", Placement{Mode: "targeted", Region: "r"}, Placement{Mode: "targeted", Region: "r"}},
		{"region first", Placement{Region: "r", Host: "h:1", Hostname: "n"}, Placement{Mode: "targeted", Region: "r"}},
		{"host before hostname", Placement{Host: "h:1", Hostname: "n"}, Placement{Mode: "targeted", Host: "h:1"}},
		{"hostname", Placement{Mode: "targeted", Hostname: "n"}, Placement{Mode: "targeted", Hostname: "n"}},
		{"targeted without a target", Placement{Mode: "targeted"}, Placement{Mode: "off"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.in.Normalized(); got != tt.want {
				t.Errorf("%+v.Normalized() = %+v, want %+v", tt.in, got, tt.want)
			}
		})
	}
}
