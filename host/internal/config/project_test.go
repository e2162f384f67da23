package config

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// head is the smallest valid pages.toml; it takes lines 1 and 2.
const head = "name = \"site\"\npages_build_output_dir = \"public\"\n"

// parseErrors parses doc and returns its error's lines, or nil.
func parseErrors(t *testing.T, doc string) []string {
	t.Helper()
	p, err := Parse("pages.toml", []byte(doc))
	if err == nil {
		if p == nil {
			t.Fatal("Parse returned neither a project nor an error")
		}
		return nil
	}
	if p != nil {
		t.Fatal("Parse returned both a project and an error")
	}
	return strings.Split(err.Error(), "\n")
}

func mustParse(t *testing.T, doc string) *Project {
	t.Helper()
	p, err := Parse("pages.toml", []byte(doc))
	if err != nil {
		t.Fatalf("Parse: %v\n%s", err, doc)
	}
	return p
}

func TestParseDefaults(t *testing.T) {
	p := mustParse(t, head)
	want := &Project{
		Name:      "site",
		OutputDir: "public",
		Placement: Placement{Mode: "off"},
		Limits: Limits{
			Memory:       128 * MiB,
			Timeout:      30 * time.Second,
			Subrequests:  50,
			RequestBody:  100 * MiB,
			ResponseBody: 100 * MiB,
		},
	}
	if !reflect.DeepEqual(p, want) {
		t.Errorf("Parse(minimal) =\n%+v\nwant\n%+v", p, want)
	}
}

func TestParseValues(t *testing.T) {
	p := mustParse(t, `name = "my-site-2"
pages_build_output_dir = "./dist/../public/"
compatibility_date = "2024-02-29"
domains = ["WWW.Example.com", "api.example.com"]

[build]
command = "go build ./..."
watch_dir = "./src"

[vars]
URL = "https://api.internal"
COUNT = 3
RATIO = 0.25
BIG = 1e21
DEBUG = true
"with space" = ""

[limits]
memory = "1.5GiB"
timeout = "1m"
subrequests = 10000
request_body = 1048576
response_body = "1MB"
`)
	want := &Project{
		Name:              "my-site-2",
		OutputDir:         "public",
		CompatibilityDate: "2024-02-29",
		Domains:           []string{"www.example.com", "api.example.com"},
		Build:             Build{Command: "go build ./...", WatchDir: "src"},
		Placement:         Placement{Mode: "off"},
		Vars: map[string]string{
			"URL": "https://api.internal", "COUNT": "3", "RATIO": "0.25", "BIG": "1e+21", "DEBUG": "true", "with space": "",
		},
		Limits: Limits{
			Memory:       3 * GiB / 2,
			Timeout:      time.Minute,
			Subrequests:  10000,
			RequestBody:  MiB,
			ResponseBody: MB,
		},
	}
	if !reflect.DeepEqual(p, want) {
		t.Errorf("Parse =\n%+v\nwant\n%+v", p, want)
	}
	if err := p.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
}

func TestVarsNumbersAsText(t *testing.T) {
	p := mustParse(t, head+"[vars]\nA = nan\nB = inf\nC = -inf\nD = -0.0\nE = 1e-7\nF = 123456.5\nG = -42\nH = false\n")
	want := map[string]string{"A": "NaN", "B": "Infinity", "C": "-Infinity", "D": "0", "E": "1e-07", "F": "123456.5", "G": "-42", "H": "false"}
	if !reflect.DeepEqual(p.Vars, want) {
		t.Errorf("Vars = %q, want %q", p.Vars, want)
	}
}

