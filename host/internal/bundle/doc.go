// Package bundle packs a built project into a bundle, the file that carries
// one deployment between machines, and unpacks it again on a node.
//
// A bundle is a gzip-compressed tar. Its first entry is manifest.json (a
// [Manifest]: the project, its output directory, every file with its size
// and SHA-256, and the routes), followed by the files it lists, in order:
// pages.toml, the files of the output directory and the modules under
// functions/. The deployment id is the hex SHA-256 of the bundle's bytes.
//
// [Pack] writes bundles deterministically: the same files give the same
// bytes, so the same build gives the same deployment id. Paths are sorted;
// every entry has the Unix epoch as its time, mode 0644 and no owner; no
// directory entries are stored; the gzip header has no name and no time.
//
// [Unpack] is a trust boundary: bundles arrive from the network. It accepts
// only what Pack writes (regular files with clean, relative, slash-separated
// names, each listed in the manifest with the size and hash it has), within
// [Limits], and checks the whole bundle against its deployment id. Every
// error about the bundle's content matches [ErrInvalid] with errors.Is.
// Files are written through an [os.Root] into a temporary directory that is
// renamed into place only when every check has passed.
package bundle
