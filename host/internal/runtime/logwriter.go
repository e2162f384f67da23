package runtime

import (
	"bytes"
	"log/slog"
	"sync"
)

// maxLogLine caps one logged line; a longer one is cut.
const maxLogLine = 8 << 10

// logWriter turns what a guest writes to stdout and stderr into log lines,
// one per newline, attributed to the module.
type logWriter struct {
	mu     sync.Mutex
	logger *slog.Logger
	module string
	buf    []byte
}

func newLogWriter(logger *slog.Logger, module string) *logWriter {
	return &logWriter{logger: logger, module: module}
}

func (w *logWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	n := len(p)
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			room := maxLogLine - len(w.buf)
			if len(p) > room {
				w.buf = append(w.buf, p[:room]...)
				w.emit()
				p = p[room:]
				continue
			}
			w.buf = append(w.buf, p...)
			break
		}
		w.buf = append(w.buf, p[:i]...)
		w.emit()
		p = p[i+1:]
	}
	return n, nil
}

// Flush logs a last unterminated line.
func (w *logWriter) Flush() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.buf) > 0 {
		w.emit()
	}
}

func (w *logWriter) emit() {
	if len(w.buf) > maxLogLine {
		w.buf = w.buf[:maxLogLine]
	}
	w.logger.Info(string(w.buf), "module", w.module)
	w.buf = w.buf[:0]
}
