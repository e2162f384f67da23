package placement

import "testing"

func TestCanonicalTarget(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://db.internal:443", "https://db.internal:443"},
		{"https://db.internal", "https://db.internal:443"},
		{"HTTPS://DB.Internal/path?q=1#f", "https://db.internal:443"},
		{"http://api.internal", "http://api.internal:80"},
		{"http://user:pw@api.internal:8080/x", "http://api.internal:8080"},
		{"https://[2001:db8::1]", "https://[2001:db8::1]:443"},
		{"https://[2001:db8::1]:8443", "https://[2001:db8::1]:8443"},
		{"wss://live.internal", "wss://live.internal:443"},
		{"postgres://db.internal", "postgres://db.internal"},
		{"https://db.internal:", "https://db.internal:443"},
		{"DB.internal:5432", "db.internal:5432"},
		{"region:eu-west", "region:eu-west"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := canonicalTarget(tt.in); got != tt.want {
				t.Errorf("canonicalTarget(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestNamesTCP: an origin's probes fall back to its host:port over TCP.
func TestNamesTCP(t *testing.T) {
	n := newNames()
	o := n.target("https://DB.internal")
	if tcp := n.tcp[o]; tcp == noID || n.targets[tcp] != "db.internal:443" {
		t.Errorf("tcp of %q = %d", n.targets[o], tcp)
	}
	if n.target("https://db.internal:443/") != o || n.target("https://db.internal:443") != o {
		t.Error("spellings of one origin got different ids")
	}
	if r := n.region("eu-west"); n.targets[n.regionTarget[r]] != "region:eu-west" || n.tcp[n.regionTarget[r]] != noID {
		t.Errorf("region target of eu-west: %q", n.targets[n.regionTarget[r]])
	}
}
