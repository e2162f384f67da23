// Package cluster is the control plane of a wasmpages cluster, kept in NATS
// JetStream (DESIGN.md, "Cluster").
//
// Every node either embeds a NATS server with JetStream, the nodes' servers
// joining into one NATS cluster through routes, or connects to an external
// NATS cluster. [Start] returns a [Control], the node's handle on three
// JetStream buckets:
//
//   - "wasmpages-bundles", an object store: each deployment's bundle, named
//     by its deployment id ([Control.PutBundle], [Control.GetBundle]).
//   - "wasmpages-projects", a key-value bucket: for each project, keyed by
//     name, its active deployment and the history of good ones, changed
//     only with compare-and-set ([Control.Activate]) and watched by every
//     node ([Control.WatchProjects]).
//   - "wasmpages-nodes", a key-value bucket whose entries expire after the
//     member TTL: each node's region, cluster URL and readiness per project
//     ([Control.Announce], [Control.Members], [Control.WatchMembers]).
//
// # Availability
//
// The request path never touches NATS, and a node keeps serving its
// deployments from disk while the control plane is down. So Start does not
// wait for JetStream: buckets are bound (and created, with Options.Replicas
// copies) on first use and again after a reconnection. An operation made
// while NATS is unreachable, or while the JetStream cluster has no quorum
// (fewer than a majority of the servers up), fails within Options.Timeout
// with an error wrapping [ErrUnavailable] whose message says what to check.
// Watches survive outages: they retry, and start over with the current state
// after a reconnection.
//
// # Consistency
//
// Reads are answered by each bucket's stream leader (direct gets from
// replicas are turned off), so [Control.Project], [Control.Projects],
// [Control.Members] and a bundle's existence reflect every acknowledged
// write, on any node: a compare-and-set never starts from a stale revision
// and a node never misses a bundle that was just stored. Watches, and the
// transfer of a bundle's content, go through consumers that may sit on a
// replica a moment behind; they deliver every change, in order, possibly a
// little later. A bundle's content is checked against its stored digest.
//
// # Security
//
// The embedded servers refuse routes and clients that do not hold the
// cluster secret: the route password and the client token are HMAC-SHA256
// of fixed labels under it, distinct from each other and from the other
// uses of the secret.
package cluster
