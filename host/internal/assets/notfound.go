package assets

import (
	"bytes"

	"github.com/valyala/fasthttp"
)

const notFoundPage = "/404.html"

// notFound is 404 handling (spec §2.8 step 5) for p, the decoded pathname.
// It walks up from p looking for a 404.html (/a/b/c checks /a/b/404.html,
// /a/404.html, then /404.html) and serves the first one found with status
// 404, its content type, and no ETag or cache-control. When the walk finds
// none (so always when there is no top-level 404.html), the site is treated
// as a single-page application: /index.html is served as an asset with
// 200, or, without one, the answer is a bare 404.
func (st *state) notFound(p []byte) int {
	if st.s.max404 > 0 {
		cwd := p
		for len(cwd) > 0 {
			cwd = cwd[:max(bytes.LastIndexByte(cwd, '/'), 0)]
			if len(cwd)+len(notFoundPage) > st.s.max404 {
				continue // longer than any indexed 404.html
			}
			if f := st.lookupJoin(cwd, notFoundPage); f != nil {
				return st.serveFile(f, fasthttp.StatusNotFound)
			}
		}
	}
	if f := st.s.files["/index.html"]; f != nil {
		return st.serveAsset(f)
	}
	return fasthttp.StatusNotFound
}
