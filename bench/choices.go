package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/wasmtasks/wasmtasks/bench/internal/peerflags"
)

// choice is one way to compile: flags of the wtgo peer, which compiles
// with the same wasmtime as wasmtasks.
type choice struct {
	name  string
	flags []string
}

// choices are what v39's C API offers that changes generated code and
// could matter for a build tool: Cranelift's opt levels and its register
// allocator. (Dropping native unwind information, wtgo -unwind=false,
// saved under 2% of gofumpt's artifact: not worth a row.)
var choices = []choice{
	{"opt speed (wasmtime's default, wasmtasks')", []string{"-opt", "speed"}},
	{"opt none", []string{"-opt", "none"}},
	{"opt speed_and_size", []string{"-opt", "speed_and_size"}},
	{"single-pass register allocator", []string{"-cranelift", "regalloc_algorithm=single_pass"}},
}

// choiceResult is one choice measured on one tool.
type choiceResult struct {
	compile, run stats
	artifact     int
	rss          int64
	failed       bool // the job failed when run from this code
}

// jobVs is the job's time relative to base's.
func (r choiceResult) jobVs(base choiceResult) string {
	if r.failed {
		return "-"
	}
	return ratio(r.run.median(), base.run.median())
}

// job is the job's time, or why there is none.
func (r choiceResult) job() string {
	if r.failed {
		return "**failed**"
	}
	return ms(r.run.median())
}

// compileChoices compiles each real tool under each choice (cold: compile
// time, artifact size, peak RSS of the process) and runs its job from the
// artifact (the job's own time inside the process, without start-up).
func (b *bench) compileChoices() (string, error) {
	var s strings.Builder
	fmt.Fprintf(&s, "### compile choices on the real tools (wasmtime-go v39, the same wasmtime; compile: median of %d, job: median of %d runs from the artifact)\n\n", b.cfg.choiceCompiles, b.cfg.choiceRuns)
	fmt.Fprintf(&s, "| tool | choice | compile | peak RSS | artifact | job | compile vs default | job vs default |\n| --- | --- | --- | --- | --- | --- | --- | --- |\n")
	for _, t := range b.real {
		if !slices.Contains(b.cfg.choiceTools, t.name) {
			continue
		}
		var base choiceResult
		for i, c := range choices {
			log("compile choice %s on %s", c.name, t.name)
			r, err := b.measureChoice(t, c)
			if err != nil {
				return "", fmt.Errorf("%s, %s: %w", t.name, c.name, err)
			}
			if i == 0 {
				base = r
				b.noteRSS("compile "+t.name, r.rss)
				b.noteSize("artifact "+t.name, int64(r.artifact))
			}
			fmt.Fprintf(&s, "| %s | %s | %s | %s | %s | %s | %s | %s |\n", t.name, c.name, ms(r.compile.median()), mb(r.rss),
				mb(int64(r.artifact)), r.job(), ratio(r.compile.median(), base.compile.median()), r.jobVs(base))
		}
	}
	return s.String(), nil
}

// measureChoice compiles t's module with choice c into empty caches, then
// runs its job from the last one.
func (b *bench) measureChoice(t realTool, c choice) (choiceResult, error) {
	var res choiceResult
	statsFile := filepath.Join(b.dir, "choice-stats.json")
	var cache string
	cmd := func() []string {
		args := append([]string{b.tools.wtgo, "-stats", statsFile, "-cache", cache}, c.flags...)
		return append(append(append(args, t.dirFlags()...), t.file), t.args...)
	}
	for i := range b.cfg.choiceCompiles + b.cfg.choiceRuns {
		compiling := i < b.cfg.choiceCompiles
		if compiling {
			if cache != "" {
				os.RemoveAll(cache)
			}
			var err error
			if cache, err = os.MkdirTemp(b.dir, "choice"); err != nil {
				return res, err
			}
		}
		os.Remove(statsFile)
		r, runErr := measured(cmd())
		st, err := peerflags.ReadStats(statsFile)
		if runErr != nil && (err != nil || st.Run == 0) {
			return res, runErr // wtgo did not get as far as running the job
		}
		if runErr != nil {
			log("the job failed under this choice: %v", runErr)
			res.failed = true
		}
		if err != nil {
			return res, err
		}
		if compiling {
			res.compile = append(res.compile, st.Compile)
			res.artifact, res.rss = st.ArtifactBytes, max(res.rss, r.rss)
		} else {
			res.run = append(res.run, st.Run)
		}
	}
	os.RemoveAll(cache)
	return res, nil
}

func (b *bench) noteSize(key string, n int64) { b.rss[key] = n }
