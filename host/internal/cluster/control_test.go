package cluster

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestOptionsDefaults(t *testing.T) {
	tests := []struct {
		name         string
		in           Options
		wantReplicas int
		wantListen   string
	}{
		{name: "single node", in: Options{StoreDir: "d"}, wantReplicas: 1, wantListen: DefaultListen},
		{name: "two nodes", in: Options{ClusterListen: ":6222", Routes: []string{"a:6222"}}, wantReplicas: 2, wantListen: DefaultListen},
		{name: "five nodes", in: Options{ClusterListen: ":6222", Routes: []string{"a:1", "b:1", "c:1", "d:1"}}, wantReplicas: 3, wantListen: DefaultListen},
		{name: "replicas set", in: Options{ClusterListen: ":6222", Routes: []string{"a:1", "b:1"}, Replicas: 2}, wantReplicas: 2, wantListen: DefaultListen},
		{name: "listen set", in: Options{Listen: "127.0.0.1:0"}, wantReplicas: 1, wantListen: "127.0.0.1:0"},
		{name: "external", in: Options{URL: "nats://x:4222"}, wantReplicas: 1},
		{name: "external replicas set", in: Options{URL: "nats://x:4222", Replicas: 3}, wantReplicas: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := tt.in
			if err := o.defaults(); err != nil {
				t.Fatal(err)
			}
			if o.Replicas != tt.wantReplicas || o.Listen != tt.wantListen || o.MemberTTL != DefaultMemberTTL ||
				o.Timeout != DefaultTimeout || o.Logger == nil {
				t.Errorf("defaults gave replicas %d, listen %q, member ttl %s, timeout %s, logger %v",
					o.Replicas, o.Listen, o.MemberTTL, o.Timeout, o.Logger)
			}
			if o.URL == "" && o.ClusterListen == "" && len(o.Secret) != 32 {
				t.Errorf("a single node without a secret gets a random one, got %d bytes", len(o.Secret))
			}
		})
	}
}

func TestOptionsValidate(t *testing.T) {
	valid := func() Options {
		o := Options{
			Node: "n1", Listen: "127.0.0.1:4222", ClusterListen: ":6222", Routes: []string{"nats://n2:6222"},
			StoreDir: "/var/lib/wasmpages/nats", Secret: []byte("s"),
		}
		if err := o.defaults(); err != nil {
			t.Fatal(err)
		}
		return o
	}
	tests := []struct {
		name   string
		change func(*Options)
		want   []string // each a line of the error; none: valid
	}{
		{name: "valid", change: func(*Options) {}},
		{name: "valid external", change: func(o *Options) {
			*o = Options{Node: "n1", URL: "nats://u:p@nats:4222", Replicas: 1, MemberTTL: time.Second, Timeout: time.Second}
		}},
		{name: "no node", change: func(o *Options) { o.Node = "" }, want: []string{"node: a node name is required"}},
		{name: "node with a dot", change: func(o *Options) { o.Node = "n.1" }, want: []string{`node "n.1": only letters`}},
		{name: "no store", change: func(o *Options) { o.StoreDir = "" }, want: []string{"store dir: required"}},
		{name: "bad listen", change: func(o *Options) { o.Listen = "4222" }, want: []string{`listen "4222"`}},
		{name: "bad cluster listen", change: func(o *Options) { o.ClusterListen = "x:y" }, want: []string{`cluster listen "x:y"`}},
		{name: "routes without cluster listen", change: func(o *Options) { o.ClusterListen = "" }, want: []string{"routes: need a cluster listen address"}},
		{name: "no secret", change: func(o *Options) { o.Secret = nil }, want: []string{"secret: a cluster secret is required"}},
		{name: "bad route", change: func(o *Options) { o.Routes = append(o.Routes, "http://n3:6222") }, want: []string{`routes[1] "http://n3:6222"`}},
		{name: "too many replicas", change: func(o *Options) { o.Replicas = 7 }, want: []string{"replicas 7: must be between 1 and 5"}},
		{name: "short ttl", change: func(o *Options) { o.MemberTTL = 500 * time.Millisecond }, want: []string{"member ttl 500ms: must be at least 1s"}},
		{name: "url and embedded", change: func(o *Options) { o.URL = "nats://u:secret@nats:4222" }, want: []string{"url nats://nats:4222: an external NATS cluster excludes"}},
		{name: "every problem at once", change: func(o *Options) {
			o.Node, o.StoreDir, o.Secret, o.Replicas = "", "", nil, 0
		}, want: []string{"node:", "store dir:", "secret:", "replicas 0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := valid()
			tt.change(&o)
			err := o.validate()
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("no error, want %q", tt.want)
			}
			lines := strings.Split(err.Error(), "\n")
			if len(lines) != len(tt.want) {
				t.Fatalf("error %q: want %d problems", err, len(tt.want))
			}
			for i, w := range tt.want {
				if !strings.HasPrefix(lines[i], "cluster: ") || !strings.Contains(lines[i], w) {
					t.Errorf("problem %q, want it to contain %q", lines[i], w)
				}
			}
			if strings.Contains(err.Error(), "secret@") {
				t.Errorf("error %q shows the URL's credentials", err)
			}
		})
	}
}

func TestCloseEndsWatchesAndIsIdempotent(t *testing.T) {
	t.Parallel()
	c := start(t, Options{Node: "solo", Listen: "127.0.0.1:0", StoreDir: t.TempDir()})
	done := make(chan struct{}, 3)
	ctx := context.Background()
	go func() { c.WatchProjects(ctx, func(*Project) {}); done <- struct{}{} }()
	go func() { c.WatchMembers(ctx, func([]Member) {}); done <- struct{}{} }()
	go func() { c.Heartbeat(ctx, func() Member { return Member{} }); done <- struct{}{} }()
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Fatal("a watch or heartbeat still runs after Close")
		}
	}
	if err := c.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}
