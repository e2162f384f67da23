package router

// chain is a match split the way the tests inspect it.
type chain struct {
	Middleware []Match
	Handler    *Match
}

func match(t *Table, method, path string) chain {
	m, handler := t.Match(nil, method, path)
	if !handler {
		return chain{Middleware: m}
	}
	return chain{Middleware: m[:len(m)-1], Handler: &m[len(m)-1]}
}
