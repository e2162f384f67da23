package config

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// examplePath is pages.toml.example at the repository root.
const examplePath = "../../../pages.toml.example"

// TestExampleIsValid parses pages.toml.example and checks that its limits
// are the defaults, as it says.
func TestExampleIsValid(t *testing.T) {
	data, err := os.ReadFile(examplePath)
	if err != nil {
		t.Fatal(err)
	}
	p, err := Parse("pages.toml.example", data)
	if err != nil {
		t.Fatalf("pages.toml.example does not parse:\n%v", err)
	}
	if p.Limits != defaultLimits() {
		t.Errorf("pages.toml.example [limits] = %+v, want the defaults %+v", p.Limits, defaultLimits())
	}
}

// TestExampleDocumentsEveryKey checks that every key of the schema (the toml
// tags of Project and the structs it holds) appears in pages.toml.example,
// set or commented out, in its table, and that the example shows no key the
// schema lacks.
func TestExampleDocumentsEveryKey(t *testing.T) {
	data, err := os.ReadFile(examplePath)
	if err != nil {
		t.Fatal(err)
	}
	header := regexp.MustCompile(`^\[([a-z_]+)\]`)
	keyLine := regexp.MustCompile(`^#?\s*([a-z_]+)\s*=`)
	documented := map[string]bool{}
	table := ""
	for _, line := range strings.Split(string(data), "\n") {
		if m := header.FindStringSubmatch(line); m != nil {
			table = m[1]
			documented[table] = true
		} else if m := keyLine.FindStringSubmatch(line); m != nil {
			key := m[1]
			if table != "" {
				key = table + "." + key
			}
			documented[key] = true
		}
	}

	schema := map[string]bool{}
	for _, path := range schemaKeys(reflect.TypeFor[Project](), nil) {
		key := strings.Join(path, ".")
		schema[key] = true
		if !documented[key] {
			t.Errorf("pages.toml.example does not document %s", key)
		}
	}
	for key := range documented {
		if !schema[key] && !strings.HasPrefix(key, "vars.") {
			t.Errorf("pages.toml.example documents %s, which is not a key", key)
		}
	}
}

// TestFieldsDocumentTheirDefault checks that the doc comment of every field
// of the schema's structs says what its default is, or that it is required.
func TestFieldsDocumentTheirDefault(t *testing.T) {
	fset := token.NewFileSet()
	structs := map[string]bool{"Project": true, "Build": true, "Placement": true, "Limits": true}
	seen := map[string]bool{}
	for _, name := range []string{"project.go", "placement.go"} {
		f, err := parser.ParseFile(fset, name, nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			ts, ok := n.(*ast.TypeSpec)
			if !ok || !structs[ts.Name.Name] {
				return true
			}
			seen[ts.Name.Name] = true
			for _, field := range ts.Type.(*ast.StructType).Fields.List {
				doc := field.Doc.Text()
				if !strings.Contains(doc, "Default:") && !strings.Contains(doc, "Required.") {
					t.Errorf("%s.%s: doc comment states no default: %q", ts.Name.Name, field.Names[0].Name, doc)
				}
			}
			return false
		})
	}
	for name := range structs {
		if !seen[name] {
			t.Errorf("struct %s not found", name)
		}
	}
}
