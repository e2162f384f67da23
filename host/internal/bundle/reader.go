package bundle

import (
	"errors"
	"hash"
	"io"
)

// errOverLimit is returned by the readers below when their limit is passed.
var errOverLimit = errors.New("over the limit")

// sizeReader hashes everything read from r and fails once more than max
// bytes have been read, without reading much further. It remembers the
// first error of r other than io.EOF.
type sizeReader struct {
	r    io.Reader
	h    hash.Hash
	n    int64
	max  int64
	over bool
	err  error
}

func (s *sizeReader) Read(p []byte) (int, error) {
	if s.over {
		return 0, errOverLimit
	}
	if left := s.max - s.n + 1; int64(len(p)) > left {
		p = p[:left]
	}
	n, err := s.r.Read(p)
	s.h.Write(p[:n])
	s.n += int64(n)
	if s.n > s.max {
		s.over = true
		return n, errOverLimit
	}
	if err != nil && err != io.EOF && s.err == nil {
		s.err = err
	}
	return n, err
}

// budgetReader fails once more than left bytes have been read from r. The
// owner may raise or lower left between reads.
type budgetReader struct {
	r    io.Reader
	left int64
	over bool
}

func (b *budgetReader) Read(p []byte) (int, error) {
	if b.left <= 0 {
		b.over = true
		return 0, errOverLimit
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.r.Read(p)
	b.left -= int64(n)
	return n, err
}

// errReader remembers the first error read from r, so that a caller of
// io.Copy can tell a bad source from a bad destination.
type errReader struct {
	r   io.Reader
	err error
}

func (e *errReader) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && err != io.EOF && e.err == nil {
		e.err = err
	}
	return n, err
}
