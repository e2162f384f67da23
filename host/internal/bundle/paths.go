package bundle

import (
	"fmt"
	"path"
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// Bounds of a path in a bundle, in bytes: a name as long as most file
// systems allow, and a path that leaves room for the directory it is
// unpacked into.
const (
	maxPath      = 1024
	maxComponent = 255
)

// checkPath returns what is wrong with p as the path of a file in a bundle,
// or "" if nothing is. A path is relative, slash-separated and clean, names
// something inside the directory it is relative to, holds no control
// characters, no backslash and no invalid UTF-8, and is at most maxPath
// bytes long with components of at most maxComponent.
func checkPath(p string) string {
	switch {
	case p == "":
		return "the path is empty"
	case len(p) > maxPath:
		return fmt.Sprintf("the path is longer than %d bytes", maxPath)
	case longComponent(p):
		return fmt.Sprintf("a component of the path is longer than %d bytes", maxComponent)
	case !utf8.ValidString(p):
		return "the path is not valid UTF-8"
	case strings.IndexByte(p, 0) >= 0:
		return "the path contains a NUL byte"
	case strings.ContainsFunc(p, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		return "the path contains a control character"
	case strings.Contains(p, `\`):
		return "the path contains a backslash"
	case strings.HasPrefix(p, "/"):
		return "the path is absolute"
	case hasDotDot(p):
		return `the path has a ".." component`
	case p == "." || path.Clean(p) != p:
		return `the path is not clean (an empty or "." component, or a trailing "/")`
	case !filepath.IsLocal(filepath.FromSlash(p)):
		return "the path is not a local file name on this system"
	}
	return ""
}

// longComponent reports whether one of the slash-separated components of p
// is longer than maxComponent bytes.
func longComponent(p string) bool {
	for c := range strings.SplitSeq(p, "/") {
		if len(c) > maxComponent {
			return true
		}
	}
	return false
}

// hasDotDot reports whether one of the slash-separated components of p is
// "..".
func hasDotDot(p string) bool {
	for c := range strings.SplitSeq(p, "/") {
		if c == ".." {
			return true
		}
	}
	return false
}
