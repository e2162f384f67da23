package bundle

import "github.com/wasmpages/wasmpages/host/internal/config"

// Limits bound what Unpack accepts. A zero or negative field takes its
// default, which DefaultLimits gives.
type Limits struct {
	// MaxSize is the largest bundle, in bytes as sent (compressed).
	// Unpack stops reading at the limit. Default: 256MiB.
	MaxSize int64
	// MaxUnpacked is the largest sum of the sizes of a bundle's files.
	// Default: 1GiB.
	MaxUnpacked int64
	// MaxFiles is the largest number of files in a bundle. Default: 20000.
	MaxFiles int
}

// DefaultLimits returns the limits that a zero Limits stands for.
func DefaultLimits() Limits {
	return Limits{
		MaxSize:     int64(256 * config.MiB),
		MaxUnpacked: int64(1 * config.GiB),
		MaxFiles:    20000,
	}
}

// withDefaults returns l with each unset field set to its default.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxSize <= 0 {
		l.MaxSize = d.MaxSize
	}
	if l.MaxUnpacked <= 0 {
		l.MaxUnpacked = d.MaxUnpacked
	}
	if l.MaxFiles <= 0 {
		l.MaxFiles = d.MaxFiles
	}
	return l
}

// The tar format's sizes, to bound how many bytes an archive of known files
// takes once decompressed.
const (
	tarBlock = 512
	// tarEntryOverhead is what a file adds to a tar besides its name and
	// content: its header and, for a long or non-ASCII name, an extended
	// header with its own header block.
	tarEntryOverhead = 4 * tarBlock
	// tarSlack covers the end-of-archive marker.
	tarSlack = 64 << 10
)

// maxManifestSize is the largest manifest.json Unpack reads for a bundle of
// at most l.MaxFiles files: room for each file's path, size and hash.
func (l Limits) maxManifestSize() int64 {
	return int64(l.MaxFiles)*8<<10 + 1<<20
}

// headBudget is the most decompressed bytes the tar of a bundle may take
// up to the end of its manifest.
func (l Limits) headBudget() int64 {
	return l.maxManifestSize() + 2<<20 + tarSlack
}

// tarBudget is the most decompressed bytes the files of m may take in a
// tar after the manifest.
func (m *Manifest) tarBudget() int64 {
	n := int64(tarSlack)
	for _, f := range m.Files {
		n += tarEntryOverhead + roundBlock(int64(len(f.Path))) + roundBlock(f.Size)
	}
	return n
}

// roundBlock rounds n up to a whole number of tar blocks.
func roundBlock(n int64) int64 {
	return (n + tarBlock - 1) / tarBlock * tarBlock
}
