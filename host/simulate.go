package host

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/wasmpages/wasmpages/host/internal/cluster"
	"github.com/wasmpages/wasmpages/host/internal/config"
	"github.com/wasmpages/wasmpages/host/internal/forward"
	"github.com/wasmpages/wasmpages/host/internal/runtime"
	"github.com/wasmpages/wasmpages/host/internal/site"
	"github.com/wasmpages/wasmpages/internal/netem"
)

// SimulateOptions configure StartSimulation and Simulate.
type SimulateOptions struct {
	// Dir is the project directory, holding pages.toml.
	Dir string
	// Sim is the path of the simulation file (regions, round trips, back
	// ends, clients).
	Sim string
	// DataDir holds the compilation cache; "" is the user cache directory.
	DataDir string
	// Out receives the log and, in Simulate, the report.
	Out io.Writer
	// Vars override the project's [vars] and .dev.vars.
	Vars map[string]string
	// IP and Port are where the first region's public listener goes; each
	// other region takes the next port. Port 0 picks free ports.
	IP   string
	Port int
	// Placement overrides the project's [placement]: "" keeps it, "off" or
	// "smart", or a region name for targeted placement in that region.
	Placement string
}

// Simulation runs a project in several virtual regions in one process:
// one node per region of the simulation file, each with its own public
// and cluster listener, joined by forwarding over loopback, with the
// file's round trips injected into every connection (forwards, the
// functions' subrequests, probes, and the simulated clients').
type Simulation struct {
	project string
	net     *netem.Net
	sim     *netem.Sim
	regions []*simRegion
	procs   []*exec.Cmd
	exited  []chan error
	cancel  context.CancelFunc
	done    chan struct{}
}

// simRegion is one virtual region's node.
type simRegion struct {
	name            string
	public, cluster string // URLs
	fleet           *fleet
	client          *forward.Client
	cur             current
	pub, cl         *fasthttp.Server
	lns             []*connTracker
	// delay is added before each forwarded request this region runs: a
	// busy node.
	delay atomic.Int64
}

// StartSimulation builds the project, starts the back ends the simulation
// file says how to start, and serves the project in every region.
func StartSimulation(ctx context.Context, o SimulateOptions) (*Simulation, error) {
	if o.Out == nil {
		o.Out = os.Stderr
	}
	if o.IP == "" {
		o.IP = "127.0.0.1"
	}
	sim, err := netem.LoadSim(o.Sim)
	if err != nil {
		return nil, err
	}
	nt, err := sim.Net()
	if err != nil {
		return nil, err
	}
	dir, err := filepath.Abs(o.Dir)
	if err != nil {
		return nil, err
	}
	p, secrets, err := loadForSimulation(ctx, dir, o)
	if err != nil {
		return nil, err
	}
	cache, err := openCache(o.DataDir)
	if err != nil {
		return nil, err
	}
	s := &Simulation{project: p.Name, net: nt, sim: sim, done: make(chan struct{})}
	if err := s.startBackends(ctx, dir, o.Out); err != nil {
		s.Close()
		return nil, err
	}
	secret := make([]byte, 32)
	rand.Read(secret)
	signer := forward.NewSigner(secret, 0)
	deployment := randomID()
	logger := newConsoleLogger(o.Out)
	for i, name := range sim.Regions {
		r, err := startRegion(ctx, s, name, regionAddr(o, i), simRegionConfig{
			dir: dir, project: p, secrets: secrets, cache: cache, logger: logger.With("region", name),
			signer: signer, deployment: deployment,
		})
		if err != nil {
			s.Close()
			return nil, err
		}
		s.regions = append(s.regions, r)
	}
	var members []cluster.Member
	for _, r := range s.regions {
		members = append(members, cluster.Member{
			Node: r.fleet.node, Region: r.name, ClusterURL: r.cluster,
			Ready: map[string]string{p.Name: deployment},
		})
	}
	bg, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	for _, r := range s.regions {
		r.fleet.setMembers(members)
		r.fleet.publish = func(t telemetry) {
			for _, other := range s.regions {
				other.fleet.receive(t)
			}
		}
	}
	go func() {
		defer close(s.done)
		for _, r := range s.regions {
			go r.fleet.run(bg)
		}
		<-bg.Done()
	}()
	return s, nil
}

