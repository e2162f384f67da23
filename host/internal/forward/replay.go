package forward

import (
	"encoding/hex"
	"fmt"
	"sync"
	"time"
)

// defaultReplayCapacity is how many nonces a Signer remembers at most: at
// twice the default window, over 50,000 verified requests a second. Each
// costs about 50 bytes.
const defaultReplayCapacity = 1 << 20

// replayCache remembers nonces for a fixed time after they were first seen.
// Its memory is bounded: when it holds capacity nonces that have not
// expired, it refuses new ones rather than forget any of them, since a
// forgotten nonce could be replayed. It is safe for concurrent use.
type replayCache struct {
	ttl      time.Duration
	capacity int

	mu   sync.Mutex
	seen map[[16]byte]struct{}
	// ring holds the nonces in seen in the order they were added, from head,
	// so that the oldest expire first.
	ring []replayEntry
	head int
}

type replayEntry struct {
	nonce   [16]byte
	expires int64 // Unix nanoseconds
}

func newReplayCache(ttl time.Duration, capacity int) *replayCache {
	return &replayCache{ttl: ttl, capacity: capacity, seen: make(map[[16]byte]struct{})}
}

// add records nonce (32 hex digits) as seen at now. It returns an error
// wrapping ErrReplay if nonce was seen and has not expired, or if the cache
// is full of nonces that have not expired.
func (c *replayCache) add(nonce string, now time.Time) error {
	var key [16]byte
	if n, err := hex.Decode(key[:], []byte(nonce)); err != nil || n != len(key) {
		return fmt.Errorf("%w: malformed nonce", ErrUnsigned)
	}
	t := now.UnixNano()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.expire(t)
	if _, ok := c.seen[key]; ok {
		return ErrReplay
	}
	if len(c.seen) >= c.capacity {
		return fmt.Errorf("%w: the replay cache is full", ErrReplay)
	}
	c.seen[key] = struct{}{}
	c.push(replayEntry{nonce: key, expires: t + int64(c.ttl)})
	return nil
}

// len returns how many nonces the cache holds.
func (c *replayCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.seen)
}

// expire forgets the nonces, oldest first, that expired by t. A nonce added
// with an earlier clock than one before it waits for that one: it is kept
// longer, never shorter, than its time.
func (c *replayCache) expire(t int64) {
	for len(c.seen) > 0 {
		e := &c.ring[c.head]
		if e.expires > t {
			return
		}
		delete(c.seen, e.nonce)
		c.head = (c.head + 1) % len(c.ring)
	}
	if len(c.ring) > shrinkAbove {
		// Empty after a burst: give the memory back (a map never shrinks).
		c.seen, c.ring, c.head = make(map[[16]byte]struct{}), nil, 0
	}
}

// shrinkAbove is the ring size above which an empty cache frees its memory.
const shrinkAbove = 4096

// push appends e to the ring, which holds len(c.seen)-1 entries before it,
// growing the ring when it is full.
func (c *replayCache) push(e replayEntry) {
	n := len(c.seen) - 1
	if n == len(c.ring) {
		size := min(max(64, 2*len(c.ring)), c.capacity)
		ring := make([]replayEntry, size)
		copied := copy(ring, c.ring[c.head:])
		copy(ring[copied:], c.ring[:c.head])
		c.ring, c.head = ring, 0
	}
	c.ring[(c.head+n)%len(c.ring)] = e
}
