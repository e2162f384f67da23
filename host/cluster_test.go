package host_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wasmpages/wasmpages/host/internal/bundle"
	"github.com/wasmpages/wasmpages/host/internal/config"
	"github.com/wasmpages/wasmpages/internal/clustertest"
	"github.com/wasmpages/wasmpages/internal/testguest"
)

// siteProject writes the test cluster's project: an index page and
// /api/echo, both saying version; extra is appended to pages.toml.
func siteProject(t testing.TB, version, extra string) string {
	t.Helper()
	echo := read(t, testguest.Build(t, "testdata/echo"))
	return project(t, map[string]string{
		"pages.toml":              "name = \"site\"\npages_build_output_dir = \"public\"\n" + extra + "\n[vars]\nVERSION = \"" + version + "\"\n",
		"public/index.html":       "<h1>" + version + "</h1>\n",
		"functions/api/echo.wasm": echo,
		"functions/src/notes.md":  "not shipped",
	})
}

// echoed is what testdata/echo answers.
type echoed struct {
	Version, Secret, Method, URL, Host, SHA256, Data, Header string
	Length                                                   int64
}

func getEcho(t testing.TB, n *clustertest.Node) (echoed, *http.Response) {
	t.Helper()
	resp, body := n.Get(t, "site", "/api/echo")
	var e echoed
	if resp.StatusCode != 200 || json.Unmarshal([]byte(body), &e) != nil {
		t.Fatalf("%s /api/echo: %d %s", n.Name, resp.StatusCode, body)
	}
	return e, resp
}

// deploy runs `wasmpages deploy` against node n and returns the new
// deployment id.
func deploy(t testing.TB, c *clustertest.Cluster, n *clustertest.Node, dir string) string {
	t.Helper()
	out, code := c.CLI(t, "deploy", dir, "--to", n.Admin, "--data-dir", testguest.SharedDataDir())
	if code != 0 {
		t.Fatalf("deploy: exit %d\n%s", code, out)
	}
	i := strings.Index(out, "deployment ")
	if i < 0 {
		t.Fatalf("no deployment id in:\n%s", out)
	}
	return strings.Fields(out[i+len("deployment "):])[0]
}

// waitServing waits until every running node serves version at /api/echo.
func waitServing(t *testing.T, c *clustertest.Cluster, version string) {
	t.Helper()
	for _, n := range c.Nodes {
		if n.Exited() {
			continue
		}
		clustertest.Eventually(t, 60*time.Second, n.Name+" serving "+version, func() bool {
			resp, body := n.Get(t, "site", "/api/echo")
			return resp.StatusCode == 200 && strings.Contains(body, `"version":"`+version+`"`)
		})
	}
}

// load requests / and /api/echo on every running node until stopped, and
// counts the answers that are not 200 with the expected version.
type load struct {
	stop    chan struct{}
	wg      sync.WaitGroup
	ok, bad atomic.Int64
	mu      sync.Mutex
	errs    []string
}

func startLoad(t *testing.T, nodes []*clustertest.Node, version string) *load {
	l := &load{stop: make(chan struct{})}
	for _, n := range nodes {
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			client := &http.Client{Timeout: 10 * time.Second}
			for i := 0; ; i++ {
				select {
				case <-l.stop:
					return
				default:
				}
				path := "/api/echo"
				if i%2 == 1 {
					path = "/"
				}
				req, _ := http.NewRequest("GET", n.Public+path, nil)
				req.Host = "site." + clustertest.BaseDomain
				resp, err := client.Do(req)
				if err != nil {
					l.fail(fmt.Sprintf("%s %s: %v", n.Name, path, err))
					continue
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 || !strings.Contains(string(body), version) {
					l.fail(fmt.Sprintf("%s %s: %d %s", n.Name, path, resp.StatusCode, body))
					continue
				}
				l.ok.Add(1)
			}
		}()
	}
	return l
}

func (l *load) fail(s string) {
	l.bad.Add(1)
	l.mu.Lock()
	if len(l.errs) < 5 {
		l.errs = append(l.errs, s)
	}
	l.mu.Unlock()
}

func (l *load) finish(t *testing.T) {
	t.Helper()
	close(l.stop)
	l.wg.Wait()
	if l.bad.Load() > 0 || l.ok.Load() == 0 {
		t.Errorf("load: %d ok, %d failed: %q", l.ok.Load(), l.bad.Load(), l.errs)
	}
}

// tarGz builds a bundle by hand: entries are name and body, or a link when
// body starts with "->".
func tarGz(t *testing.T, entries ...[2]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for _, e := range entries {
		h := &tar.Header{Name: e[0], Mode: 0o644, Size: int64(len(e[1])), Typeflag: tar.TypeReg}
		if strings.HasPrefix(e[1], "->") {
			h.Typeflag, h.Linkname, h.Size = tar.TypeSymlink, e[1][2:], 0
		}
		tw.WriteHeader(h)
		if h.Typeflag == tar.TypeReg {
			tw.Write([]byte(e[1]))
		}
	}
	tw.Close()
	zw.Close()
	return buf.Bytes()
}

// manifestFor is a manifest.json listing files with their real sizes and
// hashes, as a well-formed bundle would.
func manifestFor(files ...[2]string) string {
	m := bundle.Manifest{Version: 1, Project: "site", OutputDir: "public"}
	for _, f := range files {
		sum := sha256.Sum256([]byte(f[1]))
		m.Files = append(m.Files, bundle.File{Path: f[0], Size: int64(len(f[1])), SHA256: hex.EncodeToString(sum[:])})
	}
	b, _ := json.Marshal(m)
	return string(b)
}

// upload posts a bundle to a node's admin API.
func upload(t *testing.T, n *clustertest.Node, b []byte) (int, string) {
	t.Helper()
	return n.AdminCall(t, "POST", "/v1/projects/site/deployments", bytes.NewReader(b))
}

// packDir packs a project directory as deploy does.
func packDir(t testing.TB, dir string) []byte {
	t.Helper()
	p, err := config.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, _, _, err := bundle.Pack(&buf, dir, p, nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
