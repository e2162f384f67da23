package cluster

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"io"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// bundleTransferRate is the slowest transfer GetBundle allows when the
// caller's context has no deadline: Options.Timeout per this many bytes,
// on top of one Options.Timeout.
const bundleTransferRate = 16 << 20

// bundleConsumerIdle is how long the server keeps the consumer of a bundle
// that is no longer read. A reader paused for longer goes on: its consumer
// is recreated where it stopped.
const bundleConsumerIdle = 30 * time.Second

// PutBundle stores the bundle of deployment id, read from r, in the
// bundles object store; it streams r in chunks, never holding the whole
// bundle. A deployment id names its content, so PutBundle is idempotent:
// when a complete bundle of that id is stored already, r is not read. Each
// chunk must be stored within Options.Timeout, and once r ends the upload
// must complete within Options.Timeout plus one per 16 MiB; ctx bounds the
// whole upload.
func (c *Control) PutBundle(ctx context.Context, id string, r io.Reader) error {
	op := fmt.Sprintf("storing bundle %s", id)
	if id == "" {
		return fmt.Errorf("%s: empty deployment id", op)
	}
	store, stored, err := c.preparePut(ctx, id)
	if err != nil || stored {
		c.bundles.failed(err)
		return c.wrap(ctx, op, err)
	}
	// Without a deadline on ctx, the object store gives each chunk the
	// JetStream default timeout, which is Options.Timeout, and then takes
	// as long again to clean up after a failure. The watch on r cuts that
	// short: once r is read to the end, the upload has Options.Timeout
	// (plus one per 16 MiB) to be acknowledged.
	pctx, stop := context.WithCancel(ctx)
	defer stop()
	unregister := context.AfterFunc(c.life, stop)
	defer unregister()
	wr := &watchedReader{r: r, atEnd: func(n int64) {
		t := time.AfterFunc(c.timeout*time.Duration(1+n/bundleTransferRate), stop)
		context.AfterFunc(pctx, func() { t.Stop() })
	}}
	_, err = store.Put(pctx, jetstream.ObjectMeta{Name: id}, wr)
	c.bundles.failed(err)
	return c.wrap(ctx, op, err)
}

// watchedReader reads r and calls atEnd, once, with the number of bytes
// read when r ends (io.EOF or an error).
type watchedReader struct {
	r     io.Reader
	n     int64
	atEnd func(n int64)
	ended bool
}

func (w *watchedReader) Read(p []byte) (int, error) {
	n, err := w.r.Read(p)
	w.n += int64(n)
	if err != nil && !w.ended {
		w.ended = true
		w.atEnd(w.n)
	}
	return n, err
}

// preparePut binds the bundles store and reports whether bundle id is
// stored already, within Options.Timeout. It also asks for the store's
// status, which only its stream's leader gives: without a quorum PutBundle
// fails here, before anything is sent.
func (c *Control) preparePut(ctx context.Context, id string) (obs *bundleStore, stored bool, err error) {
	ctx, cancel := c.op(ctx)
	defer cancel()
	obs, err = c.bundles.get(ctx)
	if err != nil {
		return nil, false, err
	}
	info, err := obs.GetInfo(ctx, id)
	if err == nil && !info.Deleted {
		return obs, true, nil
	}
	if err != nil && !errors.Is(err, jetstream.ErrObjectNotFound) {
		return nil, false, err
	}
	if _, err := obs.Status(ctx); err != nil {
		return nil, false, err
	}
	return obs, false, nil
}

