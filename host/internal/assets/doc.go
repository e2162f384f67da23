// Package assets is the Pages asset server: it serves one deployment's static
// output directory the way Cloudflare's asset server does (spec §2.8), for
// requests to the site and for functions' assets fetches (spec §2.7).
//
// # Order of operations
//
// For each request, [Server.Serve] runs, in the reference's order:
//
//  1. _redirects ([Redirects]), looked up once with the request's pathname:
//     a 200 rule rewrites the pathname and is not looked up again; any other
//     status answers with location (301, 302, 303 and 307 with the body
//     "Redirecting to <loc>", 308 with none).
//  2. 405 for any method but GET and HEAD.
//  3. decodeURIComponent of the pathname (the raw one when it is malformed).
//  4. The pretty-URL rules (308 redirects that keep the query string), with
//     leading "//", "\", "%2F", "%5C", "%09" and whitespace in those
//     Locations collapsed to one "/".
//  5. 404 handling: the nearest 404.html up the path (status 404), else
//     /index.html (status 200, for single-page applications), else a bare 404.
//  6. For assets: etag (strong, the first 32 hex digits of the content's
//     SHA-256), 304 for a matching If-None-Match, cache-control: public,
//     max-age=0, must-revalidate unless the request has Authorization or
//     Range; Range requests get the whole file with 200; HEAD gets the
//     headers (Content-Length included) and no body.
//  7. For every status below 500: access-control-allow-origin: *,
//     referrer-policy: strict-origin-when-cross-origin, x-content-type-options:
//     nosniff when there is a content type, then the matching _headers rules
//     ([Headers]) in file order.
//  8. For a 404: cache-control: no-store instead of any other.
//
// # Bad requests
//
// A request is answered 400 (through the headers stage) before anything
// else, _redirects included, when its target holds an ASCII control byte, or
// its pathname, once normalised, is longer than 4096 bytes or holds an encoded
// NUL ("%00"); so is a 200 rewrite to such a pathname. The reference has no
// 400: it sends such paths through 404 handling, and fails on a NUL in a
// redirect's Location. Every other path that names no file, encoded traversal
// ("%2e%2e", "..%2f", "%252e") and backslashes included, is a 404, because a
// lookup only ever consults the in-memory index built by [New]: no request
// path is ever joined onto the filesystem.
//
// # What is served
//
// [New] indexes every regular file under the directory except, at its top,
// _redirects, _headers, _routes.json, _worker.js, _worker.wasm, functions,
// pages.toml, .dev.vars, .wasmpages and .wrangler, and, at any depth,
// .DS_Store, node_modules and .git (files or directories of those names).
// A symlink is served only if it leads, without leaving the directory at any
// step, to a regular file that is not itself excluded; directories reached
// through a symlink are not walked. The directory itself may be a symlink. Files of up to 1 MiB are kept in memory, up to
// 512 MiB in all; the others are streamed from disk, opened through an
// [os.Root] so that no later symlink can lead outside. Content types come
// from a fixed table (see contentTypeFor), never from the machine.
package assets
