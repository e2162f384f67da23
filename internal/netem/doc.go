// Package netem emulates wide-area round-trip times between places on one
// machine, in user space, for tests and for `wasmpages dev --simulate`.
//
// A Net knows places (regions, back ends, simulated clients: just names)
// and a symmetric matrix of round-trip times between them. Servers listen
// on loopback as usual, and Net.Bind (or Net.Listen) says which place hosts
// an address. A TCP connection opened through Net.Dialer or Net.Dial from
// place A to an address hosted by place B behaves as if it crossed a link
// of RTT(A, B): the connect takes one round trip, and every byte, in either
// direction, arrives half a round trip after it was sent, in order and
// without loss. Only the dialing side is wrapped and it delays both
// directions; the server side is a plain listener. So wrapping the client
// side of each connection emulates the whole link.
//
// A wrapped connection is a complete net.Conn: it is safe for concurrent
// use, its deadlines fail blocked calls with os.ErrDeadlineExceeded, and
// Close unblocks every call and ends the connection's two goroutines.
// Write returns once its bytes are queued, as it does once they are in a
// socket buffer. Throughput is not limited, except that a direction holds
// at most 16 MiB in flight, as a TCP window would (160 MiB/s at a one-way
// delay of 100ms): beyond that, Write waits as on a full socket buffer, and
// the reading side stops reading the real connection. An error of the real connection, such as
// the peer's EOF, is seen after the data that preceded it. Close discards
// the bytes not yet delivered, as closing a socket with SO_LINGER 0 does.
//
// Net.SetRTT changes a round-trip time at run time: it applies to new
// connects and to the bytes sent from then on, on open connections too.
// The place of an address is looked up when a connection opens.
//
// A simulation file (ParseSim, LoadSim) describes regions, back ends and
// clients and the round-trip times between them in TOML; Sim.Net builds
// the Net it describes.
package netem
