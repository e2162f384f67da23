package rules

import "testing"

func TestLocaleCompare(t *testing.T) {
	// Ascending order as String.prototype.localeCompare sorts it.
	order := []string{"", "/", "/_", "/-", "/.", "/*", "/0", "/9", "/a", "/A", "/a-b", "/ab", "/Ab", "/b", "/C"}
	for i := range order {
		for j := range order {
			want := 0
			if i < j {
				want = -1
			} else if i > j {
				want = 1
			}
			if got := localeCompare(order[i], order[j]); got != want {
				t.Errorf("localeCompare(%q, %q) = %d, want %d", order[i], order[j], got, want)
			}
		}
	}
}
