package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
)

// DevVarsFileName is the name of the file of local secrets in a project's
// directory, read by `wasmpages dev`.
const DevVarsFileName = ".dev.vars"

// LoadDevVars reads a .dev.vars file: the secrets `dev` gives the functions
// besides [vars], in the dotenv format that wrangler reads. A missing file
// is an empty map and no error.
//
// Each line is NAME=value, optionally preceded by "export ". Blank lines
// and lines starting with # are skipped. A value may be:
//   - unquoted: the rest of the line, trimmed, up to a # that starts the
//     value or follows a space (a comment); "=" may appear in it;
//   - 'single-quoted' or `backquoted`: taken as it is, and may span lines;
//   - "double-quoted": may span lines, and \n, \r, \t, \" and \\ are escapes
//     (another backslash is kept as it is).
//
// Line breaks may be \n, \r\n or \r. After a closing quote only a comment
// may follow. A name is letters,
// digits, '_', '.' and '-'. A name given twice keeps its last value. Every
// bad line is reported, as "path:LINE: problem".
func LoadDevVars(path string) (map[string]string, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return map[string]string{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading dev vars: %w", err)
	}
	return parseDevVars(path, data)
}

// parseDevVars parses the contents of a .dev.vars file.
func parseDevVars(filename string, data []byte) (map[string]string, error) {
	src := strings.TrimPrefix(string(data), "\ufeff")
	src = strings.ReplaceAll(strings.ReplaceAll(src, "\r\n", "\n"), "\r", "\n") // as dotenv does
	p := &devVarsParser{src: src, line: 1}
	vars := map[string]string{}
	var probs problems
	bad := func(line int, name, format string, args ...any) {
		var path []string
		if name != "" {
			path = []string{name}
		}
		probs.add(path, format, args...)
		probs[len(probs)-1].File, probs[len(probs)-1].Line = filename, line
	}

	for p.pos < len(p.src) {
		line := p.line
		p.skipBlank()
		if c := p.peek(); c == '\n' || c == '#' || c == 0 {
			p.nextLine()
			continue
		}
		if rest := p.src[p.pos:]; strings.HasPrefix(rest, "export") && len(rest) > 6 && (rest[6] == ' ' || rest[6] == '\t') {
			p.pos += 6
			p.skipBlank()
		}
		name := p.name()
		if name == "" {
			bad(line, "", "expected NAME=value, not %q", p.restOfLine())
			p.nextLine()
			continue
		}
		p.skipBlank()
		if rest := p.restOfLine(); p.peek() != '=' && rest == "" {
			bad(line, name, `expected "=" and a value after the name`)
			p.nextLine()
			continue
		} else if p.peek() != '=' {
			bad(line, name, `expected "=" after the name, not %q`, rest)
			p.nextLine()
			continue
		}
		p.pos++
		p.skipBlank()
		value, err := p.value()
		if err != nil {
			bad(line, name, "%v", err)
			p.nextLine()
			continue
		}
		vars[name] = value
		p.nextLine()
	}
	if err := probs.err(); err != nil {
		return nil, err
	}
	return vars, nil
}

// devVarsParser walks a .dev.vars file, counting lines.
type devVarsParser struct {
	src  string
	pos  int
	line int
}

// value reads the value at p.pos, leaving p.pos at the end of its last line.
func (p *devVarsParser) value() (string, error) {
	quote := p.peek()
	if quote != '"' && quote != '\'' && quote != '`' {
		rest := p.restOfLine()
		p.pos += len(rest)
		for i := 0; i < len(rest); i++ {
			if rest[i] == '#' && (i == 0 || rest[i-1] == ' ' || rest[i-1] == '\t') {
				rest = rest[:i]
				break
			}
		}
		return strings.TrimSpace(rest), nil
	}

	start := p.line
	p.pos++
	var b strings.Builder
	for {
		if p.pos >= len(p.src) {
			return "", fmt.Errorf("the value's %c quote is not closed (from line %d to the end of the file)", quote, start)
		}
		c := p.src[p.pos]
		p.pos++
		switch {
		case c == quote:
			p.skipBlank()
			if rest := p.restOfLine(); strings.TrimSpace(rest) != "" && !strings.HasPrefix(rest, "#") {
				return "", fmt.Errorf("unexpected %q after the closing quote", rest)
			}
			return b.String(), nil
		case c == '\n':
			p.line++
			b.WriteByte(c)
		case c == '\\' && quote == '"' && p.pos < len(p.src):
			switch e := p.src[p.pos]; e {
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			case '"', '\\':
				b.WriteByte(e)
			default:
				b.WriteByte('\\')
				continue
			}
			p.pos++
		default:
			b.WriteByte(c)
		}
	}
}

// name reads a variable name.
func (p *devVarsParser) name() string {
	start := p.pos
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		if !(isBareKeyByte(c) || c == '.') {
			break
		}
		p.pos++
	}
	return p.src[start:p.pos]
}

// restOfLine returns the text from p.pos to the end of the line, without
// the line break.
func (p *devVarsParser) restOfLine() string {
	rest := p.src[p.pos:]
	if i := strings.IndexByte(rest, '\n'); i >= 0 {
		rest = rest[:i]
	}
	return rest
}

// nextLine moves past the next line break.
func (p *devVarsParser) nextLine() {
	if i := strings.IndexByte(p.src[p.pos:], '\n'); i >= 0 {
		p.pos += i + 1
		p.line++
	} else {
		p.pos = len(p.src)
	}
}

// skipBlank skips spaces and tabs.
func (p *devVarsParser) skipBlank() {
	for p.pos < len(p.src) && (p.src[p.pos] == ' ' || p.src[p.pos] == '\t') {
		p.pos++
	}
}

// peek returns the byte at the current position, or 0 at the end.
func (p *devVarsParser) peek() byte {
	if p.pos < len(p.src) {
		return p.src[p.pos]
	}
	return 0
}