func TestParseProblems(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want []string
	}{
		// Required keys and names.
		{"empty file", "", []string{
			`pages.toml: name: required: the project's name, such as name = "my-site"`,
			`pages.toml: pages_build_output_dir: required: the directory of static assets, such as pages_build_output_dir = "public"`,
		}},
		{"name with capitals", "pages_build_output_dir = \"p\"\nname = \"My_Site\"\n", []string{
			`pages.toml:2: name: "My_Site" is not a valid name: use 1 to 63 lowercase letters, digits and hyphens, not starting or ending with a hyphen`,
		}},
		{"name ending with a hyphen", "pages_build_output_dir = \"p\"\nname = \"site-\"\n", []string{
			`pages.toml:2: name: "site-" is not a valid name: use 1 to 63 lowercase letters, digits and hyphens, not starting or ending with a hyphen`,
		}},
		{"name of 64 characters", "pages_build_output_dir = \"p\"\nname = \"" + strings.Repeat("a", 64) + "\"\n", []string{
			`pages.toml:2: name: "` + strings.Repeat("a", 64) + `" is not a valid name: use 1 to 63 lowercase letters, digits and hyphens, not starting or ending with a hyphen`,
		}},
		{"name not a string", "pages_build_output_dir = \"p\"\nname = 7\n", []string{
			`pages.toml:2: name: must be a string, not an integer (7)`,
		}},

		// Output and watch directories.
		{"absolute output dir", "name = \"s\"\npages_build_output_dir = \"/srv/www\"\n", []string{
			`pages.toml:2: pages_build_output_dir: must be relative to the project directory, not absolute`,
		}},
		{"output dir outside", "name = \"s\"\npages_build_output_dir = \"../www\"\n", []string{
			`pages.toml:2: pages_build_output_dir: must stay inside the project directory`,
		}},
		{"output dir outside after cleaning", "name = \"s\"\npages_build_output_dir = \"a/../../www\"\n", []string{
			`pages.toml:2: pages_build_output_dir: must stay inside the project directory`,
		}},
		{"output dir is the project dir", "name = \"s\"\npages_build_output_dir = \"./\"\n", []string{
			`pages.toml:2: pages_build_output_dir: must be a subdirectory: the project directory itself holds pages.toml and .dev.vars, which must not be served`,
		}},
		{"output dir with backslashes", "name = \"s\"\npages_build_output_dir = 'dist\\www'\n", []string{
			`pages.toml:2: pages_build_output_dir: use "/" to separate directories, not "\"`,
		}},
		{"output dir with a control character", "name = \"s\"\npages_build_output_dir = \"a\\u0000b\"\n", []string{
			`pages.toml:2: pages_build_output_dir: must not contain control characters`,
		}},
		{"watch dir outside", head + "[build]\nwatch_dir = \"../src\"\n", []string{
			`pages.toml:4: build.watch_dir: must stay inside the project directory`,
		}},

		// Compatibility date.
		{"date that does not exist", head + "compatibility_date = \"2023-02-29\"\n", []string{
			`pages.toml:3: compatibility_date: "2023-02-29" is not a date: use yyyy-mm-dd, such as "2024-09-23"`,
		}},
		{"date without leading zeros", head + "compatibility_date = \"2024-9-1\"\n", []string{
			`pages.toml:3: compatibility_date: "2024-9-1" is not a date: use yyyy-mm-dd, such as "2024-09-23"`,
		}},
		{"unquoted date", head + "compatibility_date = 2024-09-23\n", []string{
			`pages.toml:3: compatibility_date: must be a string, not a date`,
		}},

		// Domains.
		{"bad domains", head + "domains = [\n  \"exa mple.com\",\n  \"-a.com\",\n  \"10.0.0.1\",\n  \"*.example.com\",\n]\n", []string{
			`pages.toml:3: domains: "exa mple.com" is not a hostname`,
			`pages.toml:3: domains: "-a.com" is not a hostname`,
			`pages.toml:3: domains: "10.0.0.1" is not a hostname`,
			`pages.toml:3: domains: "*.example.com" is not a hostname`,
		}},
		{"duplicate domains", head + "domains = [\"WWW.example.com\", \"www.example.com\"]\n", []string{
			`pages.toml:3: domains: "www.example.com" is listed twice`,
		}},
		{"domains not an array", head + "domains = \"example.com\"\n", []string{
			`pages.toml:3: domains: must be an array of strings, not a string ("example.com")`,
		}},
		{"domain not a string", head + "domains = [\"a.com\", 2]\n", []string{
			`pages.toml:3: domains: element 2 must be a string, not an integer (2)`,
		}},

		// Limits.
		{"memory below the minimum", head + "[limits]\nmemory = \"8MiB\"\n", []string{
			`pages.toml:4: limits.memory: 8MiB is below the minimum of 16MiB that a Go guest needs`,
		}},
		{"memory above the maximum", head + "[limits]\nmemory = \"5GiB\"\n", []string{
			`pages.toml:4: limits.memory: 5GiB is above the maximum of 4GiB`,
		}},
		{"memory not in wasm pages", head + "[limits]\nmemory = \"100MB\"\n", []string{
			`pages.toml:4: limits.memory: 100MB is not a multiple of 64KiB, the WebAssembly page size`,
		}},
		{"memory not a size", head + "[limits]\nmemory = \"128 megs\"\n", []string{
			`pages.toml:4: limits.memory: "128 megs" is not a size: write a number and a unit, such as "128MiB" or "100MB"`,
		}},
		{"memory a boolean", head + "[limits]\nmemory = true\n", []string{
			`pages.toml:4: limits.memory: must be a size such as "128MiB", or a number of bytes, not a boolean (true)`,
		}},
		{"timeout without a unit", head + "[limits]\ntimeout = \"30\"\n", []string{
			`pages.toml:4: limits.timeout: "30" has no unit: write "30s"`,
		}},
		{"timeout an integer", head + "[limits]\ntimeout = 30\n", []string{
			`pages.toml:4: limits.timeout: must be a duration string such as "30s", not an integer (30)`,
		}},
		{"timeout not a duration", head + "[limits]\ntimeout = \"half a minute\"\n", []string{
			`pages.toml:4: limits.timeout: "half a minute" is not a duration: write one such as "30s", "1m30s" or "500ms"`,
		}},
		{"timeout zero", head + "[limits]\ntimeout = \"0s\"\n", []string{
			`pages.toml:4: limits.timeout: must be more than zero`,
		}},
		{"timeout negative", head + "[limits]\ntimeout = \"-1s\"\n", []string{
			`pages.toml:4: limits.timeout: must be more than zero`,
		}},
		{"timeout too long", head + "[limits]\ntimeout = \"15m1s\"\n", []string{
			`pages.toml:4: limits.timeout: 15m1s is above the maximum of 15m0s`,
		}},
		{"subrequests zero", head + "[limits]\nsubrequests = 0\n", []string{
			`pages.toml:4: limits.subrequests: 0 is out of range: use 1 to 10000`,
		}},
		{"subrequests too many", head + "[limits]\nsubrequests = 10001\n", []string{
			`pages.toml:4: limits.subrequests: 10001 is out of range: use 1 to 10000`,
		}},
		{"subrequests a string", head + "[limits]\nsubrequests = \"50\"\n", []string{
			`pages.toml:4: limits.subrequests: must be an integer, not a string ("50")`,
		}},
		{"subrequests a float", head + "[limits]\nsubrequests = 50.0\n", []string{
			`pages.toml:4: limits.subrequests: must be an integer, not a float (50)`,
		}},
		{"body limits zero or negative", head + "[limits]\nrequest_body = 0\nresponse_body = -1\n", []string{
			`pages.toml:4: limits.request_body: must be more than zero`,
			`pages.toml:5: limits.response_body: must be more than zero`,
		}},

		// Vars.
		{"vars of the wrong types", head + "[vars]\nOK = \"x\"\nLIST = [1]\nTABLE = { a = 1 }\nDAY = 2024-01-01\n", []string{
			`pages.toml:5: vars.LIST: must be a string, number or boolean, not an array`,
			`pages.toml:6: vars.TABLE: must be a string, number or boolean, not a table`,
			`pages.toml:7: vars.DAY: must be a string, number or boolean, not a date: quote it`,
		}},
		{"vars not a table", head + "vars = \"A=1\"\n", []string{
			`pages.toml:3: vars: must be a table, not a string ("A=1")`,
		}},

		// Tables of the wrong type.
		{"build a string", head + "build = \"make\"\n", []string{
			`pages.toml:3: build: must be a table, not a string ("make")`,
		}},
		{"limits an array", head + "limits = []\n", []string{
			`pages.toml:3: limits: must be a table, not an array`,
		}},
		{"a table below a string", "pages_build_output_dir = \"p\"\nname.first = \"a\"\n", []string{
			`pages.toml:2: name: must be a string, not a table`,
		}},

		// Unknown and unsupported keys.
		{"unknown top-level key", head + "\n# a comment\ntitle = \"x\"\n", []string{
			`pages.toml:5: title: unknown key`,
		}},
		{"unknown key in a table", head + "[build]\ncommand = \"make\"\n\nwatch = \"src\"\n", []string{
			`pages.toml:6: build.watch: unknown key: did you mean build.watch_dir?`,
		}},
		{"unknown dotted key", head + "limits.memroy = \"1GiB\"\n", []string{
			`pages.toml:3: limits.memroy: unknown key: did you mean limits.memory?`,
		}},
		{"unknown key in an inline table", head + "build = { command = \"make\", cmd = \"x\" }\n", []string{
			`pages.toml:3: build.cmd: unknown key`,
		}},
		{"unknown table", head + "[site]\nname = \"x\"\nroot = \"y\"\n", []string{
			`pages.toml:3: site: unknown key`,
		}},
		{"key in the wrong case", head + "[Limits]\nMemory = \"1GiB\"\n", []string{
			`pages.toml:3: Limits: unknown key: keys are case-sensitive, did you mean limits?`,
		}},
		{"key in the wrong table", head + "memory = \"1GiB\"\n", []string{
			`pages.toml:3: memory: unknown key: did you mean limits.memory?`,
		}},
		{"quoted unknown key", head + "[build]\n\"the command\" = \"make\"\n", []string{
			`pages.toml:4: build."the command": unknown key`,
		}},
		{"bindings", head + "[[kv_namespaces]]\nbinding = \"KV\"\nid = \"x\"\n\n[[kv_namespaces]]\nbinding = \"KV2\"\n[ai]\nbinding = \"AI\"\n", []string{
			`pages.toml:3: kv_namespaces: is a Cloudflare binding, which wasmpages does not support: remove it and reach the service over HTTP from the function`,
			`pages.toml:9: ai: is a Cloudflare binding, which wasmpages does not support: remove it and reach the service over HTTP from the function`,
		}},
		{"wrangler settings", head + "compatibility_flags = [\"nodejs_compat\"]\nsend_metrics = false\n[env.production.vars]\nA = \"1\"\n[limits]\ncpu_ms = 50\n", []string{
			`pages.toml:3: compatibility_flags: is a Cloudflare Workers runtime setting, which wasmpages does not support: remove it`,
			`pages.toml:4: send_metrics: is a wrangler setting, which wasmpages does not support: remove it`,
			`pages.toml:5: env: wasmpages does not support wrangler environments ([env.preview], [env.production]): put the settings at the top level`,
			`pages.toml:8: limits.cpu_ms: wasmpages limits wall-clock time, not CPU time: use limits.timeout`,
		}},

		// Everything at once, in line order, without follow-on problems.
		{"several problems", "name = \"Site\"\n[limits]\nmemory = \"8MiB\"\ntimeout = 30\nsubrequests = \"many\"\n[placement]\nhint = \"us-east\"\nmode = \"off\"\n[d1_databases]\n", []string{
			`pages.toml: pages_build_output_dir: required: the directory of static assets, such as pages_build_output_dir = "public"`,
			`pages.toml:1: name: "Site" is not a valid name: use 1 to 63 lowercase letters, digits and hyphens, not starting or ending with a hyphen`,
			`pages.toml:3: limits.memory: 8MiB is below the minimum of 16MiB that a Go guest needs`,
			`pages.toml:4: limits.timeout: must be a duration string such as "30s", not an integer (30)`,
			`pages.toml:5: limits.subrequests: must be an integer, not a string ("many")`,
			`pages.toml:7: placement.hint: needs mode = "smart", not "off"`,
			`pages.toml:9: d1_databases: is a Cloudflare binding, which wasmpages does not support: remove it and reach the service over HTTP from the function`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := parseErrors(t, tt.doc)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Parse errors:\n got %q\nwant %q\ndocument:\n%s", got, tt.want, tt.doc)
			}
		})
	}
}

