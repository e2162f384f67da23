package netem

import (
	"testing"
)

// FuzzParseSim checks that ParseSim never panics, and that a file it
// accepts always builds a Net in which every region has a round-trip time
// to every other region and to every back end.
func FuzzParseSim(f *testing.F) {
	f.Add(goodSim)
	f.Add("regions = [\"a\"]\n")
	f.Add("regions = [\"a\", \"b\"]\n[rtt]\n\"a b\" = \"1ms\"\n\"b a\" = \"2ms\"\n")
	f.Add("regions = [\"a\"]\n[rtt]\n\"a db\" = \"-1s\"\n[[backend]]\nname = \"db\"\nurl = \"http://[::1]:0\"\n")
	f.Add("regions = [\"a\", 1, {x = 2}]\nrtt = [1]\n[[client]]\nname = {y = 1}\nnear = \"a\"\n")
	f.Add("[[rtt]]\nx = 1\n[[backend]]\n[[backend]]\nurl = \"https://h:65535/p?q\"\n")
	f.Fuzz(func(t *testing.T, doc string) {
		s, err := ParseSim("sim.toml", []byte(doc))
		if err != nil {
			return
		}
		n, err := s.Net()
		if err != nil {
			t.Fatalf("ParseSim accepted a file that Net rejects: %v\n%s", err, doc)
		}
		for _, a := range s.Regions {
			for _, b := range s.Regions {
				if _, ok := n.RTT(a, b); !ok {
					t.Fatalf("no RTT between regions %q and %q of an accepted file:\n%s", a, b, doc)
				}
			}
			for _, b := range s.Backends {
				if _, ok := n.RTT(a, b.Name); !ok {
					t.Fatalf("no RTT between region %q and back end %q of an accepted file:\n%s", a, b.Name, doc)
				}
				if place, ok := n.Place(b.Addr); !ok || place != b.Name {
					t.Fatalf("back end %q's address %q is hosted by %q, %t:\n%s", b.Name, b.Addr, place, ok, doc)
				}
			}
		}
	})
}
