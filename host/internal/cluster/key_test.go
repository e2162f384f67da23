package cluster

import (
	"strings"
	"testing"
)

// A deployment's key changes with its secrets, so that nodes follow new
// secrets for the same bundle, and is its id without them.
func TestDeploymentKey(t *testing.T) {
	plain := Deployment{ID: "abc"}
	a := Deployment{ID: "abc", Secrets: []byte("sealed-1")}
	b := Deployment{ID: "abc", Secrets: []byte("sealed-2")}
	if plain.Key() != "abc" || !strings.HasPrefix(a.Key(), "abc.") || a.Key() == b.Key() || a.Key() != (Deployment{ID: "abc", Secrets: []byte("sealed-1")}).Key() {
		t.Errorf("keys: %q %q %q", plain.Key(), a.Key(), b.Key())
	}
}
