package host

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/wasmpages/wasmpages/placement"
)

// explainSubject is where the admin API asks every node for its view of a
// project's placement.
const explainSubject = "wasmpages.explain"

// placementView is one node's view of a project's placement: each node
// decides for the requests that enter it, so each explains its own region.
type placementView struct {
	Node       string `json:"node"`
	Region     string `json:"region"`
	Project    string `json:"project"`
	Deployment string `json:"deployment,omitempty"`
	// Report is the engine's explanation; nil when placement is off or the
	// node does not serve the project.
	Report *placement.Report `json:"report,omitempty"`
}

// view is this node's placementView of a project.
func (f *fleet) view(project string) placementView {
	v := placementView{Node: f.node, Region: f.region, Project: project}
	if p := f.placer(project); p != nil {
		v.Deployment = p.deployment
		if p.engine != nil {
			rep := p.engine.Explain(time.Now())
			v.Report = &rep
		}
	}
	return v
}

// handlePlacement gathers every live node's view of a project.
func (n *node) handlePlacement(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	want := len(n.fleet.peers())
	if want == 0 {
		want = 1
	}
	replies, err := n.control.Gather(r.Context(), explainSubject, []byte(name), want, 2*time.Second)
	if err != nil {
		writeError(w, http.StatusServiceUnavailable, err)
		return
	}
	views := []placementView{}
	for _, b := range replies {
		var v placementView
		if json.Unmarshal(b, &v) == nil {
			views = append(views, v)
		}
	}
	if len(views) == 0 {
		// The control plane is down: this node still explains itself.
		views = append(views, n.fleet.view(name))
	}
	sort.Slice(views, func(i, j int) bool {
		return views[i].Region < views[j].Region || views[i].Region == views[j].Region && views[i].Node < views[j].Node
	})
	writeJSON(w, http.StatusOK, views)
}

// answerExplain answers the other nodes' requests for this node's view.
func (n *node) answerExplain(ctx context.Context) {
	n.control.Reply(ctx, explainSubject, func(project []byte) []byte {
		b, _ := json.Marshal(n.fleet.view(string(project)))
		return b
	})
}

// Placement prints, for each region, where a project's modules run and
// why: status, decision, each candidate's estimate and inputs, and placed
// versus baseline durations.
func Placement(ctx context.Context, o AdminOptions, project string) error {
	c, err := newAdminClient(o)
	if err != nil {
		return err
	}
	var views []placementView
	if err := c.call(ctx, "GET", "/v1/projects/"+project+"/placement", nil, nil, &views); err != nil {
		return err
	}
	printPlacement(o.Out, project, views)
	return nil
}

func printPlacement(w io.Writer, project string, views []placementView) {
	for i, v := range views {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "%s (node %s)", v.Region, v.Node)
		switch {
		case v.Deployment == "":
			fmt.Fprintf(w, ": does not serve %s\n", project)
			continue
		case v.Report == nil:
			fmt.Fprintf(w, ", deployment %s: placement off, every module runs here\n", short(v.Deployment))
			continue
		}
		rep := v.Report
		fmt.Fprintf(w, ", deployment %s: mode %s%s, status %s\n", short(v.Deployment), rep.Mode, targetText(rep), orText(rep.Status, "none (not analysed yet)"))
		for _, t := range rep.Targets {
			mark := " "
			if t.Chosen {
				mark = "*"
			}
			rtt := "not probed yet"
			if t.Probed {
				rtt = "unreachable"
				if t.Reachable {
					rtt = round(t.RTT)
				}
			}
			fmt.Fprintf(w, "  %s %-12s %s\n", mark, t.Region, rtt)
		}
		if len(rep.Modules) == 0 {
			fmt.Fprintln(w, "  no invocations yet")
		}
		for _, m := range rep.Modules {
			printModule(w, m)
		}
	}
}

func targetText(rep *placement.Report) string {
	switch {
	case rep.Target != "":
		return " to " + rep.Target
	case rep.Hint != "":
		return " (hint " + rep.Hint + ")"
	}
	return ""
}

func orText(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}

// printModule prints a module's decision for the node's own region.
func printModule(w io.Writer, m placement.ModuleReport) {
	fmt.Fprintf(w, "  functions/%s: %s, %d invocations, %.1f back-end round trips each\n", m.Module, orText(m.Status, "none"), m.Invocations, m.RoundTrips)
	for _, b := range m.Backends {
		fmt.Fprintf(w, "    back end %s: %.1f round trips, server time %s\n", b.Origin, b.RoundTrips, round(b.ServerTime))
	}
	if m.Revert != nil {
		fmt.Fprintf(w, "    reverted at %s: placed p50 %s against baseline p50 %s\n", m.Revert.At.Local().Format(time.TimeOnly), round(m.Revert.Placed), round(m.Revert.Baseline))
	}
	if len(m.Ingresses) == 0 {
		return
	}
	in := m.Ingresses[0] // this node's own region
	where := "here"
	if in.Decision.Region != "" {
		where = "in " + in.Decision.Region
	}
	fmt.Fprintf(w, "    runs %s: %s\n", where, in.Decision.Reason)
	if len(in.Candidates) > 0 {
		fmt.Fprintf(w, "      %-1s %-12s %10s %10s  %s\n", "", "REGION", "ESTIMATE", "HOP", "BACK ENDS")
	}
	for _, c := range in.Candidates {
		mark := ""
		if c.Chosen {
			mark = "*"
		}
		est := round(c.Estimate)
		switch {
		case c.Unreachable != "":
			est = "unreachable"
		case c.Missing != "":
			est = "unknown"
		}
		var bs []string
		for _, b := range c.Backends {
			bs = append(bs, fmt.Sprintf("%.1f x %s (%s)", b.RoundTrips, round(b.RTT), b.Source))
		}
		note := strings.Join(bs, ", ")
		if c.Missing != "" {
			note = c.Missing
		}
		fmt.Fprintf(w, "      %-1s %-12s %10s %10s  %s\n", mark, c.Region, est, round(c.Hop), note)
	}
	fmt.Fprintf(w, "      placed p50/p95 %s/%s (%d), baseline p50/p95 %s/%s (%d), baseline share %.1f%%\n",
		round(in.Placed.P50), round(in.Placed.P95), in.Placed.Count, round(in.Baseline.P50), round(in.Baseline.P95), in.Baseline.Count, in.BaselineShare*100)
}

// round is how explanations print a duration: to 10 microseconds.
func round(d placement.Duration) string {
	return time.Duration(d).Round(10 * time.Microsecond).String()
}
