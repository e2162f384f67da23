package host

import (
	"fmt"
	"io"
	"sort"
	"time"
)

// printStatus prints the cluster by region: each node, how long it has been
// up and what it serves, then each project's active deployment and the
// nodes that do not serve it yet.
func printStatus(out io.Writer, st *status) {
	fmt.Fprintf(out, "cluster seen from %s (%s)\n\n", st.Node, st.Region)
	nodes := st.Nodes
	sort.Slice(nodes, func(i, j int) bool {
		return nodes[i].Region < nodes[j].Region || nodes[i].Region == nodes[j].Region && nodes[i].Node < nodes[j].Node
	})
	fmt.Fprintf(out, "%-12s %-16s %-28s %-8s %s\n", "REGION", "NODE", "CLUSTER URL", "UP", "HEALTH")
	for _, m := range nodes {
		health := "ok"
		if len(m.Failed) > 0 {
			health = fmt.Sprintf("%d failed deployments", len(m.Failed))
		}
		fmt.Fprintf(out, "%-12s %-16s %-28s %-8s %s\n", m.Region, m.Node, m.ClusterURL, time.Since(m.Started).Round(time.Second), health)
	}
	for _, m := range st.Down {
		fmt.Fprintf(out, "%-12s %-16s %-28s %-8s %s\n", m.Region, m.Node, m.ClusterURL, "-", fmt.Sprintf("DOWN: not seen for %s", time.Since(m.Updated).Round(time.Second)))
	}
	fmt.Fprintln(out)
	fmt.Fprintf(out, "%-20s %-12s %s\n", "PROJECT", "ACTIVE", "NODES")
	for _, p := range st.Projects {
		ready, behind := 0, ""
		for _, m := range nodes {
			switch {
			case m.Ready[p.Name] == p.Active.Key():
				ready++
			case m.Failed[p.Name] != "":
				behind += fmt.Sprintf("\n    %s (%s): failed: %s", m.Node, m.Region, m.Failed[p.Name])
			default:
				behind += fmt.Sprintf("\n    %s (%s): behind, serving %s", m.Node, m.Region, orNone(short(m.Ready[p.Name])))
			}
		}
		for _, m := range st.Down {
			behind += fmt.Sprintf("\n    %s (%s): down, was serving %s", m.Node, m.Region, orNone(short(m.Ready[p.Name])))
		}
		fmt.Fprintf(out, "%-20s %-12s %d/%d ready%s\n", p.Name, short(p.Active.ID), ready, len(nodes)+len(st.Down), behind)
	}
}

func orNone(s string) string {
	if s == "" {
		return "nothing"
	}
	return s
}
