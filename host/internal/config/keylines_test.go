package config

import (
	"reflect"
	"testing"

	"github.com/BurntSushi/toml"
)

func TestScanKeyLines(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want map[string]int
	}{
		{
			name: "top level and tables",
			doc:  "name = \"x\"\n\n[build]\ncommand = \"make\"\n# comment\n[limits]\n  memory = \"1MiB\" # trailing\n",
			want: map[string]int{"name": 1, "build": 3, "build.command": 4, "limits": 6, "limits.memory": 7},
		},
		{
			name: "dotted keys imply tables",
			doc:  "a = 1\nplacement.mode = \"smart\"\nplacement . hint = 'x'\n",
			want: map[string]int{"a": 1, "placement": 2, "placement.mode": 2, "placement.hint": 3},
		},
		{
			name: "multi-line strings count their lines",
			doc:  "a = \"\"\"\none\ntwo \\\n three\"\"\"\nb = '''\n\"\"\" not the end\n'''\nc = \"\"\"x\"\"\"\"\"\nd = 1\n",
			want: map[string]int{"a": 1, "b": 5, "c": 8, "d": 9},
		},
		{
			name: "multi-line arrays with comments",
			doc:  "domains = [\n  \"a.com\", # first\n  \"b.com\",\n  [1, [2]],\n]\nname = \"x\"\n",
			want: map[string]int{"domains": 1, "name": 6},
		},
		{
			name: "inline tables",
			doc:  "build = { command = \"make\", watch_dir = \"src\" }\nvars = {}\nlimits = { memory = { x = 1 } }\n",
			want: map[string]int{"build": 1, "build.command": 1, "build.watch_dir": 1, "vars": 2, "limits": 3, "limits.memory": 3, "limits.memory.x": 3},
		},
		{
			name: "quoted keys",
			doc:  "[vars]\n\"a b\" = 1\n'c.d' = 2\n\"e\\u00e9\\\"\" = 3\n[\"odd table\".x]\ny = 1\n",
			want: map[string]int{"vars": 1, `vars."a b"`: 2, `vars."c.d"`: 3, `vars."eé\""`: 4, `"odd table"`: 5, `"odd table".x`: 5, `"odd table".x.y`: 6},
		},
		{
			name: "arrays of tables keep the first line",
			doc:  "[[kv_namespaces]]\nbinding = \"A\"\n\n[[kv_namespaces]]\nbinding = \"B\"\n",
			want: map[string]int{"kv_namespaces": 1, "kv_namespaces.binding": 2},
		},
		{
			name: "dates with a space and CRLF line ends",
			doc:  "a = 1979-05-27 07:32:00\r\nb = true\r\n\r\n[t]\r\nc = 1\r\n",
			want: map[string]int{"a": 1, "b": 2, "t": 4, "t.c": 5},
		},
		{
			name: "strings that look like keys and comments",
			doc:  "a = \"b = 1 # not a comment\"\nc = 'd = [' # ]\ne = 1\n",
			want: map[string]int{"a": 1, "c": 2, "e": 3},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := scanKeyLines(tt.doc)
			if !reflect.DeepEqual(map[string]int(got), tt.want) {
				t.Errorf("scanKeyLines:\n got %v\nwant %v", got, tt.want)
			}
			checkLinesAgainstParser(t, tt.doc, got)
		})
	}
}

func TestScanKeyLinesMalformed(t *testing.T) {
	// Not TOML: the scanner must stop, without panicking, whatever it finds.
	for _, doc := range []string{"[", "[[", "a", "a =", "a = \"", "a = '''", "a = [", "a = {", "a = {b", "\"", "'", "a.\"\\u", "a = \"\\", "= = =", "a = [{b = [{c = "} {
		scanKeyLines(doc)
	}
}

// checkLinesAgainstParser compares the scanner's lines with the positions
// the TOML parser keeps for itself (unexported, read by reflection; the
// check is skipped if the parser changes shape). Arrays of tables are left
// out, as the parser keeps the line of the last one, and so are multi-line
// strings, for which it keeps the line where the string ends.
func checkLinesAgainstParser(t testing.TB, doc string, got keyLines) {
	t.Helper()
	var tree map[string]any
	md, err := toml.Decode(doc, &tree)
	if err != nil {
		return
	}
	info := reflect.ValueOf(md).FieldByName("keyInfo")
	if !info.IsValid() || info.Kind() != reflect.Map {
		return
	}
	arrays := map[string]bool{}
	for _, k := range md.Keys() {
		if md.Type(k...) == "ArrayHash" {
			arrays[k.String()] = true
		}
	}
	iter := info.MapRange()
	for iter.Next() {
		key := iter.Key().String()
		pos := iter.Value().FieldByName("pos")
		if !pos.IsValid() {
			return
		}
		line := int(pos.FieldByName("Line").Int())
		if underArray(key, md, arrays) {
			continue
		}
		if line > got[key] && md.Type(splitKey(md, key)...) == "String" {
			continue // the parser keeps where a multi-line string ends
		}
		if got[key] != line {
			t.Errorf("key %s: scanner says line %d, parser says %d\n%s", key, got[key], line, doc)
		}
	}
}

// underArray reports whether key is, or is inside, an array of tables.
func underArray(key string, md toml.MetaData, arrays map[string]bool) bool {
	for _, k := range md.Keys() {
		for n := 1; n <= len(k); n++ {
			if k[:n].String() == key {
				for m := 1; m <= n; m++ {
					if arrays[k[:m].String()] {
						return true
					}
				}
			}
		}
	}
	return false
}

// splitKey returns the parts of the document's key whose string form is key.
func splitKey(md toml.MetaData, key string) toml.Key {
	for _, k := range md.Keys() {
		if k.String() == key {
			return k
		}
	}
	return nil
}