// simRegionConfig is what every region of a simulation shares.
type simRegionConfig struct {
	dir        string
	project    *config.Project
	secrets    map[string]string
	cache      *runtime.Cache
	logger     *slog.Logger
	signer     *forward.Signer
	deployment string
}

// startRegion loads the project as region name's node and opens its
// listeners.
func startRegion(ctx context.Context, s *Simulation, name, addr string, c simRegionConfig) (*simRegion, error) {
	r := &simRegion{name: name}
	r.client = forward.NewClient(forward.ClientOptions{DialContext: s.net.Dialer(name)})
	r.fleet = newFleet(name, name+"-sim", r.client, nil)
	r.fleet.dial = s.net.Dialer(name)
	pl := newPlacer(r.fleet, c.project, c.deployment)
	st, err := site.Load(ctx, site.Options{
		Dir: c.dir, Project: c.project, Secrets: c.secrets, Region: name, Cache: c.cache,
		Logger: c.logger, Verbose: true, Deployment: c.deployment,
		Remote:    pl.remote(c.signer, r.client),
		Transport: &http.Transport{DialContext: s.net.Dialer(name), MaxIdleConnsPerHost: 64, IdleConnTimeout: 90 * time.Second},
	})
	if err != nil {
		return nil, err
	}
	if probs := st.Problems(); len(probs) > 0 {
		st.Close(ctx)
		return nil, fmt.Errorf("%d modules failed to load: %v", len(probs), probs)
	}
	r.cur.swap(st)
	r.fleet.setPlacer(pl)
	pub, err := net.Listen("tcp", addr)
	if err != nil {
		r.cur.close()
		return nil, fmt.Errorf("region %s: listening on %s: %w (pick another --port)", name, addr, err)
	}
	s.net.Bind(name, pub.Addr().String())
	cl, err := s.net.Listen(name)
	if err != nil {
		pub.Close()
		r.cur.close()
		return nil, err
	}
	r.public, r.cluster = "http://"+pub.Addr().String(), "http://"+cl.Addr().String()
	pubT, clT := newConnTracker(pub), newConnTracker(cl)
	r.lns = []*connTracker{pubT, clT}
	r.pub = newServer(func(*fasthttp.RequestCtx) *current { return &r.cur }, int(c.project.Limits.RequestBody), nil)
	project := c.project.Name
	r.cl = (&forwardServer{signer: c.signer, logger: c.logger, project: func(n string) *current {
		if n == project {
			return &r.cur
		}
		return nil
	}}).server()
	serve := r.cl.Handler
	r.cl.Handler = func(ctx *fasthttp.RequestCtx) {
		if d := time.Duration(r.delay.Load()); d > 0 {
			time.Sleep(d)
		}
		serve(ctx)
	}
	go r.pub.Serve(pubT)
	go r.cl.Serve(clT)
	return r, nil
}

// regionAddr is where region i's public listener goes.
func regionAddr(o SimulateOptions, i int) string {
	port := 0
	if o.Port != 0 {
		port = o.Port + i
	}
	return net.JoinHostPort(o.IP, strconv.Itoa(port))
}

// loadForSimulation reads and builds the project, with the placement
// override applied.
func loadForSimulation(ctx context.Context, dir string, o SimulateOptions) (*config.Project, map[string]string, error) {
	p, err := buildProject(ctx, dir, o.Out)
	if err != nil {
		return nil, nil, err
	}
	secrets, err := config.LoadDevVars(filepath.Join(dir, ".dev.vars"))
	if err != nil {
		return nil, nil, err
	}
	for k, v := range o.Vars {
		secrets[k] = v
	}
	switch o.Placement {
	case "":
	case config.PlacementOff, config.PlacementSmart:
		p.Placement = config.Placement{Mode: o.Placement}
	default:
		p.Placement = config.Placement{Mode: config.PlacementTargeted, Region: o.Placement}
	}
	return p, secrets, nil
}

