package config

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"
)

// A Problem is one thing wrong with a configuration file: where it is and
// what is wrong. Parse, Load and LoadDevVars return every Problem they find,
// joined with errors.Join.
type Problem struct {
	// File is the file name given to Parse or LoadDevVars; it is empty for
	// a problem found by Project.Validate.
	File string
	// Line is the 1-based line of the offending key, or 0 when unknown (for
	// example a required key that is missing).
	Line int
	// Col is the 1-based column, set for TOML syntax errors only.
	Col int
	// Key is the full path of the offending key, such as "placement.hint",
	// quoted as TOML quotes it; empty for syntax errors.
	Key string
	// Msg says what is wrong and, where it helps, what to do.
	Msg string

	path []string // Key before quoting, to look up its line.
}

// Error formats the problem as "file:line: key: message", leaving out the
// parts that are unknown.
func (p *Problem) Error() string {
	var b strings.Builder
	switch {
	case p.File != "" && p.Line > 0 && p.Col > 0:
		fmt.Fprintf(&b, "%s:%d:%d: ", p.File, p.Line, p.Col)
	case p.File != "" && p.Line > 0:
		fmt.Fprintf(&b, "%s:%d: ", p.File, p.Line)
	case p.File != "":
		fmt.Fprintf(&b, "%s: ", p.File)
	case p.Line > 0:
		fmt.Fprintf(&b, "line %d: ", p.Line)
	}
	if p.Key != "" {
		b.WriteString(p.Key)
		b.WriteString(": ")
	}
	b.WriteString(p.Msg)
	return b.String()
}

// problems collects the problems of one file.
type problems []*Problem

// add records a problem at the key path.
func (ps *problems) add(path []string, format string, args ...any) {
	*ps = append(*ps, &Problem{
		Key:  keyString(path),
		Msg:  fmt.Sprintf(format, args...),
		path: slices.Clone(path),
	})
}

// locate sets the file of every problem and the line of its key, or of the
// nearest enclosing key whose line is known.
func (ps problems) locate(file string, lines keyLines) {
	for _, p := range ps {
		p.File = file
		for n := len(p.path); n > 0 && p.Line == 0; n-- {
			p.Line = lines[keyString(p.path[:n])]
		}
	}
}

// outside returns the problems that are not at or below the key of one of
// others.
func (ps problems) outside(others problems) problems {
	var out problems
	for _, p := range ps {
		if !slices.ContainsFunc(others, func(o *Problem) bool {
			return len(o.path) <= len(p.path) && slices.Equal(o.path, p.path[:len(o.path)])
		}) {
			out = append(out, p)
		}
	}
	return out
}

// err returns the problems sorted by line, joined, or nil if there are none.
// Problems without a line (missing keys) come first.
func (ps problems) err() error {
	if len(ps) == 0 {
		return nil
	}
	slices.SortStableFunc(ps, func(a, b *Problem) int { return a.Line - b.Line })
	errs := make([]error, len(ps))
	for i, p := range ps {
		errs[i] = p
	}
	return errors.Join(errs...)
}

// keyString formats a key path as TOML writes it: dotted, with the parts
// that are not bare keys quoted.
func keyString(path []string) string {
	return toml.Key(path).String()
}
