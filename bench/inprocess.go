package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"

	"github.com/wasmtasks/wasmtasks/internal/wtfloor"
	"github.com/wasmtasks/wasmtasks/runner"
)

// perRun runs f n times after one warm-up run and returns the median of
// five batches' mean time per run.
func perRun(n int, f func() error) (stats, error) {
	if err := f(); err != nil {
		return nil, err
	}
	var batches stats
	for range 5 {
		start := time.Now()
		for range n {
			if err := f(); err != nil {
				return nil, err
			}
		}
		batches = append(batches, time.Since(start)/time.Duration(n))
	}
	return batches, nil
}

// inProcess measures one hello run inside a process that already compiled
// the program: what each task of a task file costs.
func (b *bench) inProcess() (string, error) {
	p := b.progs["hello"]
	ctx := context.Background()
	eng, err := runner.NewEngine(runner.Options{StoreDir: filepath.Join(b.dir, "inprocess-store")})
	if err != nil {
		return "", err
	}
	defer eng.Close()
	wasmtasksRun := func(path string) func() error {
		return func() error {
			cmd := eng.Command(path)
			cmd.Stdout = io.Discard
			_, err := cmd.Run(ctx)
			return err
		}
	}
	floor, err := wtfloor.Runner(p.cModule, "hello")
	if err != nil {
		return "", err
	}
	wz, closeWZ, err := wazeroRunner(ctx, p.cModule)
	if err != nil {
		return "", err
	}
	defer closeWZ()
	rows := []struct {
		runtime, program string
		f                func() error
	}{
		{"wasmtasks", "C component", wasmtasksRun(p.cComponent)},
		{"wasmtasks", "C module", wasmtasksRun(p.cModule)},
		{"wasmtime-go API (floor)", "C module", floor},
		{"wazero (compiler)", "C module", wz},
	}
	var s strings.Builder
	fmt.Fprintf(&s, "### hello, per task inside one process (compiled code in memory; mean of %d runs, median of 5 batches)\n\n", b.cfg.inProcess)
	fmt.Fprintf(&s, "| runtime | program | per run | batches min–max | vs wasmtasks |\n| --- | --- | --- | --- | --- |\n")
	base := map[string]time.Duration{}
	for _, r := range rows {
		st, err := perRun(b.cfg.inProcess, r.f)
		if err != nil {
			return "", fmt.Errorf("%s %s: %w", r.runtime, r.program, err)
		}
		b.note("inprocess/"+r.runtime+"/"+r.program, st.median())
		vs := "1×"
		if r.runtime == "wasmtasks" {
			base[r.program] = st.median()
		} else {
			vs = ratio(st.median(), base[r.program])
		}
		fmt.Fprintf(&s, "| %s | %s | %s | %s | %s |\n", r.runtime, r.program, ms(st.median()), st.span(), vs)
	}
	return s.String(), nil
}

// wazeroRunner instantiates and runs the compiled module with wazero.
func wazeroRunner(ctx context.Context, path string) (func() error, func(), error) {
	rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigCompiler())
	wasi_snapshot_preview1.MustInstantiate(ctx, rt)
	wasm, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	compiled, err := rt.CompileModule(ctx, wasm)
	if err != nil {
		return nil, nil, err
	}
	run := func() error {
		m, err := rt.InstantiateModule(ctx, compiled, wazero.NewModuleConfig().WithName("").WithArgs("hello").WithStdout(io.Discard))
		if err != nil {
			return err
		}
		return m.Close(ctx)
	}
	return run, func() { rt.Close(ctx) }, nil
}

// manyTasks compares a task file of many hello tasks run by one wasmtasks
// process with as many wasmtasks exec processes.
func (b *bench) manyTasks() (string, error) {
	p := b.progs["hello"]
	var y strings.Builder
	fmt.Fprintf(&y, "version: 1\ncomponents:\n  hello: {path: %s, stdout: discard}\ntasks:\n", p.cComponent)
	for i := range b.cfg.many {
		fmt.Fprintf(&y, "  hello-%03d: {component: hello}\n", i)
	}
	file := filepath.Join(b.dir, "many.yaml")
	if err := os.WriteFile(file, []byte(y.String()), 0o644); err != nil {
		return "", err
	}
	store := filepath.Join(b.dir, "many-store")
	one := []string{b.tools.wasmtasks, "run", "-f", file, "--cache-dir", store}
	each := []string{b.tools.wasmtasks, "exec", "--cache-dir", store, p.cComponent}
	if _, err := timed(one); err != nil { // fills the store
		return "", err
	}
	var inOne, separate stats
	for range b.cfg.heavyRuns {
		d, err := timed(one)
		if err != nil {
			return "", err
		}
		inOne = append(inOne, d)
		start := time.Now()
		for range b.cfg.many {
			if _, err := timed(each); err != nil {
				return "", err
			}
		}
		separate = append(separate, time.Since(start))
	}
	var s strings.Builder
	fmt.Fprintf(&s, "### many: %d hello component tasks, warm store\n\n| how | total | min–max | vs one process |\n| --- | --- | --- | --- |\n", b.cfg.many)
	fmt.Fprintf(&s, "| one `wasmtasks run` process | %s | %s | 1× |\n", ms(inOne.median()), inOne.span())
	fmt.Fprintf(&s, "| %d `wasmtasks exec` processes | %s | %s | %s |\n", b.cfg.many, ms(separate.median()), separate.span(), ratio(separate.median(), inOne.median()))
	return s.String(), nil
}
