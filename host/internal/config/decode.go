package config

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
)

var (
	byteSizeType = reflect.TypeFor[ByteSize]()
	durationType = reflect.TypeFor[time.Duration]()
)

// decodeTOML parses data into a generic tree. A syntax error is returned as
// a *Problem with its line, column and an excerpt of the file.
func decodeTOML(filename string, data []byte) (map[string]any, toml.MetaData, error) {
	tree := map[string]any{}
	md, err := toml.NewDecoder(bytes.NewReader(data)).Decode(&tree)
	if err == nil {
		return tree, md, nil
	}
	var pe toml.ParseError
	if errors.As(err, &pe) {
		return nil, md, syntaxProblem(filename, data, pe)
	}
	return nil, md, fmt.Errorf("%s: %w", filename, err)
}

// syntaxProblem turns a TOML syntax error into a Problem whose message ends
// with the offending line and a caret under the error. The line and column
// are computed from the error's byte offset, which is more exact than the
// parser's line count (it reports an unexpected line break on the next line).
func syntaxProblem(filename string, data []byte, pe toml.ParseError) *Problem {
	p := &Problem{File: filename, Line: pe.Position.Line, Col: pe.Position.Col, Msg: "invalid TOML: " + pe.Message}
	start := pe.Position.Start
	if start < 0 || start > len(data) {
		return p
	}
	lineStart := bytes.LastIndexByte(data[:start], '\n') + 1
	lineEnd := bytes.IndexByte(data[lineStart:], '\n')
	if lineEnd < 0 {
		lineEnd = len(data) - lineStart
	}
	line := strings.TrimRight(string(data[lineStart:lineStart+lineEnd]), "\r")
	p.Line = bytes.Count(data[:start], []byte("\n")) + 1
	p.Col = start - lineStart + 1

	var caret strings.Builder
	for _, r := range string(data[lineStart:start]) {
		if r == '\t' {
			caret.WriteByte('\t')
		} else {
			caret.WriteByte(' ')
		}
	}
	p.Msg += fmt.Sprintf("\n\n%6d | %s\n%6s   %s^", p.Line, line, "", caret.String())
	return p
}

// decodeTable sets the fields of the struct dst points to from a TOML
// table, by the fields' toml tags, recording a problem for each value of
// the wrong type. Keys without a field are left to checkKeys.
func decodeTable(path []string, table map[string]any, dst any, probs *problems) {
	decodeStruct(path, table, reflect.ValueOf(dst).Elem(), probs)
}

// decodeStruct sets the fields of the struct v from a TOML table.
func decodeStruct(path []string, table map[string]any, v reflect.Value, probs *problems) {
	t := v.Type()
	for i := range t.NumField() {
		key := tomlKey(t.Field(i))
		if raw, ok := table[key]; ok {
			decodeValue(append(slices.Clip(path), key), raw, v.Field(i), probs)
		}
	}
}

