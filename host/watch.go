package host

import (
	"hash/fnv"
	"io/fs"
	"path/filepath"
	"strconv"
)

// fingerprint summarises the names, sizes and modification times of the
// files below roots, so that polling it finds any change. Missing roots are
// skipped.
func fingerprint(roots ...string) uint64 {
	h := fnv.New64a()
	for _, root := range roots {
		filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil
			}
			if d.IsDir() && (d.Name() == ".git" || d.Name() == "node_modules" || d.Name() == ".wasmpages") {
				return filepath.SkipDir
			}
			info, err := d.Info()
			if err != nil {
				return nil
			}
			h.Write([]byte(p))
			h.Write([]byte(strconv.FormatInt(info.Size(), 10)))
			h.Write([]byte(strconv.FormatInt(info.ModTime().UnixNano(), 10)))
			return nil
		})
	}
	return h.Sum64()
}