func TestParseSyntaxError(t *testing.T) {
	_, err := Parse("site/pages.toml", []byte("name = \"x\"\n\n[limits\nmemory = 1\n"))
	want := "site/pages.toml:3:8: invalid TOML: expected '.' or ']' to end table name, but got '\\n' instead\n\n" +
		"     3 | [limits\n" +
		"                ^"
	if err == nil || err.Error() != want {
		t.Fatalf("Parse error:\n%v\nwant\n%s", err, want)
	}
	var p *Problem
	if !errors.As(err, &p) || p.Line != 3 || p.Col != 8 || p.File != "site/pages.toml" {
		t.Errorf("problem = %+v, want line 3, column 8", p)
	}
}

func TestProblemsAreInspectable(t *testing.T) {
	_, err := Parse("pages.toml", []byte(head+"[placement]\nmode = \"sometimes\"\n"))
	var p *Problem
	if !errors.As(err, &p) {
		t.Fatalf("error %v holds no *Problem", err)
	}
	want := Problem{File: "pages.toml", Line: 4, Key: "placement.mode", Msg: `"sometimes" is not a placement mode: use "off", "smart" or "targeted"`}
	if p.File != want.File || p.Line != want.Line || p.Key != want.Key || p.Msg != want.Msg {
		t.Errorf("problem = %+v, want %+v", *p, want)
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	_, err := Load(dir)
	if want := "no pages.toml in " + dir + ": create one, see pages.toml.example"; err == nil || err.Error() != want {
		t.Fatalf("Load(empty dir) = %v, want %q", err, want)
	}

	if err := os.WriteFile(filepath.Join(dir, "pages.toml"), []byte(head), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := Load(dir)
	if err != nil || p.Name != "site" {
		t.Fatalf("Load = %+v, %v", p, err)
	}

	if err := os.WriteFile(filepath.Join(dir, "pages.toml"), []byte("name = 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = Load(dir)
	if want := filepath.Join(dir, "pages.toml") + ":1: name: must be a string"; err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("Load(bad file) = %v, want it to contain %q", err, want)
	}

	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(sub, "pages.toml"), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(sub); err == nil || !strings.HasPrefix(err.Error(), "reading project configuration: ") {
		t.Fatalf("Load(dir with a directory named pages.toml) = %v", err)
	}
}

func TestValidateHandBuilt(t *testing.T) {
	p := &Project{Name: "site", OutputDir: "public", Limits: defaultLimits()}
	if err := p.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	p.Limits = Limits{}
	err := p.Validate()
	want := []string{
		"limits.memory: 0B is below the minimum of 16MiB that a Go guest needs",
		"limits.timeout: must be more than zero",
		"limits.subrequests: 0 is out of range: use 1 to 10000",
		"limits.request_body: must be more than zero",
		"limits.response_body: must be more than zero",
	}
	if err == nil || !reflect.DeepEqual(strings.Split(err.Error(), "\n"), want) {
		t.Errorf("Validate(zero limits) = %v, want %q", err, want)
	}
}
