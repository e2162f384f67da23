package metrics

import "testing"

func TestAppendLabelValue(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", `""`},
		{"plain", "functions/api/[id].wasm", `"functions/api/[id].wasm"`},
		{"double quote", `say "hi"`, `"say \"hi\""`},
		{"backslash", `C:\dir\`, `"C:\\dir\\"`},
		{"newline", "a\nb", `"a\nb"`},
		{"all three", "\"\\\n", `"\"\\\n"`},
		{"escape sequence kept literal", `\n`, `"\\n"`},
		{"tab and carriage return unchanged", "a\tb\rc", "\"a\tb\rc\""},
		{"unicode", "région-ü/日本", `"région-ü/日本"`},
		{"genuine replacement character", "a\uFFFDb", "\"a\uFFFDb\""},
		{"invalid utf-8", "a\xffb\xc3", "\"a\uFFFDb\uFFFD\""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(appendLabelValue(nil, tt.in)); got != tt.want {
				t.Errorf("appendLabelValue(%q) = %s, want %s", tt.in, got, tt.want)
			}
		})
	}
}

func TestRenderLabels(t *testing.T) {
	got := renderLabels(forwardLabels, "shop", `eu"west`, "ok")
	want := `project="shop",target="eu\"west",outcome="ok"`
	if got != want {
		t.Errorf("renderLabels = %s, want %s", got, want)
	}
}

// TestKeyOrder checks that series sort by their label values, label by
// label, not by their rendered text, where a quote or an escape would
// change the order.
func TestKeyOrder(t *testing.T) {
	ordered := []requestKey{
		{"a", "m", "local", "us-east"},
		{"a", "m", "placed", "eu-west"},
		{"a", "m2", "baseline", "eu-west"},
		{"a b", "m", "local", "eu-west"}, // space sorts before '"' in rendered text, after "a" here
		{"a-b", "m", "local", "eu-west"},
		{"b", "", "", ""},
	}
	for i := range ordered {
		for j := range ordered {
			got := ordered[i].compare(ordered[j])
			var want int
			switch {
			case i < j:
				want = -1
			case i > j:
				want = 1
			}
			if got != want {
				t.Errorf("%v.compare(%v) = %d, want %d", ordered[i], ordered[j], got, want)
			}
		}
	}
}
