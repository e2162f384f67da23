package cluster

// Keep is how many deployments a project's history holds, the active one
// included; the bundles of older ones are deleted.
const Keep = 10

// nextHistory returns the history after d becomes active: d first, followed
// by the rest of history without d, at most keep in all, and the
// deployments that fell off the end. When d is in history already (a
// rollback), the stored entry's Created and Size fill in d's zero ones.
func nextHistory(history []Deployment, d Deployment, keep int) (next, dropped []Deployment) {
	next = append(make([]Deployment, 0, min(len(history)+1, keep)), d)
	seen := map[string]bool{d.ID: true}
	for _, h := range history {
		if h.ID == d.ID {
			if next[0].Created.IsZero() {
				next[0].Created = h.Created
			}
			if next[0].Size == 0 {
				next[0].Size = h.Size
			}
			continue
		}
		if seen[h.ID] {
			continue
		}
		seen[h.ID] = true
		if len(next) < keep {
			next = append(next, h)
		} else {
			dropped = append(dropped, h)
		}
	}
	return next, dropped
}
