package host_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wasmpages/wasmpages/internal/clustertest"
	"github.com/wasmpages/wasmpages/internal/testguest"
)

// TestDeploySecrets deploys with secrets taken from the deploy command's
// environment: the function reads them, later deploys keep them unless
// changed or dropped, a rollback brings back the ones of its deployment,
// a restarted node still has them, and their values are nowhere on disk in
// clear text: not in the bundle, the control plane's store or the node's
// own files.
func TestDeploySecrets(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a node")
	}
	c := clustertest.Start(t, "solo")
	n := c.Node("solo")
	const first, second = "first-Secret-value-8c1f", "second-Secret-value-77ad"
	v1, v2 := siteProject(t, "v1", ""), siteProject(t, "v2", "")
	deploy := func(dir string, env []string, args ...string) (string, int) {
		t.Helper()
		return c.CLIEnv(t, env, append([]string{"deploy", dir, "--to", n.Admin, "--data-dir", testguest.SharedDataDir()}, args...)...)
	}
	want := func(version, secret string) {
		t.Helper()
		clustertest.Eventually(t, 30*time.Second, "serving "+version+" with secret "+secret, func() bool {
			e, _ := getEcho(t, n)
			return e.Version == version && e.Secret == secret
		})
	}

	out, code := deploy(v1, []string{"API_KEY=" + first}, "--secret", "API_KEY")
	if code != 0 || !strings.Contains(out, "secrets: API_KEY") || strings.Contains(out, first) {
		t.Fatalf("deploy with a secret: exit %d\n%s", code, out)
	}
	want("v1", first)

	// A later deploy keeps the secret without naming it.
	if out, code := deploy(v2, nil); code != 0 {
		t.Fatalf("deploy v2: exit %d\n%s", code, out)
	}
	want("v2", first)

	// A new value for the same bundle is a change every node follows.
	if out, code := deploy(v2, []string{"API_KEY=" + second}, "--secret", "API_KEY"); code != 0 || strings.Contains(out, "already active") {
		t.Fatalf("deploy a new secret value: exit %d\n%s", code, out)
	}
	want("v2", second)
	if out, _ := deploy(v2, nil); !strings.Contains(out, "already active") {
		t.Errorf("redeploying the same bundle and secrets changed something:\n%s", out)
	}

	// Bad requests change nothing.
	for _, tt := range []struct {
		env  []string
		args []string
		msg  string
	}{
		{nil, []string{"--secret", "MISSING_SECRET"}, "the environment has no MISSING_SECRET"},
		{[]string{"1BAD=x"}, []string{"--secret", "1BAD"}, "not a valid secret name"},
		{nil, []string{"--drop-secret", "NOT_SET"}, "no such secret"},
		{[]string{"BIG=" + strings.Repeat("x", 6<<10)}, []string{"--secret", "BIG"}, "at most 5120"},
		{nil, []string{"--secret", "API_KEY=inline-value"}, "not NAME=value"},
	} {
		if out, code := deploy(v1, tt.env, tt.args...); code == 0 || !strings.Contains(out, tt.msg) || strings.Contains(out, "inline-value") {
			t.Errorf("deploy %v: exit %d, want an error with %q:\n%s", tt.args, code, tt.msg, out)
		}
	}
	want("v2", second)

	if out, code := deploy(v2, nil, "--drop-secret", "API_KEY"); code != 0 || strings.Contains(out, "secrets:") {
		t.Fatalf("drop the secret: exit %d\n%s", code, out)
	}
	want("v2", "")
	if out, code := deploy(v2, []string{"API_KEY=" + second}, "--replace-secrets", "--secret", "API_KEY"); code != 0 || !strings.Contains(out, "secrets: API_KEY\n") {
		t.Fatalf("replace the secrets: exit %d\n%s", code, out)
	}
	want("v2", second)

	// The deployment before is v1, with the secret it was deployed with
	// (v2's entry was replaced by each activation of the same bundle).
	if out, code := c.CLI(t, "rollback", "site", "--to", n.Admin); code != 0 {
		t.Fatalf("rollback: exit %d\n%s", code, out)
	}
	want("v1", first)

	n.Kill(t)
	n.Start(t)
	want("v1", first)

	// A module whose init needs a secret deploys with it: both checks, the
	// command's and the node's, start it with its secrets.
	needs := project(t, map[string]string{
		"pages.toml":              "name = \"site\"\npages_build_output_dir = \"public\"\n[vars]\nVERSION = \"needs\"\nREQUIRE = \"API_KEY\"\n",
		"public/index.html":       "needs",
		"functions/api/echo.wasm": read(t, testguest.Build(t, "testdata/echo")),
	})
	if out, code := deploy(needs, []string{"API_KEY=" + first}, "--secret", "API_KEY"); code != 0 {
		t.Fatalf("deploy a module that needs its secret: exit %d\n%s", code, out)
	}
	want("needs", first)

	// After a new cluster secret, the sealed secrets no longer open: a
	// rollback to them is refused with what to do, and a deploy that
	// replaces them serves again.
	n.Stop(t)
	c.RotateSecret(t)
	n.Start(t)
	if out, code := c.CLI(t, "rollback", "site", "--to", n.Admin); code == 0 || !strings.Contains(out, "--replace-secrets") {
		t.Errorf("rollback to secrets sealed under the old cluster secret: exit %d\n%s", code, out)
	}
	if out, code := deploy(v2, []string{"API_KEY=" + second}, "--replace-secrets", "--secret", "API_KEY"); code != 0 {
		t.Fatalf("deploy after a new cluster secret: exit %d\n%s", code, out)
	}
	want("v2", second)

	// Nowhere in clear text: every file of the node, the control plane's
	// JetStream store and the kept deployments included.
	filepath.WalkDir(n.DataDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		b, _ := os.ReadFile(path)
		for _, v := range []string{first, second} {
			if strings.Contains(string(b), v) {
				t.Errorf("%s holds a secret in clear text", path)
			}
		}
		return nil
	})
	if _, body := n.AdminCall(t, "GET", "/v1/projects/site/deployments", nil); strings.Contains(body, first) || !strings.Contains(body, `"secrets"`) {
		t.Errorf("the admin API's deployments show a secret, or none sealed:\n%s", body)
	}
}
