package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// samples are the runs of one command.
type samples []sample

func (s samples) walls() stats {
	var w stats
	for _, x := range s {
		w = append(w, x.wall)
	}
	return w
}

// peak is the largest peak RSS of the runs.
func (s samples) peak() int64 {
	var p int64
	for _, x := range s {
		p = max(p, x.rss)
	}
	return p
}

// realRow is one runtime's cold and warm runs of a real tool's job.
type realRow struct {
	runtime    string
	cold, warm samples
}

// realTools measures each real tool's job with wasmtasks and wazero, cold
// (an empty store, so the compile and its memory) and warm.
func (b *bench) realTools() (string, error) {
	var s strings.Builder
	fmt.Fprintf(&s, "### real tools: one job each, whole process (cold: empty store; peak RSS of the process)\n\n")
	fmt.Fprintf(&s, "| tool | runtime | cold | cold peak RSS | warm | warm min–max | warm peak RSS | vs wasmtasks, warm |\n| --- | --- | --- | --- | --- | --- | --- | --- |\n")
	for _, t := range b.real {
		log("real tool %s", t.name)
		rows := []realRow{{runtime: "wasmtasks"}, {runtime: "wazero (compiler)"}}
		cmds := []func(string) []string{
			func(store string) []string { return b.wasmtasksExec(t, store) },
			func(store string) []string {
				return append(append(append([]string{b.tools.wz, "-cache", store}, t.dirFlags()...), t.file), t.args...)
			},
		}
		for i := range rows {
			var err error
			if rows[i].cold, rows[i].warm, err = b.coldWarm(t.name, cmds[i]); err != nil {
				return "", fmt.Errorf("%s, %s: %w", t.name, rows[i].runtime, err)
			}
		}
		b.note("real cold "+t.name, rows[0].cold.walls().median())
		b.noteRSS("real cold "+t.name, rows[0].cold.peak())
		base := rows[0].warm.walls().median()
		for _, r := range rows {
			w := r.warm.walls()
			fmt.Fprintf(&s, "| %s %s (%s) | %s | %s | %s | %s | %s | %s | %s |\n", t.name, t.version, t.size(), r.runtime,
				ms(r.cold.walls().median()), mb(r.cold.peak()), ms(w.median()), w.span(), mb(r.warm.peak()), ratio(w.median(), base))
		}
	}
	return s.String(), nil
}

// wasmtasksExec is the command line of `wasmtasks exec` of a tool's job.
func (b *bench) wasmtasksExec(t realTool, store string) []string {
	args := append([]string{b.tools.wasmtasks, "exec", "--cache-dir", store}, t.dirFlags()...)
	return append(append(args, t.file), t.args...)
}

// coldWarm runs cmd b.cfg.realCold times on an empty store each, then
// b.cfg.realWarm times on the store the last cold run filled.
func (b *bench) coldWarm(name string, cmd func(store string) []string) (cold, warm samples, err error) {
	var store string
	for range b.cfg.realCold {
		store, err = os.MkdirTemp(b.dir, "real-store")
		if err != nil {
			return nil, nil, err
		}
		r, err := measured(cmd(store))
		if err != nil {
			return nil, nil, err
		}
		cold = append(cold, r)
	}
	for range b.cfg.realWarm {
		r, err := measured(cmd(store))
		if err != nil {
			return nil, nil, err
		}
		warm = append(warm, r)
	}
	return cold, warm, nil
}

// coldProject runs a task file of the three real tools' jobs (no deps
// between them) with an empty store: the cold run of a new project, whose
// programs wasmtasks compiles in parallel. It compares the wall time with
// the slowest and the sum of the single cold runs measured before.
func (b *bench) coldProject() (string, error) {
	file := filepath.Join(b.dir, "real-project.yaml")
	if err := os.WriteFile(file, []byte(b.realTaskFile()), 0o644); err != nil {
		return "", err
	}
	var runs samples
	for range b.cfg.realProject {
		store, err := os.MkdirTemp(b.dir, "project-store")
		if err != nil {
			return "", err
		}
		r, err := measured([]string{b.tools.wasmtasks, "run", "-f", file, "--cache-dir", store})
		if err != nil {
			return "", err
		}
		runs = append(runs, r)
		os.RemoveAll(store)
	}
	var sum, slowest time.Duration
	var names []string
	for _, t := range b.real {
		d := b.got("real cold " + t.name)
		sum += d
		if d > slowest {
			slowest = d
		}
		names = append(names, fmt.Sprintf("%s %s", t.name, ms(d)))
	}
	wall := runs.walls().median()
	b.note("project cold", wall)
	b.note("project slowest", slowest)
	b.note("project sum", sum)
	var s strings.Builder
	fmt.Fprintf(&s, "### cold project: the three real tools' jobs as three tasks of one `wasmtasks run`, empty store (median of %d)\n\n", len(runs))
	fmt.Fprintf(&s, "| what | time | peak RSS | vs slowest single cold run |\n| --- | --- | --- | --- |\n")
	fmt.Fprintf(&s, "| `wasmtasks run`, cold | %s (%s) | %s | %s |\n", ms(wall), runs.walls().span(), mb(runs.peak()), ratio(wall, slowest))
	fmt.Fprintf(&s, "| slowest single cold `exec` | %s | %s | 1× |\n", ms(slowest), mb(b.gotRSS("real cold Yosys")))
	fmt.Fprintf(&s, "| sum of the single cold `exec`s (%s) | %s | | %s |\n", strings.Join(names, ", "), ms(sum), ratio(sum, slowest))
	return s.String(), nil
}

// realTaskFile is the task file of the cold project.
func (b *bench) realTaskFile() string {
	var y strings.Builder
	y.WriteString("version: 1\ncomponents:\n")
	for _, t := range b.real {
		fmt.Fprintf(&y, "  %s:\n    path: %q\n    stdout: discard\n    args: [", strings.ToLower(t.name), t.file)
		for i, a := range t.args {
			if i > 0 {
				y.WriteString(", ")
			}
			fmt.Fprintf(&y, "%q", a)
		}
		y.WriteString("]\n    dirs:\n")
		for _, m := range t.dirs {
			fmt.Fprintf(&y, "      - {host: %q, guest: %q, readonly: %v}\n", m.host, m.guest, m.readOnly)
		}
	}
	y.WriteString("tasks:\n")
	for _, t := range b.real {
		fmt.Fprintf(&y, "  %s-job: {component: %s}\n", strings.ToLower(t.name), strings.ToLower(t.name))
	}
	return y.String()
}

// note records a measured value for the goals table.
func (b *bench) note(key string, d time.Duration) { b.values[key] = d }

// got returns a value [bench.note] recorded, 0 if none.
func (b *bench) got(key string) time.Duration { return b.values[key] }

func (b *bench) noteRSS(key string, n int64) { b.rss[key] = n }

func (b *bench) gotRSS(key string) int64 { return b.rss[key] }
