package cluster

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"

	"github.com/nats-io/nats.go/jetstream"
)

// The JetStream buckets of the control plane.
const (
	bundlesBucket  = "wasmpages-bundles"
	projectsBucket = "wasmpages-projects"
	nodesBucket    = "wasmpages-nodes"
)

// binding is a bucket handle bound on first use. A failed use resets it, so
// the next use binds again (and creates the bucket if the servers lost it).
type binding[T any] struct {
	bind func(context.Context) (T, error)

	mu  sync.Mutex // serialises binding
	cur atomic.Pointer[T]
}

// get returns the bound handle, binding it first if need be.
func (b *binding[T]) get(ctx context.Context) (T, error) {
	if p := b.cur.Load(); p != nil {
		return *p, nil
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if p := b.cur.Load(); p != nil {
		return *p, nil
	}
	v, err := b.bind(ctx)
	if err != nil {
		var zero T
		return zero, err
	}
	b.cur.Store(&v)
	return v, nil
}

// reset forgets the handle.
func (b *binding[T]) reset() { b.cur.Store(nil) }

// failed resets the handle after err unless err is an answer about the data
// (not found, conflict), which says the bucket is fine.
func (b *binding[T]) failed(err error) {
	switch {
	case err == nil,
		errors.Is(err, jetstream.ErrKeyNotFound),
		errors.Is(err, jetstream.ErrKeyDeleted),
		errors.Is(err, jetstream.ErrKeyExists),
		errors.Is(err, jetstream.ErrKeyRevisionMismatch),
		errors.Is(err, jetstream.ErrObjectNotFound):
		return
	}
	b.reset()
}

// kvBucket is a bound key-value bucket and its stream.
type kvBucket struct {
	jetstream.KeyValue
	stream jetstream.Stream
}

// bindKV binds the KV bucket cfg describes, creating it if it does not
// exist, with reads answered by its stream's leader (see leaderReads).
func (c *Control) bindKV(ctx context.Context, cfg jetstream.KeyValueConfig) (*kvBucket, error) {
	name := "KV_" + cfg.Bucket
	if _, err := c.js.Stream(ctx, name); errors.Is(err, jetstream.ErrStreamNotFound) {
		if _, err := c.js.CreateKeyValue(ctx, cfg); err != nil && !errors.Is(err, jetstream.ErrBucketExists) {
			return nil, err
		}
	} else if err != nil {
		return nil, err
	}
	stream, err := c.leaderReads(ctx, name)
	if err != nil {
		return nil, err
	}
	kv, err := c.js.KeyValue(ctx, cfg.Bucket)
	if err != nil {
		return nil, err
	}
	return &kvBucket{KeyValue: kv, stream: stream}, nil
}

// leaderReads makes the stream called name answer reads from its leader
// only, and returns it. JetStream's buckets let every replica answer (direct
// gets), and a replica may lag behind the last write: a node could then miss
// a bundle that was just stored, or Activate could read a revision older
// than the one it was given. Reads from the leader see every acknowledged
// write, at the price of needing a quorum.
func (c *Control) leaderReads(ctx context.Context, name string) (jetstream.Stream, error) {
	stream, err := c.js.Stream(ctx, name)
	if err != nil {
		return nil, err
	}
	cfg := stream.CachedInfo().Config
	if !cfg.AllowDirect {
		return stream, nil
	}
	cfg.AllowDirect = false
	if _, err := c.js.UpdateStream(ctx, cfg); err != nil {
		return nil, err
	}
	return c.js.Stream(ctx, name)
}

func (c *Control) bindProjects(ctx context.Context) (*kvBucket, error) {
	return c.bindKV(ctx, jetstream.KeyValueConfig{
		Bucket:      projectsBucket,
		Description: "wasmpages: each project's active deployment and history",
		History:     5,
		Storage:     jetstream.FileStorage,
		Replicas:    c.replicas,
	})
}

func (c *Control) bindNodes(ctx context.Context) (*kvBucket, error) {
	cfg := jetstream.KeyValueConfig{
		Bucket:         nodesBucket,
		Description:    "wasmpages: node membership, each entry living for the TTL after its last announcement",
		TTL:            c.memberTTL,
		LimitMarkerTTL: c.memberTTL,
		Storage:        jetstream.FileStorage,
		Replicas:       c.replicas,
	}
	kv, err := c.bindKV(ctx, cfg)
	if errors.Is(err, jetstream.ErrLimitMarkerTTLNotSupported) {
		// An older external server: expiry is then seen by the watchers'
		// own clocks only.
		cfg.LimitMarkerTTL = 0
		kv, err = c.bindKV(ctx, cfg)
	}
	if err != nil {
		return nil, err
	}
	if ttl := kv.stream.CachedInfo().Config.MaxAge; ttl != c.memberTTL {
		c.log.Warn("the membership bucket's TTL differs from this node's member TTL; the bucket's applies",
			"bucket_ttl", ttl, "member_ttl", c.memberTTL)
	}
	return kv, nil
}

// bundleStore is the bound bundles object store and its stream.
type bundleStore struct {
	jetstream.ObjectStore
	stream jetstream.Stream
}

func (c *Control) bindBundles(ctx context.Context) (*bundleStore, error) {
	name := "OBJ_" + bundlesBucket
	if _, err := c.js.Stream(ctx, name); errors.Is(err, jetstream.ErrStreamNotFound) {
		_, err := c.js.CreateObjectStore(ctx, jetstream.ObjectStoreConfig{
			Bucket:      bundlesBucket,
			Description: "wasmpages: deployment bundles, named by deployment id",
			Storage:     jetstream.FileStorage,
			Replicas:    c.replicas,
		})
		if err != nil && !errors.Is(err, jetstream.ErrBucketExists) && !errors.Is(err, jetstream.ErrStreamNameAlreadyInUse) {
			return nil, err
		}
	} else if err != nil {
		return nil, err
	}
	stream, err := c.leaderReads(ctx, name)
	if err != nil {
		return nil, err
	}
	obs, err := c.js.ObjectStore(ctx, bundlesBucket)
	if err != nil {
		return nil, err
	}
	return &bundleStore{ObjectStore: obs, stream: stream}, nil
}
