package cluster

import (
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"
)

func TestNextHistory(t *testing.T) {
	day := func(n int) time.Time { return time.Date(2026, 1, n, 0, 0, 0, 0, time.UTC) }
	deps := func(ids ...string) []Deployment {
		var ds []Deployment
		for i, id := range ids {
			ds = append(ds, Deployment{ID: id, Created: day(len(ids) - i), Size: int64(100 + i)})
		}
		return ds
	}
	many := func(n int) []string {
		var ids []string
		for i := n; i >= 1; i-- {
			ids = append(ids, fmt.Sprintf("d%d", i))
		}
		return ids
	}
	tests := []struct {
		name        string
		history     []Deployment
		d           Deployment
		keep        int
		want        []string
		wantDropped []string
	}{
		{name: "first deployment", d: Deployment{ID: "a"}, keep: 10, want: []string{"a"}},
		{name: "a new one goes first", history: deps("b", "a"), d: Deployment{ID: "c"}, keep: 10, want: []string{"c", "b", "a"}},
		{name: "a rollback moves it first", history: deps("c", "b", "a"), d: Deployment{ID: "a"}, keep: 10, want: []string{"a", "c", "b"}},
		{name: "activating the active one changes nothing", history: deps("c", "b", "a"), d: Deployment{ID: "c"}, keep: 10, want: []string{"c", "b", "a"}},
		{name: "the oldest falls off", history: deps(many(10)...), d: Deployment{ID: "d11"}, keep: 10, want: many(11)[:10], wantDropped: []string{"d1"}},
		{name: "a rollback at the limit drops nothing", history: deps(many(10)...), d: Deployment{ID: "d1"}, keep: 10, want: append([]string{"d1"}, many(10)[:9]...)},
		{name: "a shorter keep drops several", history: deps("e", "d", "c", "b", "a"), d: Deployment{ID: "f"}, keep: 3, want: []string{"f", "e", "d"}, wantDropped: []string{"c", "b", "a"}},
		{name: "duplicates are dropped", history: deps("b", "a", "b"), d: Deployment{ID: "c"}, keep: 10, want: []string{"c", "b", "a"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := slices.Clone(tt.history)
			next, dropped := nextHistory(tt.history, tt.d, tt.keep)
			if got := deploymentIDs(next); !slices.Equal(got, tt.want) {
				t.Errorf("history %v, want %v", got, tt.want)
			}
			if got := deploymentIDs(dropped); !slices.Equal(got, tt.wantDropped) {
				t.Errorf("dropped %v, want %v", got, tt.wantDropped)
			}
			if !reflect.DeepEqual(tt.history, before) {
				t.Error("nextHistory changed its argument")
			}
		})
	}

	t.Run("a rollback keeps the deployment's creation and size", func(t *testing.T) {
		history := deps("b", "a")
		next, _ := nextHistory(history, Deployment{ID: "a", Source: "rollback to a"}, 10)
		if next[0].Created != history[1].Created || next[0].Size != history[1].Size || next[0].Source != "rollback to a" {
			t.Errorf("got %+v, want a's creation and size with the rollback's source", next[0])
		}
	})
}
