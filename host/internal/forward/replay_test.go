package forward

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
)

// nonceN returns the i-th of a series of distinct nonces.
func nonceN(i int) string {
	var b [16]byte
	binary.BigEndian.PutUint64(b[8:], uint64(i))
	return hex.EncodeToString(b[:])
}

func TestReplayCacheFull(t *testing.T) {
	// 100,000 distinct nonces at once into a cache of 1,000: it holds 1,000,
	// refuses the rest, and forgets none of those it holds.
	const capacity, n = 1000, 100_000
	c := newReplayCache(20*time.Second, capacity)
	refused := 0
	for i := range n {
		if err := c.add(nonceN(i), testNow); err != nil {
			if !errors.Is(err, ErrReplay) {
				t.Fatalf("add = %v, want ErrReplay", err)
			}
			refused++
		}
	}
	if got := c.len(); got != capacity {
		t.Errorf("len = %d, want %d", got, capacity)
	}
	if refused != n-capacity {
		t.Errorf("refused %d, want %d", refused, n-capacity)
	}
	for i := range capacity {
		if err := c.add(nonceN(i), testNow.Add(19*time.Second)); !errors.Is(err, ErrReplay) {
			t.Fatalf("nonce %d within its time: add = %v, want ErrReplay", i, err)
		}
	}
	// Once they expire there is room again.
	if err := c.add(nonceN(n), testNow.Add(20*time.Second)); err != nil {
		t.Errorf("after expiry: add = %v", err)
	}
	if got := c.len(); got != 1 {
		t.Errorf("len after expiry = %d, want 1", got)
	}
}

func TestReplayCacheExpires(t *testing.T) {
	// 100,000 distinct nonces, one every millisecond, into a cache that
	// keeps each for 2 s: it never holds more than 2 s worth.
	const ttl = 2 * time.Second
	c := newReplayCache(ttl, defaultReplayCapacity)
	most := 0
	for i := range 100_000 {
		if err := c.add(nonceN(i), testNow.Add(time.Duration(i)*time.Millisecond)); err != nil {
			t.Fatalf("add %d = %v", i, err)
		}
		most = max(most, c.len())
	}
	if limit := int(ttl/time.Millisecond) + 1; most > limit {
		t.Errorf("held %d nonces at most, want at most %d", most, limit)
	}
	if len(c.ring) > 4096 {
		t.Errorf("ring of %d entries for %d nonces", len(c.ring), c.len())
	}
	// An expired nonce is accepted again; a live one is not.
	late := testNow.Add(100 * time.Second)
	if err := c.add(nonceN(0), late); err != nil {
		t.Errorf("expired nonce: add = %v", err)
	}
	if err := c.add(nonceN(99_999), late); !errors.Is(err, ErrReplay) {
		t.Errorf("live nonce: add = %v, want ErrReplay", err)
	}
}

func TestReplayCacheShrinks(t *testing.T) {
	// After a burst, once every nonce expired, the memory goes back.
	c := newReplayCache(time.Second, defaultReplayCapacity)
	for i := range 10_000 {
		c.add(nonceN(i), testNow)
	}
	c.add(nonceN(-1), testNow.Add(time.Hour))
	if c.len() != 1 || len(c.ring) > 64 {
		t.Errorf("after the burst expired: len %d, ring %d", c.len(), len(c.ring))
	}
}

func TestReplayOutOfOrderClocks(t *testing.T) {
	// Verifications finish out of order: a nonce added with an earlier
	// clock than the one before it is still kept for its full time.
	c := newReplayCache(time.Second, 100)
	c.add(nonceN(1), testNow.Add(500*time.Millisecond))
	c.add(nonceN(2), testNow)
	if err := c.add(nonceN(2), testNow.Add(900*time.Millisecond)); !errors.Is(err, ErrReplay) {
		t.Errorf("add = %v, want ErrReplay", err)
	}
}

func TestSignerReplayCacheFull(t *testing.T) {
	// When the window's nonces fill the cache, new requests are refused
	// until some expire.
	s := newSigner(testSecret, 0, 3)
	for i := range 4 {
		req := signed(t, s, "GET", "/", "h.example.com", testEnvelope(), nil)
		_, err := s.Verify(req, testNow)
		if i < 3 && err != nil {
			t.Fatalf("request %d: Verify = %v", i, err)
		}
		if i == 3 && !errors.Is(err, ErrReplay) {
			t.Fatalf("request %d: Verify = %v, want ErrReplay", i, err)
		}
	}
	req := new(fasthttp.Request)
	req.SetRequestURI("http://h.example.com/")
	later := testNow.Add(21 * time.Second)
	if err := s.Sign(req, testEnvelope(), nil, 0, later); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Verify(wire(t, req), later); err != nil {
		t.Errorf("after the window: Verify = %v", err)
	}
}
