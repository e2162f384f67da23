// Command static measures the asset server against nginx in one run with wrk
// (Debian packages wrk and nginx-light): a 1 KiB and a 100 KiB file served by
// nginx, by a project with no rules, and by a project with 100 function
// routes and 10 middleware (so a generated _routes.json), a _redirects of
// 2,000 static rules and a _headers of 100 rules, of which only a "/*" rule
// with one header applies to the files loaded. The site is
// generated into a temporary directory; nginx runs from a minimal
// configuration written next to it and is stopped at the end; the two
// wasmpages sites are projects served by `wasmpages dev` (host.Dev) in this
// process, the whole request path a user gets, with the request log
// discarded. wrk loads each target in turn, several rounds, and the median
// of the rounds is reported.
//
//	go run ./bench/static [-rounds 3] [-duration 10s] [-connections 64]
//	    [-nginx /usr/sbin/nginx] [-cpuprofile file [-profile rules-1k]]
//
// -cpuprofile profiles this process during the first round of the target
// named by -profile: plain-1k, plain-100k, rules-1k or rules-100k.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/wasmpages/wasmpages/host"
	"github.com/wasmpages/wasmpages/internal/benchsite"
	"github.com/wasmpages/wasmpages/internal/wat"
)

// The files loaded.
var files = []struct {
	label, key, path string
	size             int
}{
	{"1 KiB", "1k", "/1k.txt", 1 << 10},
	{"100 KiB", "100k", "/100k.bin", 100 << 10},
}

// cleanups stop nginx and remove the temporary directory, in reverse order;
// cleanup runs them after stopping wrk; fail and an interrupt run it too.
var cleanups benchsite.Cleanups

// wrkMu guards wrkRunning.
var wrkMu sync.Mutex

func cleanup() {
	wrkMu.Lock()
	if wrkRunning != nil {
		wrkRunning.Process.Kill()
	}
	wrkMu.Unlock()
	cleanups.Run()
}

func main() {
	rounds := flag.Int("rounds", 3, "rounds of wrk per target")
	duration := flag.Duration("duration", 10*time.Second, "duration of each wrk run")
	conns := flag.Int("connections", 64, "wrk connections")
	nginxBin := flag.String("nginx", "/usr/sbin/nginx", "nginx binary")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of this process during the first round of -profile to this file")
	profile := flag.String("profile", "rules-1k", "target profiled by -cpuprofile: plain-1k, plain-100k, rules-1k or rules-100k")
	flag.Parse()
	switch *profile {
	case "plain-1k", "plain-100k", "rules-1k", "rules-100k":
	default:
		fail("-profile must be plain-1k, plain-100k, rules-1k or rules-100k")
	}
	_, errWrk := exec.LookPath("wrk")
	_, errNginx := exec.LookPath(*nginxBin)
	if errWrk != nil || errNginx != nil {
		fail("wrk or nginx not found: apt-get install wrk nginx-light")
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sig
		fail("interrupted")
	}()

	tmp, err := os.MkdirTemp("", "wasmpages-bench-static-")
	if err != nil {
		fail(err.Error())
	}
	cleanups.Add(func() { os.RemoveAll(tmp) })
	// nginx's workers run as nobody when it is started as root.
	if err := os.Chmod(tmp, 0o755); err != nil {
		fail(err.Error())
	}
	// Two projects: one whose output has the rules files, one without.
	rulesProject, plainProject := filepath.Join(tmp, "rules"), filepath.Join(tmp, "plain")
	site := filepath.Join(rulesProject, "public")
	writeSite(site)
	writeFunctions(filepath.Join(rulesProject, "functions"))
	writeSite(filepath.Join(plainProject, "public"))
	for _, f := range []string{"_redirects", "_headers"} {
		os.Remove(filepath.Join(plainProject, "public", f))
	}
	nginxAddr := startNginx(*nginxBin, tmp, site)
	plainAddr := serve(plainProject)
	rulesAddr := serve(rulesProject)

	targets := []struct{ name, key, addr string }{
		{"nginx", "nginx", nginxAddr},
		{"wasmpages", "plain", plainAddr},
		{"wasmpages + rules", "rules", rulesAddr},
	}
	for _, t := range targets {
		for _, f := range files {
			check(t.addr, f.path, f.size, t.key == "rules")
		}
	}

	// results[target][file] holds one figure per round.
	results := make([][][]float64, len(targets))
	for i := range results {
		results[i] = make([][]float64, len(files))
	}
	for r := 0; r < *rounds; r++ {
		for j, f := range files {
			for i, t := range targets {
				prof := *cpuprofile != "" && r == 0 && *profile == t.key+"-"+f.key
				if prof {
					out, err := os.Create(*cpuprofile)
					if err != nil {
						fail(err.Error())
					}
					if err := pprof.StartCPUProfile(out); err != nil {
						fail(err.Error())
					}
				}
				rps := runWrk("http://"+t.addr+f.path, *duration, *conns)
				if prof {
					pprof.StopCPUProfile()
				}
				results[i][j] = append(results[i][j], rps)
				fmt.Fprintf(os.Stderr, "round %d %-8s %-18s %10.0f req/s\n", r+1, f.label, t.name, rps)
			}
		}
	}
	cleanup()

	med := make([][]float64, len(targets))
	fmt.Printf("| target | %s | %s |\n|---|---|---|\n", files[0].label, files[1].label)
	for i, t := range targets {
		med[i] = make([]float64, len(files))
		fmt.Printf("| %s |", t.name)
		for j := range files {
			med[i][j] = benchsite.Median(results[i][j])
			fmt.Printf(" %.0f |", med[i][j])
		}
		fmt.Println()
	}
	fmt.Printf("\nreq/s, median of %d x %s, wrk -t2 -c%d\n\n", *rounds, *duration, *conns)
	fmt.Printf("| ratio | %s | %s | target |\n|---|---|---|---|\n", files[0].label, files[1].label)
	ratio := func(name string, a, b int, target string) {
		fmt.Printf("| %s | %.2f | %.2f | %s |\n", name, med[a][0]/med[b][0], med[a][1]/med[b][1], target)
	}
	ratio("wasmpages + rules / wasmpages", 2, 1, ">= 0.90")
	ratio("wasmpages / nginx", 1, 0, ">= 1.0")
	ratio("wasmpages + rules / nginx", 2, 0, ">= 1.0")
}

