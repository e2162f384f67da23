package bundle

import (
	"archive/tar"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"

	"github.com/wasmpages/wasmpages/host/internal/config"
)

// Unpack reads the bundle with the deployment id id from r into the
// directory dst, which must not exist and is created, and returns its
// manifest. Errors about the bundle itself match ErrInvalid; see the
// package documentation for what is accepted.
//
// The bundle is unpacked into a temporary directory beside dst, which is
// renamed to dst only when every check has passed: on error nothing is
// left at dst. Unpack reads r to its end when it succeeds (what follows the
// archive is hashed and ignored); on error it may stop early. It never
// reads more than lim.MaxSize+1 bytes of r. Unpacks into different
// destinations may run concurrently; of two into the same one, at most one
// succeeds.
func Unpack(r io.Reader, id string, dst string, lim Limits) (m *Manifest, err error) {
	lim = lim.withDefaults()
	if !ValidID(id) {
		return nil, invalid("deployment id %q is not 64 lowercase hex digits", id)
	}
	if _, err := os.Lstat(dst); err == nil {
		return nil, fmt.Errorf("unpacking bundle: %s already exists", dst)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("unpacking bundle: %w", err)
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dst), "."+filepath.Base(dst)+".unpacking-")
	if err != nil {
		return nil, fmt.Errorf("unpacking bundle: %w", err)
	}
	defer func() {
		if err != nil {
			os.RemoveAll(tmp)
		}
	}()
	root, err := os.OpenRoot(tmp)
	if err != nil {
		return nil, fmt.Errorf("unpacking bundle: %w", err)
	}
	defer root.Close()

	src := &sizeReader{r: r, h: sha256.New(), max: lim.MaxSize}
	m, err = extract(src, root, lim)
	if err == nil {
		// What follows the archive counts in the id and the size.
		_, err = io.Copy(io.Discard, src)
	}
	switch {
	case src.over:
		return nil, invalid("the bundle is larger than the limit of %s", config.ByteSize(lim.MaxSize))
	case src.err != nil:
		return nil, fmt.Errorf("reading bundle: %w", src.err)
	}
	if err != nil {
		return nil, err
	}
	if sum := hex.EncodeToString(src.h.Sum(nil)); sum != id {
		return nil, invalid("the bundle's content does not match deployment id %s: its SHA-256 is %s (corrupted or altered in transit?)", id, sum)
	}
	if err := checkConfig(root, m); err != nil {
		return nil, err
	}
	if err := root.Close(); err != nil {
		return nil, fmt.Errorf("unpacking bundle: %w", err)
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return nil, fmt.Errorf("unpacking bundle: %w", err)
	}
	if err := os.Rename(tmp, dst); err != nil {
		return nil, fmt.Errorf("unpacking bundle: %w", err)
	}
	return m, nil
}

// extract reads the archive from src, checks its manifest and writes the
// files it lists through root, checking each against the manifest.
func extract(src io.Reader, root *os.Root, lim Limits) (*Manifest, error) {
	gz, err := gzip.NewReader(src)
	if err != nil {
		return nil, invalid("not a bundle (a bundle is a gzip-compressed tar): %v", err)
	}
	// Only the first gzip stream is read: what follows is trailing data.
	gz.Multistream(false)
	budget := &budgetReader{r: gz, left: lim.headBudget()}
	tr := tar.NewReader(budget)

	m, err := readManifest(tr, lim)
	if err != nil {
		return nil, archiveError(err, budget)
	}
	if len(m.Files) > lim.MaxFiles {
		return nil, invalid("the bundle has %d files, more than the limit of %d", len(m.Files), lim.MaxFiles)
	}
	var total int64
	index := make(map[string]int, len(m.Files))
	for i, f := range m.Files {
		if f.Size > lim.MaxUnpacked-total {
			return nil, invalid("the bundle's files take more than the limit of %s", config.ByteSize(lim.MaxUnpacked))
		}
		total += f.Size
		index[f.Path] = i
	}

	budget.left = m.tarBudget()
	seen := make([]bool, len(m.Files))
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil && !errors.Is(err, tar.ErrInsecurePath) {
			return nil, archiveError(err, budget)
		}
		i, err := checkEntry(hdr, m.Files, index, seen)
		if err != nil {
			return nil, err
		}
		seen[i] = true
		if err := writeFile(root, tr, m.Files[i]); err != nil {
			return nil, archiveError(err, budget)
		}
	}
	for i, f := range m.Files {
		if !seen[i] {
			return nil, invalid("%s is listed in the manifest but missing from the bundle", f.Path)
		}
	}
	return m, nil
}

