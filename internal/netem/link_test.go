package netem

import (
	"errors"
	"io"
	"slices"
	"testing"
	"time"
)

func fixed(d time.Duration) func() time.Duration { return func() time.Duration { return d } }

func TestLinkOrderAndDelay(t *testing.T) {
	// A chunk put with a shorter delay after one with a longer delay waits
	// for it: order is kept.
	l := newLink()
	start := time.Now()
	l.put([]byte("slow "), fixed(60*time.Millisecond), false)
	l.put([]byte("fast"), fixed(0), false)
	buf := make([]byte, 16)
	n, err := l.take(buf, true)
	if err != nil || string(buf[:n]) != "slow " {
		t.Fatalf("first take = %q, %v; want %q", buf[:n], err, "slow ")
	}
	if d := time.Since(start); d < 60*time.Millisecond {
		t.Errorf("first chunk delivered after %v, want at least 60ms", d)
	}
	n, err = l.take(buf, true)
	if err != nil || string(buf[:n]) != "fast" {
		t.Fatalf("second take = %q, %v; want fast", buf[:n], err)
	}
}

func TestLinkPartialTakes(t *testing.T) {
	l := newLink()
	l.put([]byte("0123456789"), fixed(0), false)
	l.end(io.EOF, time.Now())
	var got []string
	buf := make([]byte, 4)
	for {
		n, err := l.take(buf, true)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, string(buf[:n]))
	}
	if want := []string{"0123", "4567", "89"}; !slices.Equal(got, want) {
		t.Errorf("takes = %q, want %q", got, want)
	}
	if _, err := l.take(buf, true); err != io.EOF {
		t.Errorf("take after the end = %v, want io.EOF again", err)
	}
}

func TestLinkFailAndClose(t *testing.T) {
	l := newLink()
	boom := errors.New("boom")
	l.put([]byte("lost"), fixed(time.Hour), false)
	l.fail(boom)
	if _, err := l.put([]byte("x"), fixed(0), true); err != boom {
		t.Errorf("put after fail = %v, want %v", err, boom)
	}
	l.close()
	if _, err := l.put([]byte("x"), fixed(0), true); err != errClosed {
		t.Errorf("put after close = %v, want errClosed", err)
	}
	if _, err := l.take(make([]byte, 1), false); err != errClosed {
		t.Errorf("take after close = %v, want errClosed", err)
	}
	if l.setDeadline(time.Now()) {
		t.Error("setDeadline on a closed link reported it open")
	}
}
