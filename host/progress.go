package host

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// progress is a reader that draws a progress bar of what was read.
type progress struct {
	r           io.Reader
	out         io.Writer
	label       string
	total, done int64
	drawn       time.Time
}

func newProgress(out io.Writer, label string, total int64, r io.Reader) *progress {
	return &progress{r: r, out: out, label: label, total: total}
}

func (p *progress) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.done += int64(n)
	if time.Since(p.drawn) > 100*time.Millisecond {
		p.draw()
	}
	return n, err
}

func (p *progress) draw() {
	p.drawn = time.Now()
	const width = 30
	frac := 1.0
	if p.total > 0 {
		frac = float64(p.done) / float64(p.total)
	}
	fill := int(frac * width)
	fmt.Fprintf(p.out, "\r%s [%s%s] %s / %s %3.0f%%", p.label,
		strings.Repeat("=", fill), strings.Repeat(" ", width-fill),
		sizeString(p.done), sizeString(p.total), frac*100)
}

// finish draws the final state and ends the line.
func (p *progress) finish() {
	p.draw()
	fmt.Fprintln(p.out)
}