// function is the smallest wasmpages function: it answers 200.
const function = `(module
  (import "wasmpages_v1" "response_head" (func $head (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "\c8\00\00\00")
  (func (export "_initialize"))
  (func (export "wasmpages_abi_version") (result i32) (i32.const 1))
  (func (export "wasmpages_handle") (result i32)
    (drop (call $head (i32.const 0) (i32.const 4)))
    (i32.const 0)))`

// writeFunctions gives the rules project 100 function routes and 10
// middleware, so that the generated _routes.json and the route table are
// in front of the files too.
func writeFunctions(dir string) {
	wasm, err := wat.Compile([]byte(function))
	if err != nil {
		fail(err.Error())
	}
	var files []string
	for i := range 25 {
		files = append(files, fmt.Sprintf("section%d/index.wasm", i), fmt.Sprintf("section%d/[id].wasm", i),
			fmt.Sprintf("section%d/[id]/edit.wasm", i), fmt.Sprintf("section%d/files/[[path]].wasm", i))
	}
	for i := range 10 {
		files = append(files, fmt.Sprintf("section%d/_middleware.wasm", i))
	}
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			fail(err.Error())
		}
		if err := os.WriteFile(p, wasm, 0o644); err != nil {
			fail(err.Error())
		}
	}
}

// writeSite generates the site into dir: the files loaded, an index.html, a
// 404.html, and the _redirects and _headers (which the asset server does
// not serve).
func writeSite(dir string) {
	content := map[string][]byte{
		"index.html": []byte("<!doctype html><h1>home</h1>\n"),
		"404.html":   []byte("<!doctype html><h1>not found</h1>\n"),
		"_redirects": benchsite.Redirects(),
		"_headers":   benchsite.Headers(),
	}
	for _, f := range files {
		content[f.path[1:]] = bytes.Repeat([]byte("x"), f.size)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		fail(err.Error())
	}
	for name, b := range content {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			fail(err.Error())
		}
	}
}

