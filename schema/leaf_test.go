package schema

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
)

// schemaAt returns the JSON Schema object at the path of property names.
func schemaAt(t *testing.T, path ...string) map[string]any {
	t.Helper()
	var s map[string]any
	if err := json.Unmarshal(JSONSchema(), &s); err != nil {
		t.Fatal(err)
	}
	for _, p := range path {
		next, ok := s[p].(map[string]any)
		if !ok {
			t.Fatalf("the schema has no %q on the path %v", p, path)
		}
		s = next
	}
	return s
}

func schemaPattern(t *testing.T, path ...string) *regexp.Regexp {
	t.Helper()
	p, ok := schemaAt(t, path...)["pattern"].(string)
	if !ok {
		t.Fatalf("no pattern at %v", path)
	}
	return regexp.MustCompile(p)
}

var component = []string{"properties", "components", "additionalProperties", "properties"}

// TestLeafGrammarsAgree feeds each value to the decoder and to the JSON
// Schema's pattern for its key. syntax says whether the value is written
// right (the pattern must match exactly then); valid whether the decoder
// takes it, which adds the range checks a pattern cannot express.
func TestLeafGrammarsAgree(t *testing.T) {
	type leaf struct {
		pattern *regexp.Regexp
		file    func(v string) string
	}
	leaves := map[string]leaf{
		"duration": {schemaPattern(t, append(component, "timeout")...), func(v string) string {
			return fmt.Sprintf("components: {c: {path: tools/prog.wasm, timeout: %q}}", v)
		}},
		"size": {schemaPattern(t, append(component, "memory")...), func(v string) string {
			return fmt.Sprintf("components: {c: {path: tools/prog.wasm, memory: %q}}", v)
		}},
		"digest": {schemaPattern(t, append(component, "sha256")...), func(v string) string {
			return fmt.Sprintf("components: {c: {path: tools/prog.wasm, sha256: %q}}", v)
		}},
		"env name": {schemaPattern(t, append(component, "env", "propertyNames")...), func(v string) string {
			return fmt.Sprintf("components: {c: {path: tools/prog.wasm, env: {%q: x}}}", v)
		}},
		"go": {schemaPattern(t, append(component, "go")...), func(v string) string {
			return fmt.Sprintf("components: {c: {go: %q}}", v)
		}},
		"url": {schemaPattern(t, append(component, "url")...), func(v string) string {
			return fmt.Sprintf("components: {c: {url: %q, sha256: %s}}", v, strings.Repeat("0", 64))
		}},
		"oci": {schemaPattern(t, append(component, "oci")...), func(v string) string {
			return fmt.Sprintf("components: {c: {oci: %q}}", v)
		}},
		"name": {schemaPattern(t, "properties", "components", "propertyNames"), func(v string) string {
			return fmt.Sprintf("components: {%q: {path: tools/prog.wasm}}", v)
		}},
	}
	hex64 := strings.Repeat("0123456789abcdef", 4)
	tests := []struct {
		leaf, value   string
		syntax, valid bool
	}{
		{"duration", "1ms", true, true},
		{"duration", "30s", true, true},
		{"duration", "1.5h", true, true},
		{"duration", "1h30m", true, true},
		{"duration", "24h", true, true},
		{"duration", "250us", true, false}, // below 1ms
		{"duration", "0s", true, false},
		{"duration", "25h", true, false},
		{"duration", "99999999999h", true, false}, // overflows
		{"duration", ".5s", false, false},
		{"duration", "1.s", false, false},
		{"duration", "0", false, false},
		{"duration", "30", false, false},
		{"duration", "-1s", false, false},
		{"duration", "+1s", false, false},
		{"duration", "30 s", false, false},
		{"duration", "", false, false},
		{"size", "64KiB", true, true},
		{"size", "1.5GiB", true, true},
		{"size", "512MiB", true, true},
		{"size", "512 MiB", true, true},
		{"size", "1G", true, true},
		{"size", "100000000", true, true},
		{"size", "0", true, false},
		{"size", "1KiB", true, false},
		{"size", "65GiB", true, false},
		{"size", "1.MiB", false, false},
		{"size", ".5GiB", false, false},
		{"size", " 64MiB", false, false},
		{"size", "64MiB ", false, false},
		{"size", "64  MiB", false, false},
		{"size", "64mib", false, false},
		{"size", "-5MiB", false, false},
		{"size", "1e9", false, false},
		{"size", "", false, false},
		{"digest", hex64, true, true},
		{"digest", strings.ToUpper(hex64), true, true},
		{"digest", "sha256:" + hex64, true, true},
		{"digest", "SHA256:" + hex64, false, false},
		{"digest", hex64[1:], false, false},
		{"digest", hex64 + "0", false, false},
		{"digest", "zz" + hex64[2:], false, false},
		{"env name", "PATH", true, true},
		{"env name", "_x9", true, true},
		{"env name", "9A", false, false},
		{"env name", "A-B", false, false},
		{"env name", "Ä", false, false},
		{"env name", "", false, false},
		{"go", "./tools/gen", true, true},
		{"go", ".", true, true},
		{"go", "../x", true, true},
		{"go", "golang.org/x/tools/cmd/goyacc@v0.52.0", true, true},
		{"go", "mvdan.cc/gofumpt@latest", true, true},
		{"go", "golang.org/x/tools/cmd/goyacc", false, false},
		{"go", "a@b@c", false, false},
		{"go", "./a b", false, false},
		{"go", "", false, false},
		{"url", "https://example.test/x.wasm", true, true},
		{"url", "http://127.0.0.1:8080/x.tgz", true, true},
		{"url", "ftp://example.test/x", false, false},
		{"url", "https://", false, false},
		{"url", "https://a b", false, false},
		{"oci", "ghcr.io/org/tool:1.0", true, true},
		{"oci", "localhost:5000/tool", false, false}, // no tag or digest: nothing to pull
		{"oci", "localhost:5000/tool:1", true, true},
		{"oci", "r.io/org/tool:1@sha256:" + hex64, true, true},
		{"oci", "r.io/org//tool:1", false, false},
		{"oci", "r.io/org/../tool:1", false, false},
		{"oci", "127.0.0.1:5000/org/tool@sha256:" + hex64, true, true},
		{"oci", "tool:1.0", false, false},
		{"oci", "ghcr.io/Org/tool", false, false},
		{"oci", "ghcr.io/org/tool:", false, false},
		{"name", "build", true, true},
		{"name", "a.b-c_d", true, true},
		{"name", strings.Repeat("x", 100), true, true},
		{"name", strings.Repeat("x", 101), false, false},
		{"name", "-x", false, false},
		{"name", "a b", false, false},
		{"name", "", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.leaf+" "+tt.value, func(t *testing.T) {
			if tt.valid && !tt.syntax {
				t.Fatal("bad case: a value the decoder takes must be written right")
			}
			l := leaves[tt.leaf]
			if got := l.pattern.MatchString(tt.value); got != tt.syntax {
				t.Errorf("schema pattern %s matches %q: %v, want %v", l.pattern, tt.value, got, tt.syntax)
			}
			_, err := Parse("testdata/leaf.yaml", []byte("version: 1\n"+l.file(tt.value)+"\n"), env)
			if got := err == nil; got != tt.valid {
				t.Errorf("decoder takes %q: %v (%v), want %v", tt.value, got, err, tt.valid)
			}
		})
	}
}
