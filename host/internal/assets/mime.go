package assets

import "strings"

// defaultContentType is the content type of a file whose extension is not in
// contentTypes.
const defaultContentType = "application/octet-stream"

// contentTypes maps a lowercased file extension (without the dot) to the
// content type the asset server sends for it. The table is fixed in the
// binary, so a deployment is served with the same types on every machine,
// whatever that machine's mime.types says. The values follow the `mime`
// package that the reference tooling uses to record each asset's type;
// text/* types gain "; charset=utf-8", as the reference's getContentType
// does (spec §2.8).
var contentTypes = map[string]string{
	// Documents and code.
	"html":        "text/html",
	"htm":         "text/html",
	"shtml":       "text/html",
	"xhtml":       "application/xhtml+xml",
	"css":         "text/css",
	"js":          "text/javascript",
	"mjs":         "text/javascript",
	"cjs":         "text/javascript",
	"json":        "application/json",
	"map":         "application/json",
	"jsonld":      "application/ld+json",
	"webmanifest": "application/manifest+json",
	"txt":         "text/plain",
	"text":        "text/plain",
	"md":          "text/markdown",
	"markdown":    "text/markdown",
	"csv":         "text/csv",
	"tsv":         "text/tab-separated-values",
	"xml":         "application/xml",
	"xsl":         "application/xml",
	"rss":         "application/rss+xml",
	"atom":        "application/atom+xml",
	"yaml":        "application/yaml",
	"yml":         "application/yaml",
	"toml":        "application/toml",
	"ics":         "text/calendar",
	"vtt":         "text/vtt",
	"pdf":         "application/pdf",
	"wasm":        "application/wasm",

	// Images.
	"svg":  "image/svg+xml",
	"svgz": "image/svg+xml",
	"png":  "image/png",
	"apng": "image/apng",
	"jpg":  "image/jpeg",
	"jpeg": "image/jpeg",
	"jpe":  "image/jpeg",
	"gif":  "image/gif",
	"webp": "image/webp",
	"avif": "image/avif",
	"bmp":  "image/bmp",
	"tif":  "image/tiff",
	"tiff": "image/tiff",
	"ico":  "image/vnd.microsoft.icon",
	"jxl":  "image/jxl",
	"heic": "image/heic",

	// Fonts.
	"woff":  "font/woff",
	"woff2": "font/woff2",
	"ttf":   "font/ttf",
	"otf":   "font/otf",
	"eot":   "application/vnd.ms-fontobject",

	// Audio and video.
	"mp4":  "video/mp4",
	"m4v":  "video/mp4",
	"webm": "video/webm",
	"ogv":  "video/ogg",
	"mov":  "video/quicktime",
	"mp3":  "audio/mpeg",
	"m4a":  "audio/mp4",
	"aac":  "audio/aac",
	"oga":  "audio/ogg",
	"ogg":  "audio/ogg",
	"opus": "audio/ogg",
	"wav":  "audio/wav",
	"flac": "audio/flac",

	// Archives.
	"zip": "application/zip",
	"gz":  "application/gzip",
	"tgz": "application/gzip",
	"tar": "application/x-tar",
	"br":  "application/x-brotli",
	"zst": "application/zstd",
	"7z":  "application/x-7z-compressed",
}

// contentTypeFor returns the content type for a file name: only the part after
// the last '.' of the last path element counts, case-insensitively, and a
// name whose only dot is its first character (".html", ".htaccess") has no
// extension, as in the `mime` package.
func contentTypeFor(name string) string {
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		name = name[i+1:]
	}
	i := strings.LastIndexByte(name, '.')
	if i <= 0 {
		return defaultContentType
	}
	ct, ok := contentTypes[strings.ToLower(name[i+1:])]
	if !ok {
		return defaultContentType
	}
	if strings.HasPrefix(ct, "text/") {
		return ct + "; charset=utf-8"
	}
	return ct
}
