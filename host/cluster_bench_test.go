package host_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wasmpages/wasmpages/internal/clustertest"
)

// The cluster benchmarks each start real nodes and measure one scenario
// end to end; run them once each:
//
//	go test ./host/ -run '^$' -bench 'Activation|Forward' -benchtime 1x

// BenchmarkActivation measures a 2 MB bundle from the end of its upload to
// active on all three nodes: with modules already in every node's
// compilation cache (a change of assets or vars), and with a module no node
// has compiled (a change of code, so every node compiles it).
func BenchmarkActivation(b *testing.B) {
	c := clustertest.Start(b, "us-east", "eu-west", "ap-south")
	us := c.Node("us-east")
	for _, fresh := range []bool{false, true} {
		var stored, active []time.Duration
		for i := range 5 {
			dir := benchProject(b, fmt.Sprintf("v%d-%v", i, fresh), fresh)
			bundle := packDir(b, dir)
			var uploaded atomic.Int64
			body := &endReader{r: bytes.NewReader(bundle), end: &uploaded}
			req, _ := http.NewRequest("POST", us.Admin+"/v1/projects/site/deployments", body)
			req.Header.Set("Authorization", "Bearer "+c.Token)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			var res struct {
				Deployment struct{ ID string } `json:"deployment"`
				Error      string              `json:"error"`
			}
			json.NewDecoder(resp.Body).Decode(&res)
			resp.Body.Close()
			if resp.StatusCode != 201 {
				b.Fatalf("upload: %d %s", resp.StatusCode, res.Error)
			}
			end := time.Unix(0, uploaded.Load())
			stored = append(stored, time.Since(end))
			for {
				_, body := us.AdminCall(b, "GET", "/v1/projects/site/deployments/"+res.Deployment.ID, nil)
				if bytes.Contains([]byte(body), []byte(`"done": true`)) {
					break
				}
				time.Sleep(5 * time.Millisecond)
			}
			active = append(active, time.Since(end))
		}
		kind := "cached"
		if fresh {
			kind = "compiled"
		}
		b.ReportMetric(median(stored).Seconds()*1000, kind+"-stored-ms")
		b.ReportMetric(median(active).Seconds()*1000, kind+"-active-ms")
		b.Logf("%s modules: size %.1f MiB, upload end to stored and active (compare-and-set): %v; to active on 3 nodes: %v", kind,
			float64(len(packDir(b, benchProject(b, "size", fresh))))/(1<<20), stored, active)
	}
}

// benchProject is the cluster test project at a version; fresh gives its
// module a custom section no node has seen, so that it compiles anew.
func benchProject(b *testing.B, version string, fresh bool) string {
	b.Helper()
	dir := siteProject(b, version, "")
	if fresh {
		wasm := filepath.Join(dir, "functions/api/echo.wasm")
		m, err := os.ReadFile(wasm)
		if err != nil {
			b.Fatal(err)
		}
		name := "bench-" + version + "-" + fmt.Sprint(time.Now().UnixNano())
		payload := append(append([]byte{byte(len(name))}, name...), "data"...)
		m = append(m, 0, byte(len(payload)))
		m = append(m, payload...)
		os.WriteFile(wasm, m, 0o644)
	}
	return dir
}

// endReader records when its last byte was read.
type endReader struct {
	r   io.Reader
	end *atomic.Int64
}

func (e *endReader) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err == io.EOF {
		e.end.CompareAndSwap(0, time.Now().UnixNano())
	}
	return n, err
}

// BenchmarkForward measures a function call forwarded to another node
// against the same call run locally, on loopback: latency percentiles
// (one request at a time) and throughput (32 concurrent clients).
func BenchmarkForward(b *testing.B) {
	c := clustertest.Start(b, "us-east", "eu-west")
	us, eu := c.Node("us-east"), c.Node("eu-west")
	dir := siteProject(b, "v1", "[placement]\nmode = \"targeted\"\nregion = \"eu-west\"\n")
	deploy(b, c, us, dir)
	clustertest.Eventually(b, 10*time.Second, "forwarding", func() bool {
		_, resp := getEcho(b, us)
		return resp.Header.Get("X-Placement") == "remote-eu-west"
	})
	latency := func(n *clustertest.Node, want string) []time.Duration {
		client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
		var ds []time.Duration
		for i := range 3000 {
			req, _ := http.NewRequest("GET", n.Public+"/api/echo", nil)
			req.Host = "site." + clustertest.BaseDomain
			start := time.Now()
			resp, err := client.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.Header.Get("X-Placement") != want {
				b.Fatalf("%s: %q", n.Name, resp.Header.Get("X-Placement"))
			}
			if i >= 500 { // warm up first
				ds = append(ds, time.Since(start))
			}
		}
		slices.Sort(ds)
		return ds
	}
	throughput := func(n *clustertest.Node) float64 {
		client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
		var count atomic.Int64
		stop := time.Now().Add(5 * time.Second)
		var wg sync.WaitGroup
		for range 32 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for time.Now().Before(stop) {
					req, _ := http.NewRequest("GET", n.Public+"/api/echo", nil)
					req.Host = "site." + clustertest.BaseDomain
					resp, err := client.Do(req)
					if err != nil {
						continue
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					count.Add(1)
				}
			}()
		}
		wg.Wait()
		return float64(count.Load()) / 5
	}
	local, remote := latency(eu, "local-eu-west"), latency(us, "remote-eu-west")
	p := func(ds []time.Duration, q float64) time.Duration { return ds[int(q*float64(len(ds)-1))] }
	b.ReportMetric(float64((p(remote, .5) - p(local, .5)).Microseconds()), "p50-overhead-us")
	b.ReportMetric(float64((p(remote, .99) - p(local, .99)).Microseconds()), "p99-overhead-us")
	tl, tr := throughput(eu), throughput(us)
	b.ReportMetric(tr/tl, "forwarded/local-throughput")
	b.Logf("local p50 %v p99 %v; forwarded p50 %v p99 %v; throughput local %.0f/s, forwarded %.0f/s",
		p(local, .5), p(local, .99), p(remote, .5), p(remote, .99), tl, tr)
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}
