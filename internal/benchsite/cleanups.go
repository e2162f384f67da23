package benchsite

import "sync"

// Cleanups are what a benchmark program must undo on its way out, whether
// it finishes, fails or is interrupted: stop the servers it started,
// remove its temporary files. Run undoes them in reverse order of Add. A
// Cleanups is safe for concurrent use.
type Cleanups struct {
	mu sync.Mutex
	fs []func()
}

// Add registers f to run at exit.
func (c *Cleanups) Add(f func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.fs = append(c.fs, f)
}

// Run runs and forgets the registered functions, last added first.
func (c *Cleanups) Run() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for len(c.fs) > 0 {
		f := c.fs[len(c.fs)-1]
		c.fs = c.fs[:len(c.fs)-1]
		f()
	}
}
