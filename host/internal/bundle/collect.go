package bundle

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/wasmpages/wasmpages/host/internal/config"
)

// skipped lists the names, files or directories, that Pack leaves out of
// the output directory at any depth: the asset server never serves them,
// and .dev.vars and .git may hold secrets.
var skipped = map[string]bool{
	config.DevVarsFileName: true,
	".git":                 true,
	".DS_Store":            true,
	"node_modules":         true,
}

// collect lists the files of the built project in dir that go into its
// bundle, by their paths in the bundle, sorted, each with its path on disk.
func collect(dir string, p *config.Project) ([]string, map[string]string, error) {
	files := map[string]string{}
	conf := filepath.Join(dir, config.FileName)
	if err := checkRegular(config.FileName, conf); err != nil {
		return nil, nil, err
	}
	files[config.FileName] = conf

	out, err := resolveDir(dir, p.OutputDir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, fmt.Errorf("output directory %s does not exist: build the project first", p.OutputDir)
	}
	if err != nil {
		return nil, nil, err
	}
	err = walk(out, p.OutputDir, files, func(name string, d fs.DirEntry) (bool, error) {
		if skipped[d.Name()] {
			if d.IsDir() {
				return false, fs.SkipDir
			}
			return false, nil
		}
		return true, nil
	})
	if err != nil {
		return nil, nil, err
	}

	fns, err := resolveDir(dir, functionsDir)
	if errors.Is(err, fs.ErrNotExist) {
		return slices.Sorted(maps.Keys(files)), files, nil
	}
	if err != nil {
		return nil, nil, err
	}
	err = walk(fns, functionsDir, files, func(name string, d fs.DirEntry) (bool, error) {
		return strings.HasSuffix(name, ".wasm"), nil
	})
	if err != nil {
		return nil, nil, err
	}
	return slices.Sorted(maps.Keys(files)), files, nil
}

// resolveDir returns the directory rel of dir on disk, following symbolic
// links to it (a link among its files is refused by walk).
func resolveDir(dir, rel string) (string, error) {
	d, err := filepath.EvalSymlinks(filepath.Join(dir, filepath.FromSlash(rel)))
	if err != nil {
		return "", err
	}
	fi, err := os.Stat(d)
	if err != nil {
		return "", err
	}
	if !fi.IsDir() {
		return "", fmt.Errorf("%s is not a directory", rel)
	}
	return d, nil
}

// walk adds to files every file below the directory root on disk, named
// prefix in the bundle, that keep accepts. keep may skip a directory with
// fs.SkipDir. A kept file must be a regular file with a path fit for a
// bundle.
func walk(root, prefix string, files map[string]string, keep func(name string, d fs.DirEntry) (bool, error)) error {
	return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("reading %s: %w", p, err)
		}
		if p == root {
			return nil
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		name := path.Join(prefix, filepath.ToSlash(rel))
		ok, err := keep(name, d)
		if !ok || err != nil || d.IsDir() {
			return err
		}
		if err := checkType(name, d.Type()); err != nil {
			return err
		}
		if reason := checkPath(name); reason != "" {
			return fmt.Errorf("%q cannot be bundled: %s: rename it", name, reason)
		}
		files[name] = p
		return nil
	})
}

// checkRegular checks that the file at p, named name in the bundle, is a
// regular file.
func checkRegular(name, p string) error {
	fi, err := os.Lstat(p)
	if err != nil {
		return fmt.Errorf("reading %s: %w", name, err)
	}
	return checkType(name, fi.Mode().Type())
}

// checkType checks that a file of type t, named name in the bundle, is a
// regular file.
func checkType(name string, t fs.FileMode) error {
	switch {
	case t.IsRegular():
		return nil
	case t&fs.ModeSymlink != 0:
		return fmt.Errorf("links are not supported in a bundle: %s: replace it with a copy of the file", name)
	default:
		return fmt.Errorf("only regular files can be bundled: %s is a %s", name, describeType(t))
	}
}

// describeType names a file type that is neither a regular file nor a link.
func describeType(t fs.FileMode) string {
	switch {
	case t&fs.ModeNamedPipe != 0:
		return "named pipe"
	case t&fs.ModeSocket != 0:
		return "socket"
	case t&fs.ModeDevice != 0:
		return "device"
	}
	return "special file"
}
