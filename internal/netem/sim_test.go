package netem

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// goodSim is the example simulation file of the documentation.
const goodSim = `# sim.toml: where things are and how far apart
regions = ["us-east", "eu-west", "ap-south"]
[rtt]                         # round trips between places, "a b" = "40ms"; symmetric
"us-east eu-west" = "80ms"
"us-east ap-south" = "200ms"
"eu-west ap-south" = "120ms"
"us-east db" = "1ms"
"eu-west db" = "80ms"
"ap-south db" = "200ms"
"user-ap ap-south" = "30ms"
[[backend]]                   # back ends the project's functions call
name = "db"
url = "http://127.0.0.1:5432" # where it really listens
command = "go run ./backend"  # how the simulation starts it
[[client]]                    # simulated users
name = "user-eu"
near = "eu-west"
[[client]]
name = "user-ap"
near = "ap-south"
`

func TestParseSim(t *testing.T) {
	s, err := ParseSim("sim.toml", []byte(goodSim))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"us-east", "eu-west", "ap-south"}; !slices.Equal(s.Regions, want) {
		t.Errorf("Regions = %q, want %q", s.Regions, want)
	}
	if want := []SimBackend{{Name: "db", URL: "http://127.0.0.1:5432", Addr: "127.0.0.1:5432", Command: "go run ./backend"}}; !slices.Equal(s.Backends, want) {
		t.Errorf("Backends = %+v, want %+v", s.Backends, want)
	}
	if want := []SimClient{{Name: "user-eu", Near: "eu-west"}, {Name: "user-ap", Near: "ap-south"}}; !slices.Equal(s.Clients, want) {
		t.Errorf("Clients = %+v, want %+v", s.Clients, want)
	}

	n, err := s.Net()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		a, b string
		want time.Duration
	}{
		{"regions", "us-east", "eu-west", 80 * time.Millisecond},
		{"regions reversed", "ap-south", "us-east", 200 * time.Millisecond},
		{"back end", "db", "eu-west", 80 * time.Millisecond},
		{"same place", "us-east", "us-east", 0},
		{"client to its region by default", "user-eu", "eu-west", 5 * time.Millisecond},
		{"client to its region as set", "ap-south", "user-ap", 30 * time.Millisecond},
		{"client to another region", "user-eu", "us-east", 80 * time.Millisecond},
		{"client to another region reversed", "ap-south", "user-eu", 120 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, ok := n.RTT(tt.a, tt.b); !ok || got != tt.want {
				t.Errorf("RTT(%q, %q) = %v, %t; want %v, true", tt.a, tt.b, got, ok, tt.want)
			}
		})
	}
	if _, ok := n.RTT("db", "user-eu"); ok {
		t.Error("RTT(db, user-eu) is set, want none: clients do not call back ends")
	}
	if place, ok := n.Place("127.0.0.1:5432"); !ok || place != "db" {
		t.Errorf("Place(127.0.0.1:5432) = %q, %t; want db, true", place, ok)
	}
}

