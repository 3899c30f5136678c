package runner_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wasmtasks/wasmtasks/runner"
)

// stopBound is how long a stopped spinner may take before the test calls it
// stuck. The goal is ~100 ms; the bound is loose because CI machines are
// shared, and the measured latency is logged.
const stopBound = 5 * time.Second

func TestTimeoutStopsSpinningGuest(t *testing.T) {
	eng := newEngine(t)
	for kind, path := range probes(t) {
		t.Run(kind, func(t *testing.T) {
			cmd := eng.Command(path, "spin")
			cmd.Timeout = 200 * time.Millisecond
			res, _, _, err := run(t, cmd)
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("got %v, want an error matching context.DeadlineExceeded", err)
			}
			var ee *runner.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != -1 || res.ExitCode != -1 {
				t.Errorf("got %#v (exit %d), want *ExitError with code -1", err, res.ExitCode)
			}
			late := res.Run - cmd.Timeout
			t.Logf("stopped %v after the deadline", late)
			if late > stopBound {
				t.Errorf("guest ran %v past its timeout", late)
			}
		})
	}
}

func TestCancelStopsSpinningGuest(t *testing.T) {
	eng := newEngine(t)
	for kind, path := range probes(t) {
		t.Run(kind, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			var cancelled time.Time
			go func() {
				time.Sleep(150 * time.Millisecond)
				cancelled = time.Now()
				cancel()
			}()
			_, err := eng.Command(path, "spin").Run(ctx)
			stopped := time.Now()
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("got %v, want an error matching context.Canceled", err)
			}
			t.Logf("stopped %v after cancel", stopped.Sub(cancelled))
			if stopped.Sub(cancelled) > stopBound {
				t.Errorf("guest ran %v after cancel", stopped.Sub(cancelled))
			}
		})
	}
}

func TestCancelledContextRunsNothing(t *testing.T) {
	eng := newEngine(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := eng.Command(probes(t)["module"]).Run(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
}

func TestMemoryLimit(t *testing.T) {
	eng := newEngine(t)
	for kind, path := range probes(t) {
		t.Run(kind, func(t *testing.T) {
			cmd := eng.Command(path, "alloc", "1024")
			_, out, errs, err := run(t, cmd)
			if err != nil || !strings.HasPrefix(out, "allocated 1024 MiB") {
				t.Fatalf("1 GiB without a limit: %v, stdout %q, stderr %q", err, out, errs)
			}

			cmd = eng.Command(path, "alloc", "1024")
			cmd.MemoryLimit = 128 << 20
			res, out, errs, err := run(t, cmd)
			var ee *runner.ExitError
			if !errors.As(err, &ee) || res.ExitCode != 1 {
				t.Fatalf("1 GiB with a 128 MiB limit: got %v (exit %d), want exit 1", err, res.ExitCode)
			}
			if out != "" || !strings.Contains(errs, "out of memory after") {
				t.Errorf("guest did not see out-of-memory: stdout %q, stderr %q", out, errs)
			}
			var got int
			fmt.Sscanf(errs, "out of memory after %d MiB", &got)
			if got < 100 || got > 128 {
				t.Errorf("guest got %d MiB under a 128 MiB limit", got)
			}
		})
	}
}

func TestConcurrentRuns(t *testing.T) {
	eng := newEngine(t)
	paths := probes(t)
	const n = 16
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			path := paths["module"]
			if i%2 == 1 {
				path = paths["component"]
			}
			want := fmt.Sprintf("run-%d", i)
			cmd := eng.Command(path, "args", want)
			var out strings.Builder
			cmd.Stdout = &out
			cmd.Stdin = strings.NewReader("ignored")
			if _, err := cmd.Run(context.Background()); err != nil {
				errs[i] = err
				return
			}
			if !strings.HasSuffix(out.String(), "\nargs\n"+want+"\n") {
				errs[i] = fmt.Errorf("run %d got output %q", i, out.String())
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
}