// decodeValue converts one TOML value into the field v.
func decodeValue(path []string, raw any, v reflect.Value, probs *problems) {
	switch v.Type() {
	case byteSizeType:
		switch x := raw.(type) {
		case int64:
			v.SetInt(x)
		case string:
			var b ByteSize
			if err := b.UnmarshalText([]byte(x)); err != nil {
				probs.add(path, "%v", err)
				return
			}
			v.SetInt(int64(b))
		default:
			probs.add(path, `must be a size such as "128MiB", or a number of bytes, not %s`, describe(raw))
		}
		return
	case durationType:
		s, ok := raw.(string)
		if !ok {
			probs.add(path, `must be a duration string such as "30s", not %s`, describe(raw))
			return
		}
		d, err := parseDuration(s)
		if err != nil {
			probs.add(path, "%v", err)
			return
		}
		v.SetInt(int64(d))
		return
	}

	switch v.Kind() {
	case reflect.String:
		s, ok := raw.(string)
		if !ok {
			probs.add(path, "must be a string, not %s", describe(raw))
			return
		}
		v.SetString(s)
	case reflect.Int:
		n, ok := raw.(int64)
		if !ok {
			probs.add(path, "must be an integer, not %s", describe(raw))
			return
		}
		if v.OverflowInt(n) {
			probs.add(path, "%d is too large", n)
			return
		}
		v.SetInt(n)
	case reflect.Slice: // []string
		arr, ok := raw.([]any)
		if !ok {
			probs.add(path, "must be an array of strings, not %s", describe(raw))
			return
		}
		out := make([]string, 0, len(arr))
		for i, e := range arr {
			s, ok := e.(string)
			if !ok {
				probs.add(path, "element %d must be a string, not %s", i+1, describe(e))
				continue
			}
			out = append(out, s)
		}
		v.Set(reflect.ValueOf(out))
	case reflect.Map: // map[string]string
		table, ok := raw.(map[string]any)
		if !ok {
			probs.add(path, "must be a table, not %s", describe(raw))
			return
		}
		out := make(map[string]string, len(table))
		for _, k := range slices.Sorted(maps.Keys(table)) {
			e := table[k]
			s, ok := varText(e)
			if !ok {
				hint := ""
				if _, isTime := e.(time.Time); isTime {
					hint = ": quote it"
				}
				probs.add(append(slices.Clip(path), k), "must be a string, number or boolean, not %s%s", describe(e), hint)
				continue
			}
			out[k] = s
		}
		v.Set(reflect.ValueOf(out))
	case reflect.Struct:
		table, ok := raw.(map[string]any)
		if !ok {
			probs.add(path, "must be a table, not %s", describe(raw))
			return
		}
		decodeStruct(path, table, v, probs)
	default:
		probs.add(path, "field of unsupported type %s", v.Type())
	}
}

// tomlKey returns the key of a struct field: the name in its toml tag.
func tomlKey(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
	return name
}

// parseDuration parses a duration string, with messages for pages.toml.
func parseDuration(s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err == nil {
		return d, nil
	}
	if _, err := strconv.ParseFloat(s, 64); err == nil {
		return 0, fmt.Errorf(`%q has no unit: write "%ss"`, s, s)
	}
	return 0, fmt.Errorf(`%q is not a duration: write one such as "30s", "1m30s" or "500ms"`, s)
}

// varText returns the text of a [vars] value: a string as it is, a number
// or boolean as JavaScript would print it.
func varText(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case int64:
		return strconv.FormatInt(x, 10), true
	case bool:
		return strconv.FormatBool(x), true
	case float64:
		switch a := math.Abs(x); {
		case math.IsNaN(x):
			return "NaN", true
		case math.IsInf(x, 1):
			return "Infinity", true
		case math.IsInf(x, -1):
			return "-Infinity", true
		case a == 0:
			return "0", true
		case a < 1e-6 || a >= 1e21:
			return strconv.FormatFloat(x, 'e', -1, 64), true
		default:
			return strconv.FormatFloat(x, 'f', -1, 64), true
		}
	}
	return "", false
}

// describe names the TOML type of a decoded value, with the value itself
// when it is short.
func describe(v any) string {
	switch x := v.(type) {
	case string:
		if len(x) > 40 {
			return "a string"
		}
		return fmt.Sprintf("a string (%q)", x)
	case int64:
		return fmt.Sprintf("an integer (%d)", x)
	case float64:
		return fmt.Sprintf("a float (%v)", x)
	case bool:
		return fmt.Sprintf("a boolean (%t)", x)
	case time.Time:
		switch x.Location().String() {
		case "date-local":
			return "a date"
		case "time-local":
			return "a time"
		}
		return "a datetime"
	case []map[string]any:
		return "an array of tables"
	case []any:
		return "an array"
	case map[string]any:
		return "a table"
	}
	return fmt.Sprintf("a %T", v)
}
