package tasks

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wasmtasks/wasmtasks/internal/testcache"
	"github.com/wasmtasks/wasmtasks/internal/testprog"
	"github.com/wasmtasks/wasmtasks/internal/wasmbuild"
	"github.com/wasmtasks/wasmtasks/runner"
)

// yosysGraph is a task graph whose main program is Yosys (the 30.8 MB
// preview1 module of @yowasp/yosys, as the bench installs it from npm):
// synth synthesises a small design into out/ (a sandbox task: its result
// is shared), report prints the statistics with the probe (console only:
// it runs every time, on compiled code from the cache) and check writes a
// file after it (shared too). The project carries Yosys' share/ folder,
// as a repository that vendors it does.
const yosysGraph = `
version: 1
remote_cache: CACHE
components:
  yosys: {path: YOSYS, dirs: [{host: share, guest: /share, readonly: true}, {host: rtl, guest: /rtl, readonly: true}]}
  probe: {path: PROBE}
tasks:
  synth:
    component: yosys
    args: [-q, -p, "read_verilog /rtl/design.v; synth -top top -noabc; tee -q -o /out/stat.txt stat; write_json /out/netlist.json"]
    dirs: [{host: out, guest: /out}]
  report: {component: probe, args: [read, /out/stat.txt], deps: [synth], dirs: [{host: out, guest: /out, readonly: true}]}
  check: {component: probe, args: [gen, /check, done], deps: [report], dirs: [{host: check, guest: /check}]}
`

// yosysVersion runs Yosys alone on console output: never shared, so a cold
// machine compiles its code or, with a warm cache, fetches it.
const yosysVersion = `
version: 1
remote_cache: CACHE
components:
  yosys: {path: YOSYS}
tasks:
  version: {component: yosys, args: [-V]}
`

// yosysDesign is a small design of chained multipliers, the kind the
// bench's real-tool job synthesises.
const yosysDesign = `module top(input clk, input [15:0] a, input [15:0] b, output reg [31:0] y);
  reg [31:0] r0, r1, r2, r3;
  always @(posedge clk) begin
    r0 <= a * b + (a ^ 16'd7919);
    r1 <= r0[15:0] * b + (a ^ 16'd15838);
    r2 <= r1[15:0] * b + (a ^ 16'd23757);
    r3 <= r2[15:0] * b + (a ^ 16'd31676);
    y <= r3;
  end
endmodule
`

// BenchmarkColdMachineYosys is [BenchmarkColdMachine] with a Yosys-sized
// program: a cold machine (a fresh checkout at another path, an empty
// store) runs yosysGraph with the team's remote cache warm (compiled code
// under a team key, and task results) and without one (Yosys compiles,
// every task runs), and with the cache but no team key ("results-only":
// task results shared, compiled code not). "code" runs yosysVersion with
// and without the cache: fetching Yosys' compiled code (121 MB) from the
// cache against compiling it. Yosys comes
// from the bench's own npm install (bench/package-lock.json); compiling it
// takes 15-50 s and 1 GB, so `go tool mage test` leaves this out:
//
//	go test ./tasks -run '^$' -bench ColdMachineYosys -benchtime 3x -timeout 30m
func BenchmarkColdMachineYosys(b *testing.B) {
	key := filepath.Join(b.TempDir(), "team.key")
	os.WriteFile(key, []byte(strings.Repeat("3c", 32)), 0o600)
	b.Setenv(envStoreKeyFile, key)
	yosys, share := installYosys(b)
	srv := testcache.Start(b)
	r := strings.NewReplacer("CACHE", srv.URL, "YOSYS", yosys, "PROBE", testprog.Component(b, "probe"))
	for _, g := range []struct{ name, yaml string }{{"graph", r.Replace(yosysGraph)}, {"code", r.Replace(yosysVersion)}} {
		coldRun(b, yosysCheckout(b, g.yaml, share), nil, "") // fills the cache
		for _, c := range []struct{ name, cache string }{{"no-remote", RemoteCacheOff}, {"warm-remote", ""}, {"results-only", ""}} {
			if g.name == "code" && c.name == "results-only" {
				continue // without a team key no code is shared: it is no-remote
			}
			b.Run(g.name+"/"+c.name, func(b *testing.B) {
				if c.name == "results-only" {
					b.Setenv(envStoreKeyFile, "") // the user's own key: no code shared
				}
				var walls []time.Duration
				var sum Summary
				for b.Loop() {
					b.StopTimer()
					p := yosysCheckout(b, g.yaml, share)
					b.StartTimer()
					t0 := time.Now()
					sum = coldRun(b, p, nil, c.cache)
					walls = append(walls, time.Since(t0))
				}
				slices.Sort(walls)
				b.ReportMetric(walls[len(walls)/2].Seconds(), "median-s")
				b.ReportMetric(float64(countSource(sum, runner.Remote)), "remote-code-tasks/op")
			})
		}
	}
}

// installYosys installs @yowasp/yosys with the bench's npm lock file and
// writes its share/ folder out once; it returns the module and the folder.
func installYosys(b *testing.B) (module, share string) {
	bench, err := filepath.Abs(filepath.Join("..", "bench"))
	if err != nil {
		b.Fatal(err)
	}
	gen := filepath.Join(bench, "node_modules", "@yowasp", "yosys", "gen")
	module = filepath.Join(gen, "yosys.core.wasm")
	if err := wasmbuild.EnsureNPM(bench, module); err != nil {
		b.Fatalf("installing Yosys from npm in %s: %v", bench, err)
	}
	share = filepath.Join(b.TempDir(), "share")
	cmd := exec.Command("node", filepath.Join(bench, "realtools", "yosysshare.mjs"), filepath.Join(gen, "resources-yosys.js"), share)
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("%s: %v\n%s", cmd, err, out)
	}
	return module, share
}

// yosysCheckout writes the project into a new folder: the task file, the
// design and a copy of Yosys' share/ folder.
func yosysCheckout(b *testing.B, yaml, share string) *Project {
	dir := b.TempDir()
	if err := os.CopyFS(filepath.Join(dir, "share"), os.DirFS(share)); err != nil {
		b.Fatal(err)
	}
	os.Mkdir(filepath.Join(dir, "rtl"), 0o755)
	os.WriteFile(filepath.Join(dir, "rtl", "design.v"), []byte(yosysDesign), 0o644)
	return load(b, dir, yaml)
}

func countSource(sum Summary, src runner.Source) int {
	n := 0
	for _, r := range sum {
		if r.Source == src {
			n++
		}
	}
	return n
}
