package cluster

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
)

// unreadable fails the test if it is read.
type unreadable struct{ t *testing.T }

func (u unreadable) Read([]byte) (int, error) {
	u.t.Error("the bundle was read although it is stored already")
	return 0, io.ErrUnexpectedEOF
}

func TestBundles(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := single(t, nil)

	sizes := map[string]int{"empty": 0, "small": 10, "one-chunk": 128 << 10, "several-chunks": 300<<10 + 1}
	for name, size := range sizes {
		t.Run("round trip "+name, func(t *testing.T) {
			want := randomBytes(t, size)
			if err := c.PutBundle(ctx, name, bytes.NewReader(want)); err != nil {
				t.Fatal(err)
			}
			got, err := readBundle(ctx, c, name)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("read %d bytes that differ from the %d put", len(got), len(want))
			}
		})
	}

	t.Run("putting a stored bundle again does not read it", func(t *testing.T) {
		if err := c.PutBundle(ctx, "small", unreadable{t}); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("a failing reader fails the put and stores nothing", func(t *testing.T) {
		r := io.MultiReader(strings.NewReader("half a bundle"), errReader{})
		if err := c.PutBundle(ctx, "broken", r); err == nil || errors.Is(err, ErrUnavailable) {
			t.Fatalf("got %v, want the reader's error", err)
		}
		if _, err := c.GetBundle(ctx, "broken"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("got %v, want ErrNotFound", err)
		}
	})

	t.Run("a missing bundle is not found", func(t *testing.T) {
		_, err := c.GetBundle(ctx, "nope")
		if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "nope") {
			t.Fatalf("got %v, want ErrNotFound naming the bundle", err)
		}
	})

	t.Run("a deleted bundle is gone and can be put again", func(t *testing.T) {
		if err := c.PutBundle(ctx, "temp", strings.NewReader("v1")); err != nil {
			t.Fatal(err)
		}
		if err := c.DeleteBundle(ctx, "temp"); err != nil {
			t.Fatal(err)
		}
		if _, err := c.GetBundle(ctx, "temp"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("after delete: got %v, want ErrNotFound", err)
		}
		if err := c.DeleteBundle(ctx, "temp"); err != nil {
			t.Fatalf("deleting again: %v", err)
		}
		if err := c.DeleteBundle(ctx, "never-stored"); err != nil {
			t.Fatalf("deleting a missing bundle: %v", err)
		}
		if err := c.PutBundle(ctx, "temp", strings.NewReader("v2")); err != nil {
			t.Fatal(err)
		}
		if got, err := readBundle(ctx, c, "temp"); err != nil || string(got) != "v2" {
			t.Fatalf("got %q, %v; want v2", got, err)
		}
	})

	t.Run("a reader closed early releases it", func(t *testing.T) {
		r, err := c.GetBundle(ctx, "several-chunks")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := r.Read(make([]byte, 10)); err != nil {
			t.Fatal(err)
		}
		if err := r.Close(); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("an empty id is refused", func(t *testing.T) {
		if err := c.PutBundle(ctx, "", strings.NewReader("x")); err == nil {
			t.Fatal("no error")
		}
	})
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }
