package bundle

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/wasmpages/wasmpages/host/internal/config"
)

// Version is the manifest version that Pack writes and Unpack reads.
const Version = 1

// manifestName is the name of the first entry of every bundle.
const manifestName = "manifest.json"

// functionsDir is the directory of a project's function modules.
const functionsDir = "functions"

// workerFile is advanced mode's module, at the top of the output directory.
const workerFile = "_worker.wasm"

// Manifest describes a bundle: what it holds and the routes it serves.
type Manifest struct {
	// Version is the manifest's format, Version.
	Version int `json:"version"`
	// Project is the project's name, as its pages.toml gives it.
	Project string `json:"project"`
	// OutputDir is the project's output directory, as its pages.toml gives
	// it: relative to the project directory, slash-separated and clean.
	OutputDir string `json:"output_dir"`
	// Files lists every file of the bundle after the manifest, sorted by
	// path: pages.toml, the files under OutputDir and the modules under
	// functions/.
	Files []File `json:"files"`
	// Routes are the routes the project serves, as the caller of Pack gave
	// them.
	Routes []Route `json:"routes,omitempty"`
}

// File is one file of a bundle.
type File struct {
	// Path is the file's path relative to the project directory,
	// slash-separated and clean: "public/index.html".
	Path string `json:"path"`
	// Size is the file's length in bytes.
	Size int64 `json:"size"`
	// SHA256 is the hex SHA-256 of the file's content, in lowercase.
	SHA256 string `json:"sha256"`
}

// Route is one route of a bundle's project.
type Route struct {
	// Method is the one method the route serves, "" for every method.
	Method string `json:"method,omitempty"`
	// Path is the route in path-to-regexp form, starting with "/":
	// "/api/:id".
	Path string `json:"path"`
	// Module is the module that serves the route, as the route table
	// names it: its path relative to functions/ ("api/[id].wasm"), or
	// "_worker.wasm" for the output directory's worker.
	Module string `json:"module"`
	// Middleware is set for a middleware module, which applies to Path and
	// every path below it.
	Middleware bool `json:"middleware,omitempty"`
}

// OutputFiles returns the paths of the bundle's files under its output
// directory, relative to the project directory, in order.
func (m *Manifest) OutputFiles() []string {
	var paths []string
	for _, f := range m.Files {
		if strings.HasPrefix(f.Path, m.OutputDir+"/") {
			paths = append(paths, f.Path)
		}
	}
	return paths
}

// Modules returns the paths of the bundle's modules, relative to the
// project directory, in order: every functions/**.wasm file and
// <output dir>/_worker.wasm.
func (m *Manifest) Modules() []string {
	var paths []string
	for _, f := range m.Files {
		if m.isModule(f.Path) {
			paths = append(paths, f.Path)
		}
	}
	return paths
}

// ModulePath returns the path in the bundle, relative to the project
// directory, of the module that a Route names: "functions/api/[id].wasm"
// for "api/[id].wasm", "<output dir>/_worker.wasm" for "_worker.wasm".
func (m *Manifest) ModulePath(module string) string {
	if module == workerFile {
		return m.OutputDir + "/" + workerFile
	}
	return functionsDir + "/" + module
}

// isModule reports whether the path p is a module of the bundle.
func (m *Manifest) isModule(p string) bool {
	return isFunction(p) || p == m.OutputDir+"/"+workerFile
}

// isFunction reports whether the path p is a module under functions/.
func isFunction(p string) bool {
	return strings.HasPrefix(p, functionsDir+"/") && strings.HasSuffix(p, ".wasm")
}

// decodeManifest parses manifest.json strictly: unknown fields and
// anything after the object are errors.
func decodeManifest(data []byte) (*Manifest, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	m := &Manifest{}
	if err := dec.Decode(m); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("unexpected data after the manifest's object")
	}
	return m, nil
}

// validate checks everything the manifest says on its own: its version,
// its project and output directory, that every file path is well formed,
// belongs in a bundle and appears once, in order, and that every route
// names one of its modules.
func (m *Manifest) validate() error {
	if m.Version != Version {
		return fmt.Errorf("version %d is not supported: this node reads version %d", m.Version, Version)
	}
	if m.Project == "" {
		return errors.New("project: missing")
	}
	if reason := checkPath(m.OutputDir); reason != "" {
		return fmt.Errorf("output_dir %q: %s", m.OutputDir, reason)
	}
	files := make(map[string]bool, len(m.Files))
	hasConfig := false
	for i, f := range m.Files {
		if reason := checkPath(f.Path); reason != "" {
			return fmt.Errorf("file %q: %s", f.Path, reason)
		}
		if i > 0 && f.Path <= m.Files[i-1].Path {
			return fmt.Errorf("file %q: listed out of order or twice", f.Path)
		}
		switch {
		case f.Path == config.FileName:
			hasConfig = true
		case strings.HasPrefix(f.Path, m.OutputDir+"/"), isFunction(f.Path):
		default:
			return fmt.Errorf("file %q: not %s, under %s/ or a module under %s/", f.Path, config.FileName, m.OutputDir, functionsDir)
		}
		if f.Size < 0 {
			return fmt.Errorf("file %q: negative size %d", f.Path, f.Size)
		}
		if !isHexSHA256(f.SHA256) {
			return fmt.Errorf("file %q: sha256 %q is not 64 lowercase hex digits", f.Path, f.SHA256)
		}
		files[f.Path] = true
	}
	if !hasConfig {
		return fmt.Errorf("no %s listed", config.FileName)
	}
	// A file cannot also be the directory of another one.
	for p := range files {
		for dir := path.Dir(p); dir != "."; dir = path.Dir(dir) {
			if files[dir] {
				return fmt.Errorf("file %q: %q is a file, not a directory", p, dir)
			}
		}
	}
	for i, r := range m.Routes {
		if !strings.HasPrefix(r.Path, "/") {
			return fmt.Errorf("routes[%d]: path %q does not start with \"/\"", i, r.Path)
		}
		if !files[m.ModulePath(r.Module)] {
			return fmt.Errorf("routes[%d]: module %q is not a module of the bundle", i, r.Module)
		}
	}
	return nil
}