// GetBundle returns a reader of the bundle of deployment id, streamed from
// the object store, or an error wrapping ErrNotFound. The caller must close
// it. Reading it fails if the content does not match the digest stored with
// it. The transfer ends with ctx; when ctx has no deadline, it is given
// Options.Timeout plus Options.Timeout per 16 MiB of bundle.
func (c *Control) GetBundle(ctx context.Context, id string) (io.ReadCloser, error) {
	op := fmt.Sprintf("reading bundle %s", id)
	ictx, cancel := c.op(ctx)
	store, err := c.bundles.get(ictx)
	var info *jetstream.ObjectInfo
	if err == nil {
		info, err = store.GetInfo(ictx, id)
	}
	cancel()
	if errors.Is(err, jetstream.ErrObjectNotFound) {
		return nil, fmt.Errorf("%s: %w", op, ErrNotFound)
	}
	if err != nil {
		c.bundles.failed(err)
		return nil, c.wrap(ctx, op, err)
	}
	want, err := jetstream.DecodeObjectDigest(info.Digest)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	gctx, stop := context.WithCancel(ctx)
	if _, ok := ctx.Deadline(); !ok {
		stop()
		d := c.timeout * time.Duration(1+info.Size/bundleTransferRate)
		gctx, stop = context.WithTimeout(ctx, d)
	}
	r := &bundleReader{c: c, ctx: gctx, op: op, stop: stop, info: info, want: want, digest: sha256.New()}
	if info.Chunks == 0 {
		return r, nil
	}
	// The chunks are read through an ordered consumer that stops after the
	// number of chunks the bundle's info (read from the stream's leader)
	// names. The object store's own Get stops when the consumer's replica
	// has nothing more, which on a replica that lags behind the last write
	// is a truncated bundle.
	cons, err := store.stream.OrderedConsumer(gctx, jetstream.OrderedConsumerConfig{
		FilterSubjects: []string{fmt.Sprintf("$O.%s.C.%s", bundlesBucket, info.NUID)},
		DeliverPolicy:  jetstream.DeliverAllPolicy,
		// The server removes the consumer this long after the reader
		// stops asking, closed or abandoned.
		InactiveThreshold: bundleConsumerIdle,
	})
	if err == nil {
		r.msgs, err = cons.Messages(jetstream.PullMaxMessages(16))
	}
	if err != nil {
		stop()
		c.bundles.failed(err)
		return nil, c.wrap(ctx, op, err)
	}
	return r, nil
}

// DeleteBundle deletes the bundle of deployment id. Deleting a bundle that
// does not exist is not an error.
func (c *Control) DeleteBundle(ctx context.Context, id string) error {
	op := fmt.Sprintf("deleting bundle %s", id)
	dctx, cancel := c.op(ctx)
	defer cancel()
	obs, err := c.bundles.get(dctx)
	if err == nil {
		err = obs.Delete(dctx, id)
	}
	if errors.Is(err, jetstream.ErrObjectNotFound) {
		return nil
	}
	c.bundles.failed(err)
	return c.wrap(ctx, op, err)
}

// bundleReader reads a bundle's chunks in order and checks its digest at
// the end; its errors say what to check.
type bundleReader struct {
	c    *Control
	ctx  context.Context // the transfer's
	op   string
	stop context.CancelFunc

	info   *jetstream.ObjectInfo
	want   []byte // the SHA-256 stored with the bundle
	msgs   jetstream.MessagesContext
	digest hash.Hash
	chunks uint32 // chunks read so far
	n      uint64 // bytes read so far
	buf    []byte // the rest of the current chunk
	err    error  // sticky
}

func (r *bundleReader) Read(p []byte) (int, error) {
	for len(r.buf) == 0 && r.err == nil {
		if r.chunks == r.info.Chunks {
			r.err = io.EOF
			if r.n != r.info.Size || !bytes.Equal(r.digest.Sum(nil), r.want) {
				r.err = fmt.Errorf("%s: %w", r.op, jetstream.ErrDigestMismatch)
			}
			break
		}
		m, err := r.msgs.Next(jetstream.NextContext(r.ctx))
		if err != nil {
			r.err = r.c.wrap(r.ctx, r.op, err)
			break
		}
		r.buf = m.Data()
		r.digest.Write(r.buf)
		r.chunks++
		r.n += uint64(len(r.buf))
	}
	if len(r.buf) == 0 {
		return 0, r.err
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}

func (r *bundleReader) Close() error {
	if r.msgs != nil {
		r.msgs.Stop()
	}
	r.stop()
	return nil
}
