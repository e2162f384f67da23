package assets

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Memory limits of the index: a file of at most maxMemoryFile bytes is kept
// in memory while the total kept stays within memoryBudget; any other file
// is streamed from disk on each request.
const (
	maxMemoryFile = 1 << 20
	memoryBudget  = 512 << 20
)

// limits bounds what the index keeps in memory; tests use smaller ones.
type limits struct {
	maxFile int64
	budget  int64
}

// file is one indexed asset. Its header values are computed once, at New, so
// that serving it formats nothing.
type file struct {
	rel    string // slash-separated path relative to the root, as walked
	size   int64
	stream bool   // served from disk on each request rather than from data
	data   []byte // the content when !stream
	etag   []byte // `"<key>"`
	ctype  []byte
}

// rootOnly lists the names never served at the top of the directory: the
// project's configuration (wrangler's upload ignore list, with our module
// and config names) rather than its assets.
var rootOnly = map[string]bool{
	"_redirects":   true,
	"_headers":     true,
	"_routes.json": true,
	"_worker.js":   true,
	"_worker.wasm": true,
	"functions":    true,
	"pages.toml":   true,
	".dev.vars":    true,
	".wasmpages":   true,
	".wrangler":    true,
}

// anywhere lists the names never served at any depth, files or directories.
var anywhere = map[string]bool{
	".DS_Store":    true,
	"node_modules": true,
	".git":         true,
}

// excluded reports whether the slash-separated relative path rel, or one of
// its parent directories, is never served.
func excluded(rel string) bool {
	first := true
	for name := range strings.SplitSeq(rel, "/") {
		if anywhere[name] || first && rootOnly[name] {
			return true
		}
		first = false
	}
	return false
}

// index walks dir and returns its servable files by URL path ("/a/b.html").
// dir must already be free of symlinks (see New). Symlinks inside it are
// followed only to regular files that resolve inside dir and are not
// excluded; directories reached through a symlink are not walked.
func index(dir string, lim limits) (map[string]*file, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("assets: opening %s: %w", dir, err)
	}
	defer root.Close()

	files := make(map[string]*file)
	budget := lim.budget
	err = fs.WalkDir(root.FS(), ".", func(rel string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("assets: reading %s: %w", filepath.Join(dir, filepath.FromSlash(rel)), err)
		}
		if rel == "." {
			return nil
		}
		if excluded(rel) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		switch mode := d.Type(); {
		case mode.IsDir():
			return nil
		case mode&fs.ModeSymlink != 0:
			if !linkServable(root, dir, rel) {
				return nil
			}
		case !mode.IsRegular():
			return nil // devices, pipes, sockets
		}
		f, err := load(root, rel, lim.maxFile, &budget)
		if err != nil {
			return fmt.Errorf("assets: reading %s: %w", filepath.Join(dir, filepath.FromSlash(rel)), err)
		}
		files["/"+rel] = f
		return nil
	})
	if err != nil {
		return nil, err
	}
	return files, nil
}

// linkServable reports whether the symlink at rel leads to a regular file
// inside dir that is itself servable. root refuses to follow a link out of
// dir; EvalSymlinks gives the target's own path to check against the
// exclusions, so that a link cannot publish _redirects, .dev.vars or .git.
func linkServable(root *os.Root, dir, rel string) bool {
	fi, err := root.Stat(rel)
	if err != nil || !fi.Mode().IsRegular() {
		return false
	}
	target, err := filepath.EvalSymlinks(filepath.Join(dir, filepath.FromSlash(rel)))
	if err != nil {
		return false
	}
	trel, err := filepath.Rel(dir, target)
	if err != nil || !filepath.IsLocal(trel) {
		return false
	}
	return !excluded(filepath.ToSlash(trel))
}

// load reads rel through root, hashing it for the ETag and keeping its bytes
// when it is small enough and *budget allows.
func load(root *os.Root, rel string, maxFile int64, budget *int64) (*file, error) {
	fh, err := root.Open(rel)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	fi, err := fh.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, errors.New("not a regular file")
	}
	f := &file{rel: rel, size: fi.Size(), ctype: []byte(contentTypeFor(rel))}
	h := sha256.New()
	if f.size <= maxFile && f.size <= *budget {
		data, err := io.ReadAll(io.LimitReader(fh, f.size+1))
		if err != nil {
			return nil, err
		}
		if int64(len(data)) != f.size {
			return nil, fmt.Errorf("size changed while reading (%d bytes, then %d)", f.size, len(data))
		}
		h.Write(data)
		f.data = data
		*budget -= f.size
	} else {
		f.stream = true
		n, err := io.Copy(h, fh)
		if err != nil {
			return nil, err
		}
		if n != f.size {
			return nil, fmt.Errorf("size changed while reading (%d bytes, then %d)", f.size, n)
		}
	}
	f.etag = etagFor(h.Sum(nil))
	return f, nil
}

// etagFor returns the strong ETag value for a content digest: the asset key,
// the first 32 hex digits of the SHA-256, in double quotes.
func etagFor(sum []byte) []byte {
	etag := make([]byte, 0, 34)
	etag = append(etag, '"')
	etag = hex.AppendEncode(etag, sum[:16])
	return append(etag, '"')
}
