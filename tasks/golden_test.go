package tasks

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/wasmtasks/wasmtasks/internal/golden"
	"github.com/wasmtasks/wasmtasks/runner"
)

// checkGolden compares got with testdata/golden/name.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	golden.Check(t, filepath.Join("testdata", "golden", name), got)
}

func TestListGolden(t *testing.T) {
	p, err := Load(filepath.Join("testdata", "list", "wasmtasks.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var text, js bytes.Buffer
	p.List(&text)
	checkGolden(t, "list.txt", text.Bytes())
	if err := p.ListJSON(&js); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "list.json", js.Bytes())
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
	checkGolden(t, "summary.txt", out.Bytes())
}
