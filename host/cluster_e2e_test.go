package host_test

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/wasmpages/wasmpages/host/internal/forward"
	"github.com/wasmpages/wasmpages/internal/clustertest"
	"github.com/wasmpages/wasmpages/internal/testguest"
)

// TestCluster runs three nodes, one per region, each with its own embedded
// NATS server, through a project's life: deploys good and bad, concurrent
// deploys, rollbacks, forwarding, nodes down and the control plane lost.
func TestCluster(t *testing.T) {
	if testing.Short() {
		t.Skip("starts three nodes")
	}
	c := clustertest.Start(t, "us-east", "eu-west", "ap-south")
	us, eu, ap := c.Node("us-east"), c.Node("eu-west"), c.Node("ap-south")

	v1 := siteProject(t, "v1", "")
	id1 := deploy(t, c, us, v1)

	t.Run("deployed everywhere", func(t *testing.T) {
		for _, n := range c.Nodes {
			e, resp := getEcho(t, n)
			if e.Version != "v1" || resp.Header.Get("X-Placement") != "local-"+n.Region {
				t.Errorf("%s: %+v %q", n.Name, e, resp.Header.Get("X-Placement"))
			}
			resp, body := n.Get(t, "site", "/")
			if resp.StatusCode != 200 || body != "<h1>v1</h1>\n" {
				t.Errorf("%s /: %d %q", n.Name, resp.StatusCode, body)
			}
			if resp, _ := n.Get(t, "nosuch", "/"); resp.StatusCode != 404 {
				t.Errorf("%s: an unknown host answers %d", n.Name, resp.StatusCode)
			}
		}
		out, code := c.CLI(t, "status", "--to", eu.Admin)
		if code != 0 || !strings.Contains(out, "3/3 ready") || !strings.Contains(out, "ap-south-1") {
			t.Errorf("status: %d\n%s", code, out)
		}
	})

	t.Run("internal headers from clients are dropped", func(t *testing.T) {
		req, _ := http.NewRequest("GET", us.Public+"/api/echo", nil)
		req.Host = "site." + clustertest.BaseDomain
		req.Header.Set("X-Test", "kept")
		req.Header.Set("X-Wasmpages-Data-Length", "3")
		req.Header.Set("x-wasmpages-chain", "1")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var e echoed
		json.NewDecoder(resp.Body).Decode(&e)
		resp.Body.Close()
		if resp.StatusCode != 200 || e.Header != "kept" || e.Data != "" {
			t.Errorf("%d %+v", resp.StatusCode, e)
		}
	})

	t.Run("admin API needs the token", func(t *testing.T) {
		for _, path := range []string{"/v1/status", "/v1/projects/site/deployments"} {
			for _, auth := range []string{"", "Bearer wrong", "Bearer " + c.Token + "x", c.Token} {
				req, _ := http.NewRequest("GET", us.Admin+path, nil)
				if auth != "" {
					req.Header.Set("Authorization", auth)
				}
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != 401 {
					t.Errorf("%s with %q: %d", path, auth, resp.StatusCode)
				}
			}
		}
		out, code := c.CLI(t, "status", "--to", us.Admin, "--token", "wrong")
		if code != 1 || !strings.Contains(out, "refused the admin token") {
			t.Errorf("status with a wrong token: %d %s", code, out)
		}
	})

	t.Run("cluster listener checks signatures", func(t *testing.T) {
		signer := forward.NewSigner([]byte(c.Secret), 0)
		send := func(mutate func(req *fasthttp.Request), when time.Time, deployment string, s *forward.Signer) *fasthttp.Response {
			req := fasthttp.AcquireRequest()
			req.SetRequestURI(eu.ClusterURL + "/api/echo")
			req.Header.SetHost("site." + clustertest.BaseDomain)
			env := &forward.Envelope{Project: "site", Deployment: deployment, Chain: 0, Ingress: "us-east", Route: "GET /api/echo"}
			s.Sign(req, env, strings.NewReader(""), 0, when)
			if mutate != nil {
				mutate(req)
			}
			resp := fasthttp.AcquireResponse()
			if err := fasthttp.DoTimeout(req, resp, 10*time.Second); err != nil {
				t.Fatal(err)
			}
			return resp
		}
		if r := send(nil, time.Now(), id1, signer); r.StatusCode() != 200 || !strings.Contains(string(r.Body()), `"version":"v1"`) || string(r.Header.Peek("X-Placement")) != "remote-eu-west" {
			t.Errorf("signed: %d %s %s", r.StatusCode(), r.Body(), r.Header.Peek("X-Placement"))
		}
		if r := send(func(req *fasthttp.Request) { req.Header.Del(forward.HeaderSignature) }, time.Now(), id1, signer); r.StatusCode() != 401 {
			t.Errorf("unsigned: %d", r.StatusCode())
		}
		if r := send(func(req *fasthttp.Request) { req.Header.Set("x-wasmpages-chain", "1") }, time.Now(), id1, signer); r.StatusCode() != 401 {
			t.Errorf("tampered: %d", r.StatusCode())
		}
		if r := send(nil, time.Now().Add(-time.Minute), id1, signer); r.StatusCode() != 401 {
			t.Errorf("stale: %d", r.StatusCode())
		}
		if r := send(nil, time.Now(), id1, forward.NewSigner([]byte(strings.Repeat("k", 32)), 0)); r.StatusCode() != 401 {
			t.Errorf("another secret: %d", r.StatusCode())
		}
		// A replay of one signed request.
		req := fasthttp.AcquireRequest()
		req.SetRequestURI(eu.ClusterURL + "/api/echo")
		req.Header.SetHost("site." + clustertest.BaseDomain)
		signer.Sign(req, &forward.Envelope{Project: "site", Deployment: id1, Route: "GET /api/echo", Ingress: "us-east"}, strings.NewReader(""), 0, time.Now())
		var again fasthttp.Request
		req.CopyTo(&again)
		resp := fasthttp.AcquireResponse()
		if err := fasthttp.Do(req, resp); err != nil || resp.StatusCode() != 200 {
			t.Fatalf("first: %v %d", err, resp.StatusCode())
		}
		if err := fasthttp.Do(&again, resp); err != nil || resp.StatusCode() != 401 {
			t.Errorf("replay: %v %d", err, resp.StatusCode())
		}
		if r := send(nil, time.Now(), strings.Repeat("0", 64), signer); r.StatusCode() != 409 || len(r.Header.Peek(forward.HeaderRefused)) == 0 {
			t.Errorf("another deployment: %d", r.StatusCode())
		}
	})

	t.Run("bad bundles are refused and nothing stops serving", func(t *testing.T) {
		l := startLoad(t, c.Nodes, "v1")
		good := packDir(t, v1)
		idx := [2]string{"public/index.html", "x"}
		cases := []struct {
			name   string
			body   []byte
			header string
			status int
			msg    string
		}{
			{"not a bundle", []byte("hello, I am not a bundle"), "", 400, "not a bundle"},
			{"dot dot", tarGz(t, [2]string{"manifest.json", manifestFor([2]string{"../evil", "x"})}, [2]string{"../evil", "x"}), "", 400, ""},
			{"absolute", tarGz(t, [2]string{"manifest.json", manifestFor([2]string{"/etc/evil", "x"})}, [2]string{"/etc/evil", "x"}), "", 400, ""},
			{"link", tarGz(t, [2]string{"manifest.json", manifestFor(idx)}, [2]string{"public/index.html", "->/etc/passwd"}), "", 400, ""},
			{"hash mismatch", tarGz(t, [2]string{"manifest.json", manifestFor(idx)}, [2]string{"public/index.html", "y"}), "", 400, ""},
			{"changed in transit", good, strings.Repeat("a", 64), 400, "changed in transit"},
		}
		for _, tc := range cases {
			req, _ := http.NewRequest("POST", us.Admin+"/v1/projects/site/deployments", bytes.NewReader(tc.body))
			req.Header.Set("Authorization", "Bearer "+c.Token)
			if tc.header != "" {
				req.Header.Set("X-Bundle-Id", tc.header)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.status || !strings.Contains(string(b), tc.msg) || !strings.Contains(string(b), `"error"`) {
				t.Errorf("%s: %d %s", tc.name, resp.StatusCode, b)
			}
		}
		// Over the size limit: refused while it streams in.
		big := io.MultiReader(bytes.NewReader(good), io.LimitReader(zeros{}, 257<<20))
		if code, body := ap.AdminCall(t, "POST", "/v1/projects/site/deployments", big); code != 413 {
			t.Errorf("oversized: %d %s", code, body)
		}
		// A module that does not compile: refused by the node...
		broken := siteProject(t, "broken", "")
		os.WriteFile(filepath.Join(broken, "functions/api/echo.wasm"), []byte("\x00asm\x01\x00\x00\x00garbage"), 0o644)
		if code, body := upload(t, eu, packDir(t, broken)); code != 400 || !strings.Contains(body, "functions/api/echo.wasm") {
			t.Errorf("broken module: %d %s", code, body)
		}
		// ...and before that by deploy, which uploads nothing.
		out, code := c.CLI(t, "deploy", broken, "--to", us.Admin, "--data-dir", t.TempDir())
		if code != 1 || !strings.Contains(out, "failed to load") || strings.Contains(out, "uploading") {
			t.Errorf("deploy of a broken module: %d\n%s", code, out)
		}
		l.finish(t)
		for _, n := range c.Nodes {
			if e, _ := getEcho(t, n); e.Version != "v1" {
				t.Errorf("%s serves %s", n.Name, e.Version)
			}
		}
	})

	t.Run("concurrent deploys: one wins", func(t *testing.T) {
		a, b := packDir(t, siteProject(t, "v2a", "")), packDir(t, siteProject(t, "v2b", ""))
		var wg sync.WaitGroup
		codes := make([]int, 2)
		bodies := make([]string, 2)
		for i, bb := range [][]byte{a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				codes[i], bodies[i] = upload(t, c.Nodes[i], bb)
			}()
		}
		wg.Wait()
		won, lost := 0, 1
		if codes[0] != 201 {
			won, lost = 1, 0
		}
		if codes[won] != 201 || codes[lost] != 409 || !strings.Contains(bodies[lost], "deployment") {
			t.Fatalf("codes %v: %q", codes, bodies)
		}
		waitServing(t, c, []string{"v2a", "v2b"}[won])
	})

	var id3 string
	t.Run("deployments and rollback", func(t *testing.T) {
		id3 = deploy(t, c, eu, siteProject(t, "v3", ""))
		waitServing(t, c, "v3")
		out, code := c.CLI(t, "deployments", "site", "--to", ap.Admin)
		if code != 0 || !strings.Contains(out, "* "+id3[:12]) || !strings.Contains(out, id1[:12]) {
			t.Errorf("deployments: %d\n%s", code, out)
		}
		out, code = c.CLI(t, "rollback", "site", "--to", ap.Admin)
		if code != 0 || !strings.Contains(out, "ready") {
			t.Fatalf("rollback: %d\n%s", code, out)
		}
		for _, n := range c.Nodes {
			if e, _ := getEcho(t, n); !strings.HasPrefix(e.Version, "v2") {
				t.Errorf("after rollback %s serves %s", n.Name, e.Version)
			}
		}
		out, code = c.CLI(t, "rollback", "site", id1[:10], "--to", us.Admin)
		if code != 0 {
			t.Fatalf("rollback to v1: %d\n%s", code, out)
		}
		waitServing(t, c, "v1")
		out, code = c.CLI(t, "rollback", "site", strings.Repeat("f", 12), "--to", us.Admin)
		if code != 1 || !strings.Contains(out, "not among the last") {
			t.Errorf("rollback to an unknown id: %d\n%s", code, out)
		}
	})

	t.Run("probes are shared between regions", func(t *testing.T) {
		// A targeted host is probed from every region; each node learns the
		// others' round trips through the control plane.
		db, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		go func() {
			for {
				c, err := db.Accept()
				if err != nil {
					return
				}
				c.Close()
			}
		}()
		deploy(t, c, us, siteProject(t, "v3h", "[placement]\nmode = \"targeted\"\nhost = \""+db.Addr().String()+"\"\n"))
		var out string
		clustertest.Eventually(t, 20*time.Second, "every region's probe of the host in us-east's explanation", func() bool {
			out, _ = c.CLI(t, "placement", "site", "--to", us.Admin)
			// us-east's own view comes after ap-south's and eu-west's.
			i := strings.Index(out, "us-east (node us-east-1)")
			if i < 0 || !strings.Contains(out[i:], "mode targeted to "+db.Addr().String()) {
				return false
			}
			probed := probedLine.FindAllString(out[i:], -1)
			return len(probed) == 3
		})
		if t.Failed() {
			t.Logf("placement:\n%s", out)
		}
	})

	t.Run("targeted placement forwards to the region", func(t *testing.T) {
		deploy(t, c, us, siteProject(t, "v4", "[placement]\nmode = \"targeted\"\nregion = \"eu-west\"\n"))
		for _, n := range []*clustertest.Node{us, ap} {
			// Until a node has seen eu-west ready for the new deployment, it
			// runs the function itself.
			clustertest.Eventually(t, 10*time.Second, n.Name+" forwarding to eu-west", func() bool {
				_, resp := getEcho(t, n)
				return resp.Header.Get("X-Placement") == "remote-eu-west"
			})
			e, resp := getEcho(t, n)
			if e.Version != "v4" || resp.Header.Get("X-Placement") != "remote-eu-west" || e.Host != "site."+clustertest.BaseDomain {
				t.Errorf("%s: %+v %q", n.Name, e, resp.Header.Get("X-Placement"))
			}
		}
		if _, resp := getEcho(t, eu); resp.Header.Get("X-Placement") != "local-eu-west" {
			t.Errorf("eu-west runs it itself: %q", resp.Header.Get("X-Placement"))
		}
		// A large body streams through the hop intact.
		body := make([]byte, 8<<20)
		rand.Read(body)
		req, _ := http.NewRequest("POST", us.Public+"/api/echo?x=1", bytes.NewReader(body))
		req.Host = "site." + clustertest.BaseDomain
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var e echoed
		json.NewDecoder(resp.Body).Decode(&e)
		resp.Body.Close()
		sum := sha256.Sum256(body)
		if e.Length != int64(len(body)) || e.SHA256 != hex.EncodeToString(sum[:]) || e.Method != "POST" || !strings.HasSuffix(e.URL, "/api/echo?x=1") || resp.Header.Get("X-Placement") != "remote-eu-west" {
			t.Errorf("POST through the hop: %+v %v", e, resp.Header)
		}
		if st := resp.Header.Get("Server-Timing"); !strings.Contains(st, `ingress;desc="us-east"`) || !strings.Contains(st, `hop;dur=`) || !strings.Contains(st, `exec;dur=`) {
			t.Errorf("Server-Timing: %q", st)
		}
		// Every region explains itself, and the metrics count the placed requests.
		out, code := c.CLI(t, "placement", "site", "--to", ap.Admin)
		if code != 0 || !strings.Contains(out, "us-east (node us-east-1)") || !strings.Contains(out, "mode targeted to eu-west") || !strings.Contains(out, "ap-south (node ap-south-1)") {
			t.Errorf("placement: %d\n%s", code, out)
		}
		code, metrics := us.AdminCall(t, "GET", "/metrics", nil)
		if code != 200 || !strings.Contains(metrics, `wasmpages_request_duration_seconds_count{project="site",module="api/echo.wasm",placement="placed",region="eu-west"}`) || !strings.Contains(metrics, `wasmpages_forwards_total{project="site",target="eu-west",outcome="ok"}`) {
			t.Errorf("metrics: %d\n%s", code, metrics)
		}
	})

	t.Run("a node killed under load", func(t *testing.T) {
		var mu sync.Mutex
		placements := map[string]int{}
		failures := 0
		stop := make(chan struct{})
		var wg sync.WaitGroup
		var killedAt time.Time
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					select {
					case <-stop:
						return
					default:
					}
					req, _ := http.NewRequest("GET", us.Public+"/api/echo", nil)
					req.Host = "site." + clustertest.BaseDomain
					start := time.Now()
					resp, err := http.DefaultClient.Do(req)
					mu.Lock()
					if err != nil || resp.StatusCode != 200 {
						// Only a request in flight when the target died may fail.
						if killedAt.IsZero() || start.After(killedAt.Add(time.Second)) {
							failures++
						}
					} else {
						placements[resp.Header.Get("X-Placement")]++
					}
					mu.Unlock()
					if resp != nil {
						io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
					}
				}
			}()
		}
		time.Sleep(500 * time.Millisecond)
		mu.Lock()
		killedAt = time.Now()
		mu.Unlock()
		eu.Kill(t)
		time.Sleep(2 * time.Second)
		close(stop)
		wg.Wait()
		if failures > 0 || placements["remote-eu-west"] == 0 || placements["local-us-east"] == 0 {
			t.Errorf("failures %d, placements %v", failures, placements)
		}
		// ap-south keeps serving too.
		if e, _ := getEcho(t, ap); e.Version != "v4" {
			t.Errorf("ap-south: %+v", e)
		}
	})

	t.Run("a node down during a deploy catches up", func(t *testing.T) {
		// eu-west is down: the others activate, and eu-west follows on return.
		id5 := deploy(t, c, us, siteProject(t, "v5", ""))
		waitServing(t, c, "v5")
		out, _ := c.CLI(t, "status", "--to", us.Admin)
		if !strings.Contains(out, "2/3 ready") || !strings.Contains(out, "eu-west-1 (eu-west): down, was serving") {
			t.Errorf("status does not show the node that is down:\n%s", out)
		}
		eu.Start(t)
		clustertest.Eventually(t, 60*time.Second, "eu-west serving v5", func() bool {
			resp, body := eu.Get(t, "site", "/api/echo")
			return resp.StatusCode == 200 && strings.Contains(body, `"version":"v5"`)
		})
		_ = id5
	})

	t.Run("control plane lost: nodes keep serving, deploys fail clearly", func(t *testing.T) {
		eu.Kill(t)
		ap.Kill(t)
		if e, _ := getEcho(t, us); e.Version != "v5" {
			t.Errorf("us-east alone: %+v", e)
		}
		out, code := c.CLI(t, "deploy", siteProject(t, "v6", ""), "--to", us.Admin, "--data-dir", testguest.SharedDataDir())
		if code != 1 || !strings.Contains(out, "unreachable") {
			t.Errorf("deploy without a control plane: %d\n%s", code, out)
		}
		// A restart serves from disk at once.
		us.Kill(t)
		us.Start(t)
		if e, _ := getEcho(t, us); e.Version != "v5" {
			t.Errorf("after a restart alone: %+v", e)
		}
	})
}

// probedLine is a region's round trip to a targeted host in the output of
// wasmpages placement: a region name, then a duration.
var probedLine = regexp.MustCompile(`(?m)^\s+[* ] (us-east|eu-west|ap-south)\s+[0-9.]+(µs|ms|s)$`)

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}