// startBackends starts each back end that has a command, with ADDR set,
// and waits until it accepts connections.
func (s *Simulation) startBackends(ctx context.Context, dir string, out io.Writer) error {
	for _, b := range s.sim.Backends {
		if b.Command == "" {
			continue
		}
		fmt.Fprintf(out, "starting back end %s: %s\n", b.Name, b.Command)
		cmd := exec.Command("sh", "-c", b.Command)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "ADDR="+b.Addr)
		cmd.Stdout, cmd.Stderr = out, out
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		if err := cmd.Start(); err != nil {
			return fmt.Errorf("starting back end %s: %w", b.Name, err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait(); close(exited) }()
		s.procs, s.exited = append(s.procs, cmd), append(s.exited, exited)
		deadline := time.Now().Add(2 * time.Minute)
		for {
			if c, err := net.DialTimeout("tcp", b.Addr, time.Second); err == nil {
				c.Close()
				break
			}
			select {
			case err := <-exited:
				return fmt.Errorf("back end %s exited before it listened on %s: %v", b.Name, b.Addr, err)
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(50 * time.Millisecond):
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("back end %s does not listen on %s after 2 minutes: check its command", b.Name, b.Addr)
			}
		}
	}
	return nil
}

// Regions returns the simulated regions, in the file's order.
func (s *Simulation) Regions() []string { return s.sim.Regions }

// URL returns a region's public URL.
func (s *Simulation) URL(region string) string {
	if r := s.region(region); r != nil {
		return r.public
	}
	return ""
}

// Clients returns the simulated clients and the region each reaches.
func (s *Simulation) Clients() map[string]string {
	out := map[string]string{}
	for _, c := range s.sim.Clients {
		out[c.Name] = c.Near
	}
	return out
}

// Client returns an HTTP client whose connections cross the round trips of
// the named simulated client (a place of the file), or of a region.
func (s *Simulation) Client(place string) *http.Client {
	return &http.Client{Transport: &http.Transport{DialContext: s.net.Dialer(place), MaxIdleConnsPerHost: 64}}
}

// SetRTT changes a round trip while the simulation runs (a back end that
// moves).
func (s *Simulation) SetRTT(a, b string, rtt time.Duration) { s.net.SetRTT(a, b, rtt) }

// SetServerDelay makes a region's node take d longer over every request
// forwarded to it, as a busy node would.
func (s *Simulation) SetServerDelay(region string, d time.Duration) {
	if r := s.region(region); r != nil {
		r.delay.Store(int64(d))
	}
}

// Kill stops a region's node at once, as a crash would: its listeners and
// every connection to them are closed.
func (s *Simulation) Kill(region string) {
	if r := s.region(region); r != nil {
		for _, t := range r.lns {
			t.kill()
		}
	}
}

func (s *Simulation) region(name string) *simRegion {
	for _, r := range s.regions {
		if r.name == name {
			return r
		}
	}
	return nil
}

// Close stops every region and back end.
func (s *Simulation) Close() {
	if s.cancel != nil {
		s.cancel()
		<-s.done
	}
	for _, r := range s.regions {
		r.pub.Shutdown()
		r.cl.Shutdown()
		r.client.Close()
		r.cur.close()
	}
	for i, p := range s.procs {
		syscall.Kill(-p.Process.Pid, syscall.SIGTERM)
		<-s.exited[i]
	}
}

// randomID is a deployment id for a simulation.
func randomID() string {
	b := make([]byte, 32)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// Explain returns a region's placement decisions for the project, as
// `wasmpages placement` prints them.
func (s *Simulation) Explain(region string) string {
	r := s.region(region)
	if r == nil {
		return ""
	}
	var b strings.Builder
	printPlacement(&b, s.project, []placementView{r.fleet.view(s.project)})
	return b.String()
}
