package tasks

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/wasmtasks/wasmtasks/runner"
)

var update = flag.Bool("update", false, "rewrite golden files")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		os.MkdirAll(filepath.Dir(path), 0o755)
		os.WriteFile(path, got, 0o644)
	}
	want, err := os.ReadFile(path)
	if err != nil || !bytes.Equal(got, want) {
		t.Errorf("%s differs (run with -update to accept)\n--- got\n%s--- want\n%s", path, got, want)
	}
}

func TestListGolden(t *testing.T) {
	p, err := Load(filepath.Join("testdata", "list", "wasmtasks.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var text, js bytes.Buffer
	p.List(&text)
	golden(t, "list.txt", text.Bytes())
	if err := p.ListJSON(&js); err != nil {
		t.Fatal(err)
	}
	golden(t, "list.json", js.Bytes())
}

func TestSummaryGolden(t *testing.T) {
	exit := func(code int) error {
		return &runner.ExitError{Code: code, Program: "fmt.wasm"}
	}
	sum := Summary{
		{Task: "generate", Status: Ran, Time: 1234 * time.Millisecond, Source: runner.Stored},
		{Task: "tables", Status: UpToDate, Time: 3 * time.Millisecond},
		{Task: "check-format", Status: Failed, Time: 87 * time.Millisecond, Source: runner.Memory, ExitCode: 1,
			Err: exit(1), Stderr: []string{"src/a.c:3: line too long", "src/b.c:9: tab used for indentation"}},
		{Task: "compress", Status: Cancelled, Time: 312 * time.Millisecond, Source: runner.Compiled, ExitCode: -1, Err: context.Canceled},
		{Task: "bad-pin", Status: Failed, Time: 2 * time.Millisecond, ExitCode: -1,
			Err: errors.New(`runner: module "tools/fmt.wasm": SHA-256 is 1234, but 5678 is pinned; update the pin if the new program is trusted`)},
		{Task: "release", Status: DepFailed, Cause: "check-format"},
		{Task: "publish", Status: NotRun},
	}
	var out bytes.Buffer
	sum.Print(&out)
	golden(t, "summary.txt", out.Bytes())
}
