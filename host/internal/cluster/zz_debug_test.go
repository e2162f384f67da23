package cluster

import (
	"context"
	"testing"
	"time"
)

func TestZZThree(t *testing.T) {
	opts := clusterOptions(t, 3)
	var nodes []*Control
	for i := range opts {
		opts[i].MemberTTL = 2 * time.Second
		nodes = append(nodes, start(t, opts[i]))
	}
	n1, n3 := nodes[0], nodes[2]
	for _, c := range nodes {
		ready(t, c)
	}
	t0 := time.Now()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go n1.WatchMembers(ctx, func(ms []Member) {
		t.Logf("%6.2fs report %v", time.Since(t0).Seconds(), nodeNames(ms))
	})
	for _, c := range nodes {
		heartbeat(t, c, Member{})
	}
	time.Sleep(2 * time.Second)
	t.Logf("%6.2fs closing n3", time.Since(t0).Seconds())
	n3.Close()
	time.Sleep(25 * time.Second)
}
