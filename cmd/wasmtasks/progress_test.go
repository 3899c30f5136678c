package main

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/wasmtasks/wasmtasks/internal/golden"
	"github.com/wasmtasks/wasmtasks/internal/testprog"
)

var (
	timeText = regexp.MustCompile(`\b[0-9.]+(ms|s)\b|<1ms|\b[0-9]+m[0-9]+s\b`)
	sizeText = regexp.MustCompile(`\b[0-9.]+ (KiB|MiB|B)\b`)
	// The table's columns are as wide as their widest time.
	tableGap = regexp.MustCompile(`(?m)^(\S.*?) {2,}`)
)

// TestRunProgress runs real tasks through the command, its stderr a pipe:
// plain progress lines and a short summary by default, the whole table
// with --summary full, only output and failures with --quiet; a wrong
// --summary is a usage error. The program compiles on each run (a store of
// its own), so that the compile's line is there.
func TestRunProgress(t *testing.T) {
	dir := taskDir(t, `version: 1
components:
  probe: {path: PROBE}
tasks:
  hello: {component: probe, args: [lines, "1", hi]}
  fails: {component: probe, args: [fail, "it broke"], deps: [hello]}
  after: {component: probe, args: [lines, "1", never], deps: [fails]}
`)
	for _, tt := range []struct {
		name   string
		flags  []string
		status int
	}{
		{"default", nil, 1},
		{"full", []string{"--summary", "full"}, 1},
		{"quiet", []string{"--quiet"}, 1},
		{"quiet-full", []string{"--quiet", "--summary=full"}, 1},
		{"bad-summary", []string{"--summary", "verbose"}, 2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"run", "-j", "1", "--cache-dir", t.TempDir()}, tt.flags...)
			r := wasmtasks(t, dir, "", append(args, "after")...)
			if r.status != tt.status {
				t.Errorf("exit status %d, want %d\n%s", r.status, tt.status, r.stderr)
			}
			text := strings.ReplaceAll(r.stderr, testprog.Component(t, "probe"), "PROBE")
			text = sizeText.ReplaceAllString(timeText.ReplaceAllString(text, "T"), "SIZE")
			for range 4 { // a row has 3 gaps
				text = tableGap.ReplaceAllString(text, "$1\t")
			}
			golden.Check(t, filepath.Join("testdata", "golden", "run-"+tt.name+".txt"), []byte(text))
		})
	}
}
