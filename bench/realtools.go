package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/wasmtasks/wasmtasks/internal/wasmbuild"
)

// realTool is a real WASI program a user would run, as a registry ships
// it, with one job of the kind it is used for.
type realTool struct {
	name, version string
	file          string // the preview1 module
	args          []string
	dirs          []mount
}

// mount is a host folder a tool sees at guest.
type mount struct {
	host, guest string
	readOnly    bool
}

// dirFlags are the folder flags every peer command understands.
func (t realTool) dirFlags() []string {
	var flags []string
	for _, m := range t.dirs {
		flag := "--dir"
		if m.readOnly {
			flag = "--ro-dir"
		}
		flags = append(flags, flag, m.host+"::"+m.guest)
	}
	return flags
}

// size is the module's size, for the tables.
func (t realTool) size() string {
	fi, err := os.Stat(t.file)
	if err != nil {
		return "?"
	}
	return mb(fi.Size())
}

func mb(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/1e6) }

// yosysModule is where @yowasp/yosys keeps its preview1 module.
var yosysModule = filepath.Join("node_modules", "@yowasp", "yosys", "gen", "yosys.core.wasm")

// installRealTools installs the pinned real tools into dir: Yosys from
// npm (bench/package-lock.json), yq and gofumpt built for wasip1 at the
// versions bench/realtools/go.mod pins. It writes each job's input too.
func installRealTools(dir string) ([]realTool, error) {
	bench, err := filepath.Abs(".")
	if err != nil {
		return nil, err
	}
	if err := wasmbuild.EnsureNPM(bench, filepath.Join(bench, yosysModule)); err != nil {
		return nil, err
	}
	in, tmp, share := filepath.Join(dir, "real-in"), filepath.Join(dir, "real-tmp"), filepath.Join(dir, "yosys-share")
	for _, d := range []string{filepath.Join(in, "go"), tmp} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, err
		}
	}
	gen := filepath.Dir(filepath.Join(bench, yosysModule))
	if err := run("", "node", filepath.Join("realtools", "yosysshare.mjs"), filepath.Join(gen, "resources-yosys.js"), share); err != nil {
		return nil, err
	}
	if err := writeRealInputs(in); err != nil {
		return nil, err
	}
	yq, gofumpt := filepath.Join(dir, "yq.wasm"), filepath.Join(dir, "gofumpt.wasm")
	for pkg, out := range map[string]string{"github.com/mikefarah/yq/v4": yq, "mvdan.cc/gofumpt": gofumpt} {
		if err := buildWasip1(pkg, out); err != nil {
			return nil, err
		}
	}
	ro := mount{host: in, guest: "/in", readOnly: true}
	// -noabc: Yosys' built-in ABC step stops with "Assert `n >= 0' failed
	// in kernel/io.cc" under wazero, which would leave no peer to compare.
	return []realTool{
		{name: "Yosys", version: npmVersion(bench, "@yowasp/yosys"), file: filepath.Join(bench, yosysModule),
			args: []string{"-q", "-p", "read_verilog /in/design.v; synth -top top -noabc; tee -q -o /tmp/stat.txt stat"},
			dirs: []mount{ro, {host: share, guest: "/share", readOnly: true}, {host: tmp, guest: "/tmp"}}},
		{name: "yq", version: goToolVersion("github.com/mikefarah/yq/v4"), file: yq,
			args: []string{"[.items[] | select(.n % 3 == 0) | .name] | length", "/in/data.yaml"}, dirs: []mount{ro}},
		{name: "gofumpt", version: goToolVersion("mvdan.cc/gofumpt"), file: gofumpt,
			args: []string{"-l", "/in/go"}, dirs: []mount{ro}},
	}, nil
}

// buildWasip1 builds a main package that bench/realtools pins.
func buildWasip1(pkg, out string) error {
	cmd := exec.Command("go", "build", "-trimpath", "-o", out, pkg)
	cmd.Dir = "realtools"
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm")
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%s: %v\n%s", cmd, err, b)
	}
	return nil
}

func goToolVersion(module string) string {
	cmd := exec.Command("go", "list", "-m", "-f", "{{.Version}}", module)
	cmd.Dir = "realtools"
	out, _ := cmd.Output()
	return strings.TrimSpace(string(out))
}

func npmVersion(root, pkg string) string {
	var p struct{ Version string }
	b, _ := os.ReadFile(filepath.Join(root, "node_modules", pkg, "package.json"))
	json.Unmarshal(b, &p)
	return p.Version
}

// writeRealInputs writes the jobs' inputs: a Verilog design of chained
// multipliers for Yosys to synthesise, a YAML list for yq, and the
// bench's own Go files for gofumpt to check.
func writeRealInputs(in string) error {
	var v strings.Builder
	const stages = 12
	fmt.Fprintf(&v, "module top(input clk, input [15:0] a, input [15:0] b, output reg [31:0] y);\n")
	for i := range stages {
		fmt.Fprintf(&v, "  reg [31:0] r%d;\n", i)
	}
	fmt.Fprintf(&v, "  always @(posedge clk) begin\n")
	prev := "a * b"
	for i := range stages {
		fmt.Fprintf(&v, "    r%d <= %s + (a ^ 16'd%d);\n", i, prev, i*7919%65536)
		prev = fmt.Sprintf("(r%d[15:0] * b)", i)
	}
	fmt.Fprintf(&v, "    y <= r%d;\n  end\nendmodule\n", stages-1)
	var y strings.Builder
	y.WriteString("items:\n")
	for i := range 20000 {
		fmt.Fprintf(&y, "  - {name: item-%d, n: %d, tags: [a, b]}\n", i, i)
	}
	files := map[string]string{"design.v": v.String(), "data.yaml": y.String()}
	gofiles, _ := filepath.Glob("*.go")
	for _, f := range gofiles {
		b, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		files[filepath.Join("go", f)] = string(b)
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(in, name), []byte(text), 0o644); err != nil {
			return err
		}
	}
	return nil
}
