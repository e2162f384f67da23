package bundle

import (
	"archive/tar"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/wasmpages/wasmpages/host/internal/config"
)

// epoch is the modification time of every entry of a bundle.
var epoch = time.Unix(0, 0)

// Pack writes the bundle of the built project in dir, whose parsed
// pages.toml is p, to w, and returns its manifest, its deployment id (the
// hex SHA-256 of the bytes written) and its size in bytes.
//
// The bundle holds pages.toml, every regular file under p.OutputDir but
// those named .dev.vars, .git, .DS_Store or node_modules (and what such
// directories hold), and every *.wasm file under functions/; nothing else
// of dir, never the project's .dev.vars. A symbolic link or other
// non-regular file among those is an error that names it; the output and
// functions directories themselves may be links. routes are recorded in
// the manifest; each must name one of the bundle's modules (see
// Route.Module).
//
// The same files and routes give the same bytes. Pack reads every file
// twice, to hash it for the manifest and to copy it, and fails if it
// changed in between.
func Pack(w io.Writer, dir string, p *config.Project, routes []Route) (m *Manifest, id string, size int64, err error) {
	names, paths, err := collect(dir, p)
	if err != nil {
		return nil, "", 0, fmt.Errorf("bundling %s: %w", dir, err)
	}
	m = &Manifest{Version: Version, Project: p.Name, OutputDir: p.OutputDir, Routes: routes}
	for _, name := range names {
		f, err := hashFile(paths[name])
		if err != nil {
			return nil, "", 0, fmt.Errorf("bundling %s: reading %s: %w", dir, name, err)
		}
		f.Path = name
		m.Files = append(m.Files, f)
	}
	if err := m.validate(); err != nil {
		return nil, "", 0, fmt.Errorf("bundling %s: %w", dir, err)
	}

	h := sha256.New()
	cw := &countWriter{}
	if err := write(io.MultiWriter(w, h, cw), m, paths); err != nil {
		return nil, "", 0, fmt.Errorf("bundling %s: %w", dir, err)
	}
	return m, hex.EncodeToString(h.Sum(nil)), cw.n, nil
}

// write writes the bundle of m, whose files are at paths on disk, to w.
func write(w io.Writer, m *Manifest, paths map[string]string) error {
	// The header's name, comment and time are left empty and its OS is
	// "unknown", whatever the machine.
	gz, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return err
	}
	tw := tar.NewWriter(gz)
	data, err := json.Marshal(m)
	if err != nil {
		return err
	}
	data = append(data, '\n')
	if err := tw.WriteHeader(header(manifestName, int64(len(data)))); err != nil {
		return err
	}
	if _, err := tw.Write(data); err != nil {
		return err
	}
	for _, f := range m.Files {
		if err := tw.WriteHeader(header(f.Path, f.Size)); err != nil {
			return err
		}
		if err := copyFile(tw, paths[f.Path], f); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return gz.Close()
}

// header returns the tar header of a file of a bundle: a regular file with
// mode 0644, owned by uid and gid 0 with no names, last modified at the
// Unix epoch.
func header(name string, size int64) *tar.Header {
	return &tar.Header{
		Typeflag: tar.TypeReg,
		Name:     name,
		Size:     size,
		Mode:     0o644,
		ModTime:  epoch,
	}
}

// hashFile returns the size and SHA-256 of the file at p.
func hashFile(p string) (File, error) {
	fh, err := os.Open(p)
	if err != nil {
		return File{}, err
	}
	defer fh.Close()
	h := sha256.New()
	n, err := io.Copy(h, fh)
	if err != nil {
		return File{}, err
	}
	return File{Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// copyFile copies the file at p to w, checking that what it copied still
// has the size and hash f records.
func copyFile(w io.Writer, p string, f File) error {
	fh, err := os.Open(p)
	if err != nil {
		return fmt.Errorf("reading %s: %w", f.Path, err)
	}
	defer fh.Close()
	h := sha256.New()
	src := &errReader{r: io.LimitReader(fh, f.Size)}
	n, err := io.Copy(io.MultiWriter(w, h), src)
	if src.err != nil {
		return fmt.Errorf("reading %s: %w", f.Path, src.err)
	}
	if err != nil {
		return err
	}
	if n != f.Size || hex.EncodeToString(h.Sum(nil)) != f.SHA256 {
		return fmt.Errorf("%s changed while it was being bundled: try again once the build has finished", f.Path)
	}
	return nil
}

// countWriter counts the bytes written to it.
type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return len(p), nil
}
