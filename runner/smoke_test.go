package runner_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/wasmtasks/wasmtasks/internal/testprog"
	"github.com/wasmtasks/wasmtasks/runner"
)

func TestSmoke(t *testing.T) {
	eng, err := runner.NewEngine(runner.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	for _, p := range []string{testprog.Module(t, "probe"), testprog.Component(t, "probe")} {
		for _, args := range [][]string{{"args", "a", "b"}, {"exit", "3"}, {"trap"}, {"env"}} {
			cmd := eng.Command(p, args...)
			var out, errb bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &errb
			cmd.Env = []string{"A=1"}
			res, err := cmd.Run(context.Background())
			t.Logf("%v: %+v err=%v\nout=%q err=%q", args, res, err, out.String(), errb.String())
		}
	}
}
