package config

import (
	"reflect"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"
)

// A schema is the set of keys one kind of file accepts: the toml tags of
// its root struct type and of the structs that type holds, and the keys
// that are rejected with a message of their own.
type schema struct {
	// root is the struct type of the whole file, such as Project.
	root reflect.Type
	// unsupported maps keys, formatted by keyString, that the file does not
	// accept to what to tell the user; it may be nil.
	unsupported map[string]string
}

// checkKeys records a problem for every key of the document that is not in
// the schema, once per key: the keys below an unknown key are not reported
// again. A key below a known non-table value (such as name.x) is left to
// decodeValue, which reports the type.
func (s schema) checkKeys(keys []toml.Key, probs *problems) {
	reported := map[string]bool{}
	for _, key := range keys {
		t := s.root
		for i, part := range key {
			path := key[:i+1]
			ks := keyString(path)
			if msg, ok := s.unsupported[ks]; ok {
				if !reported[ks] {
					reported[ks] = true
					probs.add(path, "%s", msg)
				}
				break
			}
			f, ok := fieldByKey(t, part)
			if !ok {
				if !reported[ks] {
					reported[ks] = true
					probs.add(path, "unknown key%s", s.suggest(t, key[:i], part))
				}
				break
			}
			if f.Type.Kind() != reflect.Struct || f.Type == byteSizeType || f.Type == durationType {
				break // a leaf or [vars]: whatever is below it is a value
			}
			t = f.Type
		}
	}
}

// fieldByKey returns the field of struct type t whose toml key is key.
func fieldByKey(t reflect.Type, key string) (reflect.StructField, bool) {
	if t.Kind() != reflect.Struct {
		return reflect.StructField{}, false
	}
	for i := range t.NumField() {
		if f := t.Field(i); tomlKey(f) == key {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

// schemaKeys returns the path of every key in the schema of struct type t,
// tables before the keys inside them.
func schemaKeys(t reflect.Type, prefix []string) [][]string {
	var out [][]string
	for i := range t.NumField() {
		f := t.Field(i)
		path := append(slices.Clip(prefix), tomlKey(f))
		out = append(out, path)
		if f.Type.Kind() == reflect.Struct {
			out = append(out, schemaKeys(f.Type, path)...)
		}
	}
	return out
}

// suggest returns ": did you mean ...?" for an unknown key in table t at
// parent: a key of the same table that differs only in case, that starts
// with it (or it with them), or that is a typo away; or a key of the same
// name in another table; or a top-level key written below a table header;
// or "" when nothing is close.
func (s schema) suggest(t reflect.Type, parent []string, key string) string {
	best, bestDist, prefixed := "", 3, ""
	for i := range t.NumField() {
		name := tomlKey(t.Field(i))
		if strings.EqualFold(name, key) {
			return ": keys are case-sensitive, did you mean " + keyString(append(slices.Clip(parent), name)) + "?"
		}
		if d := editDistance(name, key); d < bestDist {
			best, bestDist = name, d
		}
		if prefixed == "" && len(key) >= 3 && (strings.HasPrefix(name, key) || strings.HasPrefix(key, name)) {
			prefixed = name
		}
	}
	if best == "" {
		best = prefixed
	}
	if best != "" {
		return ": did you mean " + keyString(append(slices.Clip(parent), best)) + "?"
	}
	for _, path := range schemaKeys(s.root, nil) {
		if len(path) > 1 && path[len(path)-1] == key {
			return ": did you mean " + keyString(path) + "?"
		}
	}
	if _, ok := fieldByKey(s.root, key); ok && len(parent) > 0 {
		return ": " + keyString([]string{key}) + " is a top-level key: move it above the first [table]"
	}
	return ""
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return max(len(a), len(b))
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// checkPresence applies the rules of spec §1.8 that depend on which keys
// are written rather than on their values: a [placement] table must set at
// least mode (wrangler rejects an empty one), and its string keys, when
// written, must not be empty.
func checkPresence(tree map[string]any, probs *problems) {
	pl, ok := tree["placement"].(map[string]any)
	if !ok {
		return
	}
	keys := []string{"mode", "hint", "region", "host", "hostname"}
	if !slices.ContainsFunc(keys, func(k string) bool { _, ok := pl[k]; return ok }) {
		probs.add([]string{"placement", "mode"}, `required in a [placement] table: set mode = "off", "smart" or "targeted"`)
	}
	for _, k := range keys {
		if s, ok := pl[k].(string); ok && s == "" {
			probs.add([]string{"placement", k}, "must not be empty")
		}
	}
}
