package assets

import "bytes"

// pretty applies the pretty-URL and HTML rules of spec §2.8 step 4 to p, the
// decoded pathname, in the reference's order, and returns the status. Every
// redirect here is a 308 that keeps the query string.
func (st *state) pretty(p []byte) int {
	if bytes.HasSuffix(p, strSlash) {
		if f := st.lookupJoin(p, "index.html"); f != nil {
			return st.serveAsset(f) // /a/ serves /a/index.html
		}
		if bytes.HasSuffix(p, strSlashIndexSlash) {
			return st.redirectTo("/", p[1:len(p)-len("index/")]) // /a/index/ → /a/
		}
		if f := st.lookupJoin(p[:len(p)-1], ".html"); f != nil {
			return st.redirectTo("/", p[1:len(p)-1]) // /a/ → /a when only a.html exists
		}
		return st.notFound(p)
	}

	if f := st.lookup(p); f != nil {
		if !bytes.HasSuffix(p, strDotHTML) {
			return st.serveAsset(f)
		}
		q := p[:len(p)-len(".html")]
		if bytes.HasSuffix(q, strSlashIndex) {
			return st.redirectTo("", q[:len(q)-len("index")]) // /a/index.html → /a/
		}
		if len(q) == 1 && q[0] == '/' || st.lookup(q) != nil {
			return st.serveAsset(f) // /.html, or a.html beside a file named a
		}
		return st.redirectTo("", q) // /a.html → /a
	}
	if bytes.HasSuffix(p, strSlashIndex) {
		return st.redirectTo("/", p[1:len(p)-len("index")]) // /a/index → /a/
	}
	if f := st.lookupJoin(p, ".html"); f != nil {
		return st.serveAsset(f) // /a serves /a.html
	}
	if st.lookupJoin(p, "/index.html") != nil {
		return st.redirectTo("", p, '/') // /a → /a/ when /a/index.html exists
	}
	return st.notFound(p)
}

// redirectTo answers 308 to prefix + path + suffix + the request's search.
func (st *state) redirectTo(prefix string, path []byte, suffix ...byte) int {
	st.loc = append(st.loc[:0], prefix...)
	st.loc = append(st.loc, path...)
	st.loc = append(st.loc, suffix...)
	if len(st.query) > 0 {
		st.loc = append(st.loc, '?')
		st.loc = append(st.loc, st.query...)
	}
	return st.permanentRedirect(st.loc)
}

var (
	strSlash           = []byte("/")
	strSlashIndexSlash = []byte("/index/")
	strSlashIndex      = []byte("/index")
	strDotHTML         = []byte(".html")
)
