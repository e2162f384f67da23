package wasmpages_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestImportRules enforces DESIGN.md's import rules with go list: nothing
// imports cmd/ or examples/; abi, sdk and placement import no third-party
// module; nothing below host/ imports host itself.
func TestImportRules(t *testing.T) {
	const mod = "github.com/wasmpages/wasmpages"
	out, err := exec.Command("go", "list", "-deps", "-test=false", "-f", "{{.ImportPath}}:{{join .Imports \" \"}}", "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		pkg, imports, _ := strings.Cut(line, ":")
		if !strings.HasPrefix(pkg, mod) {
			continue
		}
		for _, imp := range strings.Fields(imports) {
			if strings.HasPrefix(imp, mod+"/cmd/") || strings.HasPrefix(imp, mod+"/examples") {
				t.Errorf("%s imports %s: nothing may import cmd/ or examples/", pkg, imp)
			}
			for _, pure := range []string{"/abi", "/sdk", "/placement"} {
				if (pkg == mod+pure || strings.HasPrefix(pkg, mod+pure+"/")) && strings.Contains(strings.Split(imp, "/")[0], ".") && !strings.HasPrefix(imp, mod) {
					t.Errorf("%s imports third-party %s", pkg, imp)
				}
			}
			if strings.HasPrefix(pkg, mod+"/host/") && imp == mod+"/host" {
				t.Errorf("%s imports host: nothing below host/ may", pkg)
			}
		}
	}
}