// archiveError returns err, read from the archive, as an error that says
// what went wrong.
func archiveError(err error, budget *budgetReader) error {
	switch {
	case errors.Is(err, ErrInvalid):
		return err
	case budget.over:
		return invalid("the archive holds more than its files need (padding or oversized headers)")
	}
	var ws writeError
	if errors.As(err, &ws) {
		return fmt.Errorf("unpacking bundle: %w", ws.err)
	}
	return invalid("not a bundle (a bundle is a gzip-compressed tar): %v", err)
}

// readManifest reads and checks the first entry of the archive, which must
// be manifest.json.
func readManifest(tr *tar.Reader, lim Limits) (*Manifest, error) {
	hdr, err := tr.Next()
	if err == io.EOF {
		return nil, invalid("not a bundle: the archive is empty")
	}
	if err != nil && !errors.Is(err, tar.ErrInsecurePath) {
		return nil, err
	}
	if hdr.Name != manifestName || hdr.Typeflag != tar.TypeReg {
		return nil, invalid("not a bundle: the first entry is %q, not a file named %s", hdr.Name, manifestName)
	}
	if max := lim.maxManifestSize(); hdr.Size > max {
		return nil, invalid("%s is %d bytes, more than %d for %d files", manifestName, hdr.Size, max, lim.MaxFiles)
	}
	data, err := io.ReadAll(tr)
	if err != nil {
		return nil, err
	}
	m, err := decodeManifest(data)
	if err != nil {
		return nil, invalid("%s: %v", manifestName, err)
	}
	if err := m.validate(); err != nil {
		return nil, invalid("%s: %v", manifestName, err)
	}
	return m, nil
}

// checkEntry checks an entry of the archive after the manifest and returns
// the index of its file in the manifest.
func checkEntry(hdr *tar.Header, files []File, index map[string]int, seen []bool) (int, error) {
	name := hdr.Name
	if kind := entryKind(hdr.Typeflag); kind != "" {
		return 0, invalid("entry %q is %s: a bundle holds regular files only", name, kind)
	}
	if reason := checkPath(name); reason != "" {
		return 0, invalid("entry %q: %s", name, reason)
	}
	i, ok := index[name]
	switch {
	case !ok:
		return 0, invalid("%s is not listed in the manifest", name)
	case seen[i]:
		return 0, invalid("%s appears twice in the bundle", name)
	case hdr.Size != files[i].Size:
		return 0, invalid("%s is %d bytes, but the manifest says %d", name, hdr.Size, files[i].Size)
	}
	return i, nil
}

// entryKind describes an entry type that a bundle may not hold, or returns
// "" for a regular file.
func entryKind(t byte) string {
	switch t {
	case tar.TypeReg:
		return ""
	case tar.TypeSymlink:
		return "a symbolic link"
	case tar.TypeLink:
		return "a hard link"
	case tar.TypeDir:
		return "a directory"
	case tar.TypeChar, tar.TypeBlock:
		return "a device"
	case tar.TypeFifo:
		return "a named pipe"
	}
	return fmt.Sprintf("of tar type %q", t)
}

// writeError is a failure to write a file on this machine, as opposed to
// a failure to read it from the bundle.
type writeError struct{ err error }

func (e writeError) Error() string { return e.err.Error() }

// writeFile writes the content of the current entry of tr, the file f,
// through root, creating its parent directories, and checks its size and
// hash against f.
func writeFile(root *os.Root, tr *tar.Reader, f File) error {
	name := filepath.FromSlash(f.Path)
	if dir := path.Dir(f.Path); dir != "." {
		if err := root.MkdirAll(filepath.FromSlash(dir), 0o755); err != nil {
			return writeError{err}
		}
	}
	fh, err := root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return writeError{err}
	}
	h := sha256.New()
	src := &errReader{r: tr}
	n, err := io.Copy(io.MultiWriter(fh, h), src)
	if cerr := fh.Close(); err == nil {
		err = cerr
	}
	switch {
	case src.err != nil:
		return src.err
	case err != nil:
		return writeError{err}
	case n != f.Size:
		return invalid("%s is %d bytes, but the manifest says %d", f.Path, n, f.Size)
	case hex.EncodeToString(h.Sum(nil)) != f.SHA256:
		return invalid("%s does not match its SHA-256 in the manifest", f.Path)
	}
	return nil
}

// checkConfig checks that the bundle's pages.toml is valid and names the
// project and output directory that its manifest does.
func checkConfig(root *os.Root, m *Manifest) error {
	data, err := root.ReadFile(config.FileName)
	if err != nil {
		return fmt.Errorf("unpacking bundle: %w", err)
	}
	p, err := config.Parse(config.FileName, data)
	if err != nil {
		return invalid("%v", err)
	}
	if p.Name != m.Project || p.OutputDir != m.OutputDir {
		return invalid("%s says project %q with output directory %q, but %s says %q and %q",
			config.FileName, p.Name, p.OutputDir, manifestName, m.Project, m.OutputDir)
	}
	return nil
}
