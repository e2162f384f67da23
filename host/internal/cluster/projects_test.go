package cluster

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// single starts a single-node control plane and waits until it answers.
func single(t *testing.T, change func(*Options)) *Control {
	t.Helper()
	o := Options{Node: "solo", Region: "here", Listen: "127.0.0.1:0", StoreDir: t.TempDir(), Logger: testLogger(t)}
	if change != nil {
		change(&o)
	}
	c := start(t, o)
	ready(t, c)
	return c
}

func TestProjects(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := single(t, nil)

	t.Run("a missing project is not found", func(t *testing.T) {
		_, err := c.Project(ctx, "nope")
		if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), `"nope"`) {
			t.Fatalf("got %v, want ErrNotFound naming the project", err)
		}
	})

	var blog *Project
	t.Run("the first activation creates the project", func(t *testing.T) {
		before := time.Now()
		p, err := c.Activate(ctx, "blog", Deployment{ID: "b1", Size: 7}, 0)
		if err != nil {
			t.Fatal(err)
		}
		if p.Name != "blog" || p.Active.ID != "b1" || p.Active.Created.Before(before.Add(-time.Second)) || p.Revision == 0 {
			t.Fatalf("got %+v, want b1 active, created now", p)
		}
		got, err := c.Project(ctx, "blog")
		if err != nil {
			t.Fatal(err)
		}
		if got.Revision != p.Revision || !reflect.DeepEqual(got.Active, p.Active) || len(got.History) != 1 {
			t.Fatalf("read back %+v, want %+v", got, p)
		}
		blog = got
	})

	t.Run("creating it again conflicts and names the active deployment", func(t *testing.T) {
		_, err := c.Activate(ctx, "blog", Deployment{ID: "b2"}, 0)
		if !errors.Is(err, ErrConflict) || !strings.Contains(err.Error(), "b1") {
			t.Fatalf("got %v, want ErrConflict naming b1", err)
		}
	})

	t.Run("a stale revision conflicts and changes nothing", func(t *testing.T) {
		p, err := c.Activate(ctx, "blog", Deployment{ID: "b2"}, blog.Revision)
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Activate(ctx, "blog", Deployment{ID: "b3"}, blog.Revision)
		if !errors.Is(err, ErrConflict) || !strings.Contains(err.Error(), "b2") {
			t.Fatalf("got %v, want ErrConflict naming b2", err)
		}
		got, err := c.Project(ctx, "blog")
		if err != nil {
			t.Fatal(err)
		}
		if got.Revision != p.Revision || got.Active.ID != "b2" {
			t.Fatalf("the conflict changed the project: %+v", got)
		}
	})

	t.Run("a revision of a missing project conflicts", func(t *testing.T) {
		_, err := c.Activate(ctx, "ghost", Deployment{ID: "g1"}, 3)
		if !errors.Is(err, ErrConflict) {
			t.Fatalf("got %v, want ErrConflict", err)
		}
	})

	t.Run("bad arguments are refused before NATS", func(t *testing.T) {
		for _, err := range []error{
			func() error { _, err := c.Activate(ctx, "Bad Name", Deployment{ID: "x"}, 0); return err }(),
			func() error { _, err := c.Activate(ctx, "blog", Deployment{}, 0); return err }(),
			func() error { _, err := c.Project(ctx, "a.b"); return err }(),
		} {
			if err == nil || errors.Is(err, ErrUnavailable) || errors.Is(err, ErrNotFound) {
				t.Errorf("got %v, want an argument error", err)
			}
		}
	})

	t.Run("projects are listed by name", func(t *testing.T) {
		if _, err := c.Activate(ctx, "api", Deployment{ID: "a1"}, 0); err != nil {
			t.Fatal(err)
		}
		ps, err := c.Projects(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, p := range ps {
			names = append(names, p.Name+"="+p.Active.ID)
		}
		if want := []string{"api=a1", "blog=b2"}; !slices.Equal(names, want) {
			t.Fatalf("got %v, want %v", names, want)
		}
	})

	t.Run("a watch starts with the current state", func(t *testing.T) {
		w := watchProjects(t, c)
		w.waitActive(t, "api", "a1")
		w.waitActive(t, "blog", "b2")
		if _, err := c.Activate(ctx, "docs", Deployment{ID: "d1"}, 0); err != nil {
			t.Fatal(err)
		}
		w.waitActive(t, "docs", "d1")
	})
}
