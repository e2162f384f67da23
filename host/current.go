package host

import (
	"context"
	"sync/atomic"

	"github.com/wasmpages/wasmpages/host/internal/site"
)

// current holds the site being served and swaps it atomically: a request
// sees the old site or the new one, never a mix, and the old one is closed
// once the requests in flight on it have finished.
type current struct {
	p atomic.Pointer[site.Site]
}

// acquire returns the current site, marked in flight; the caller releases it.
func (c *current) acquire() *site.Site {
	for {
		s := c.p.Load()
		if s == nil || s.Acquire() {
			return s
		}
	}
}

// swap makes s current and closes the previous site after its requests.
func (c *current) swap(s *site.Site) {
	if old := c.p.Swap(s); old != nil {
		go old.Close(context.Background())
	}
}

// close closes the current site.
func (c *current) close() {
	if s := c.p.Swap(nil); s != nil {
		s.Close(context.Background())
	}
}