func TestParseSimErrors(t *testing.T) {
	const regions = `regions = ["us-east", "eu-west"]` + "\n"
	const rtt = "[rtt]\n\"us-east eu-west\" = \"80ms\"\n"
	const ok = regions + rtt
	const withDB = ok + "\"us-east db\" = \"1ms\"\n\"eu-west db\" = \"80ms\"\n"
	tests := []struct {
		name string
		doc  string
		want []string // one substring per problem
	}{
		{"syntax", "regions = [\n", []string{"sim.toml: toml: error: ", "At line 1, column 12"}},
		{"unknown key", "region = \"x\"\n" + ok, []string{`sim.toml: region: unknown key`}},
		{"unknown backend key", withDB + "[[backend]]\nname = \"db\"\nurl = \"http://h:1\"\nnmae = \"x\"\n", []string{
			`sim.toml: backend.nmae: unknown key: the keys of a [[backend]] are name, url and command`,
		}},
		{"command not a string", withDB + "[[backend]]\nname = \"db\"\nurl = \"http://h:1\"\ncommand = 5\n", []string{
			`sim.toml: backend[1].command: must be a non-empty string`,
		}},
		{"unknown client key", ok + "[[client]]\nname = \"u\"\nnear = \"us-east\"\nfar = 1\n", []string{`client.far: unknown key`}},
		{"no regions", rtt, []string{`sim.toml: regions: required`, `rtt."us-east eu-west": "us-east" is not a region`, `"eu-west" is not a region`}},
		{"empty regions", "regions = []\n", []string{`regions: must name at least one region`}},
		{"regions not an array", `regions = "us-east"`, []string{`regions: must be an array of strings, not a string ("us-east")`}},
		{"region not a string", `regions = ["us-east", 1]`, []string{`regions[2]: must be a string, not an integer (1)`}},
		{"region name invalid", `regions = ["us-east", "EU West"]` + "\n[rtt]\n\"us-east EU West\" = \"1ms\"\n", []string{
			`regions[2]: "EU West" is not a valid name: use 1 to 63 lowercase letters`,
			`rtt."us-east EU West": must name two places separated by a space`,
		}},
		{"region name invalid, not repeated", `regions = ["us-east", "-eu"]` + "\n[rtt]\n\"us-east -eu\" = \"1ms\"\n", []string{
			`regions[2]: "-eu" is not a valid name`,
		}},
		{"duplicate region", `regions = ["us-east", "us-east"]`, []string{`regions[2]: "us-east" is already the name of a region: names must be unique`}},
		{"back end named as a region", ok + "[[backend]]\nname = \"us-east\"\nurl = \"http://h:1\"\n", []string{`backend[1].name: "us-east" is already the name of a region`}},
		{"missing region pair", `regions = ["us-east", "eu-west", "ap-south"]` + "\n" + rtt, []string{
			`rtt: no round-trip time between "us-east" and "ap-south": add "us-east ap-south" = "..."`,
			`rtt: no round-trip time between "eu-west" and "ap-south"`,
		}},
		{"missing back-end pair", ok + "\"db us-east\" = \"1ms\"\n[[backend]]\nname = \"db\"\nurl = \"http://h:1\"\n", []string{
			`rtt: no round-trip time between "eu-west" and "db"`,
		}},
		{"no unit", regions + "[rtt]\n\"us-east eu-west\" = \"80\"\n", []string{`sim.toml: rtt."us-east eu-west": "80" has no unit: write "80ms"`}},
		{"not a duration", regions + "[rtt]\n\"us-east eu-west\" = \"far\"\n", []string{`rtt."us-east eu-west": "far" is not a duration`}},
		{"not a string", regions + "[rtt]\n\"us-east eu-west\" = 80\n", []string{`rtt."us-east eu-west": must be a duration string such as "40ms", not an integer (80)`}},
		{"table for a duration", regions + "[rtt]\n\"us-east eu-west\" = {ms = 80}\n", []string{`rtt."us-east eu-west": must be a duration string such as "40ms", not a table`}},
		{"negative", regions + "[rtt]\n\"us-east eu-west\" = \"-1ms\"\n", []string{`rtt."us-east eu-west": "-1ms" is negative`}},
		{"too long", regions + "[rtt]\n\"us-east eu-west\" = \"10s\"\n", []string{`rtt."us-east eu-west": "10s" is not below the maximum of 10s`}},
		{"one name", ok + "\"us-east\" = \"1ms\"\n", []string{`rtt.us-east: must name two places separated by a space, such as "us-east eu-west"`}},
		{"three names", ok + "\"us-east eu-west db\" = \"1ms\"\n", []string{`rtt."us-east eu-west db": must name two places`}},
		{"unknown place", ok + "\"us-east mars\" = \"1ms\"\n", []string{`rtt."us-east mars": "mars" is not a region, back end or client of this file`}},
		{"same pair twice", ok + "\"eu-west us-east\" = \"80ms\"\n", []string{`rtt."us-east eu-west": the same pair as "eu-west us-east"`}},
		{"rtt not a table", regions + "rtt = 5\n", []string{`sim.toml: rtt: must be a table of round-trip times`, `no round-trip time between "us-east" and "eu-west"`}},
		{"backend not an array of tables", ok + "[backend]\nname = \"db\"\n", []string{`sim.toml: toml: line 4 (last key "backend"): incompatible types`}},
		{"back end without url", withDB + "[[backend]]\nname = \"db\"\n", []string{`backend[1].url: required: where the back end listens, such as url = "http://127.0.0.1:5432"`}},
		{"back end without name", ok + "[[backend]]\nurl = \"http://h:1\"\n", []string{`backend[1].name: required: the back end's name`}},
		{"url not http", withDB + "[[backend]]\nname = \"db\"\nurl = \"postgres://127.0.0.1:5432\"\n", []string{
			`backend[1].url: "postgres://127.0.0.1:5432" is not an http or https URL with a host and port`,
		}},
		{"url without host", withDB + "[[backend]]\nname = \"db\"\nurl = \"http:///x\"\n", []string{`backend[1].url: "http:///x" is not an http or https URL`}},
		{"url not a string", withDB + "[[backend]]\nname = \"db\"\nurl = 5432\n", []string{`backend[1].url: must be a string, not an integer (5432)`}},
		{"url without port", withDB + "[[backend]]\nname = \"db\"\nurl = \"https://db.internal/\"\n", []string{
			`backend[1].url: "https://db.internal/" has no port: write the one the back end listens on, as in "https://db.internal:8080"`,
		}},
		{"url with a bad port", withDB + "[[backend]]\nname = \"db\"\nurl = \"http://db:99999\"\n", []string{`backend[1].url: "http://db:99999" has an invalid port: use 1 to 65535`}},
		{"client near nowhere", ok + "[[client]]\nname = \"u\"\nnear = \"mars\"\n", []string{`client[1].near: "mars" is not one of the regions`}},
		{"client near a back end", ok + "\"db us-east\" = \"1ms\"\n\"db eu-west\" = \"1ms\"\n[[backend]]\nname = \"db\"\nurl = \"http://h:1\"\n[[client]]\nname = \"u\"\nnear = \"db\"\n", []string{
			`client[1].near: "db" is not one of the regions`,
		}},
		{"client without name or near", ok + "[[client]]\n", []string{`client[1].name: required: the client's name`, `client[1].near: required: the region the client reaches`}},
		{"client name taken", ok + "[[client]]\nname = \"eu-west\"\nnear = \"eu-west\"\n", []string{`client[1].name: "eu-west" is already the name of a region`}},
		{"every problem at once", "regions = [\"us-east\", \"eu-west\"]\nextra = 1\n[rtt]\n\"us-east eu-west\" = \"80\"\n[[backend]]\nname = \"db\"\nurl = \"ftp://x:1\"\n[[client]]\nname = \"u\"\nnear = \"asia\"\n", []string{
			`extra: unknown key`,
			`rtt."us-east eu-west": "80" has no unit`,
			`backend[1].url: "ftp://x:1" is not an http or https URL`,
			`client[1].near: "asia" is not one of the regions`,
			`rtt: no round-trip time between "us-east" and "db"`,
			`rtt: no round-trip time between "eu-west" and "db"`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := ParseSim("sim.toml", []byte(tt.doc))
			if err == nil {
				t.Fatalf("ParseSim succeeded with %+v, want errors %q", s, tt.want)
			}
			msg := err.Error()
			for _, want := range tt.want {
				if !strings.Contains(msg, want) {
					t.Errorf("error does not contain %q:\n%s", want, msg)
				}
			}
			if !strings.HasPrefix(msg, "sim.toml: ") {
				t.Errorf("error does not start with the file name:\n%s", msg)
			}
			if tt.name != "syntax" {
				if got := strings.Count(msg, "\n") + 1; got != len(tt.want) {
					t.Errorf("%d problems reported, want %d:\n%s", got, len(tt.want), msg)
				}
			}
		})
	}
}

func TestLoadSim(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sim.toml")
	if err := os.WriteFile(path, []byte(goodSim), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := LoadSim(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Regions) != 3 {
		t.Errorf("Regions = %q", s.Regions)
	}

	if _, err := LoadSim(filepath.Join(t.TempDir(), "missing.toml")); err == nil || !strings.Contains(err.Error(), "reading simulation file") {
		t.Errorf("LoadSim of a missing file = %v, want a reading error", err)
	}
	os.WriteFile(path, []byte("regions = 1\n"), 0o644)
	if _, err := LoadSim(path); err == nil || !strings.HasPrefix(err.Error(), path+": regions:") {
		t.Errorf("LoadSim of a bad file = %v, want an error naming %s", err, path)
	}
}