// startNginx writes a minimal nginx.conf into tmp, starts nginx on a loopback
// port serving root and returns its address once it answers. keepalive
// requests are not limited (nginx's default closes a connection every 1,000
// requests; fasthttp never does); sendfile and tcp_nopush are on, as in
// Debian's configuration; there is no access log, as in the asset servers.
func startNginx(bin, tmp, root string) string {
	addr := freeAddr()
	conf := filepath.Join(tmp, "nginx.conf")
	text := `worker_processes auto;
error_log ` + filepath.Join(tmp, "error.log") + ` warn;
pid ` + filepath.Join(tmp, "nginx.pid") + `;
events { worker_connections 1024; }
http {
    types { text/html html; text/plain txt; application/octet-stream bin; }
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000000;
    client_body_temp_path ` + filepath.Join(tmp, "body") + `;
    proxy_temp_path ` + filepath.Join(tmp, "proxy") + `;
    fastcgi_temp_path ` + filepath.Join(tmp, "fastcgi") + `;
    uwsgi_temp_path ` + filepath.Join(tmp, "uwsgi") + `;
    scgi_temp_path ` + filepath.Join(tmp, "scgi") + `;
    server {
        listen ` + addr + `;
        root ` + root + `;
    }
}
`
	if err := os.WriteFile(conf, []byte(text), 0o644); err != nil {
		fail(err.Error())
	}
	cmd := exec.Command(bin, "-p", tmp, "-c", conf, "-g", "daemon off;")
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	// Its own process group, so that its workers can be stopped with it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		fail("starting nginx: " + err.Error())
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	cleanups.Add(func() {
		cmd.Process.Signal(syscall.SIGTERM) // fast shutdown of master and workers
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-exited
		}
	})
	deadline := time.Now().Add(10 * time.Second)
	for {
		select {
		case <-exited:
			fail("nginx exited: " + strings.TrimSpace(stderr.String()))
		default:
		}
		if status, _, err := fasthttp.GetTimeout(nil, "http://"+addr+"/index.html", time.Second); err == nil && status == 200 {
			return addr
		}
		if time.Now().After(deadline) {
			fail("nginx did not answer 200 at " + addr + ": " + strings.TrimSpace(stderr.String()))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// serve writes a pages.toml into project, serves it with `wasmpages dev`
// and returns its address. A warning about the rules files (a rule the
// parser refused) fails the benchmark.
func serve(project string) string {
	toml := "name = \"bench\"\npages_build_output_dir = \"public\"\ncompatibility_date = \"2026-11-01\"\n"
	if err := os.WriteFile(filepath.Join(project, "pages.toml"), []byte(toml), 0o644); err != nil {
		fail(err.Error())
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fail(err.Error())
	}
	out := &startupLog{ready: make(chan struct{})}
	go func() {
		if err := host.Dev(context.Background(), host.DevOptions{Dir: project, Listener: ln, Out: out}); err != nil {
			fail(err.Error())
		}
	}()
	<-out.ready
	if strings.Contains(out.String(), "warning:") || strings.Contains(out.String(), "failed to load") {
		fail("the project has problems:\n" + out.String())
	}
	return ln.Addr().String()
}

// startupLog keeps what dev prints until it serves, then discards the
// request lines.
type startupLog struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	ready chan struct{}
	done  bool
}

func (l *startupLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.done {
		l.buf.Write(p)
		if bytes.Contains(l.buf.Bytes(), []byte("serving ")) {
			l.done = true
			close(l.ready)
		}
	}
	return len(p), nil
}

func (l *startupLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func freeAddr() string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fail(err.Error())
	}
	defer ln.Close()
	return ln.Addr().String()
}

// check makes sure a target answers path with 200 and size bytes, and that
// the "/*" _headers rule applied exactly when the target has rules.
func check(addr, path string, size int, hasRules bool) {
	req := fasthttp.AcquireRequest()
	resp := fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(resp)
	req.SetRequestURI("http://" + addr + path)
	if err := fasthttp.DoTimeout(req, resp, 5*time.Second); err != nil {
		fail(fmt.Sprintf("GET %s%s: %v", addr, path, err))
	}
	got := string(resp.Header.Peek(benchsite.HeaderName))
	want := ""
	if hasRules {
		want = benchsite.HeaderValue
	}
	if resp.StatusCode() != 200 || len(resp.Body()) != size || got != want {
		fail(fmt.Sprintf("GET %s%s: status %d, %d bytes, %s %q (want 200, %d bytes, %q)",
			addr, path, resp.StatusCode(), len(resp.Body()), benchsite.HeaderName, got, size, want))
	}
}

// wrkRunning is the wrk run in progress, which an interrupt stops.
var wrkRunning *exec.Cmd

func runWrk(url string, d time.Duration, conns int) float64 {
	v, err := benchsite.Wrk(url, d, conns, func(cmd *exec.Cmd) {
		wrkMu.Lock()
		wrkRunning = cmd
		wrkMu.Unlock()
	})
	if err != nil {
		fail(err.Error())
	}
	return v
}

func fail(msg string) {
	cleanup()
	fmt.Fprintln(os.Stderr, "static:", msg)
	os.Exit(1)
}
