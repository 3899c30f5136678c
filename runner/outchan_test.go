package runner_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/wasmtasks/wasmtasks/runner"
)

// TestParallelRunsKeepTheirOutput runs many short programs at once on one
// engine, over and over, so that the engine's output pipes pass from run
// to run: every run's writers get exactly its own output, all of it, and
// nothing of another run's, also when one writer takes stdout and stderr.
func TestParallelRunsKeepTheirOutput(t *testing.T) {
	eng := newEngine(t)
	paths := probes(t)
	const workers, runs = 8, 24
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for r := range runs {
				path := paths["module"]
				if (w+r)%2 == 1 {
					path = paths["component"]
				}
				tag := fmt.Sprintf("w%dr%d", w, r)
				if err := runTagged(eng, path, tag, 10+r*7, r%3 == 0); err != nil {
					errs[w] = err
					return
				}
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
}

// runTagged runs probe's "lines" with a tag and checks that its writers
// got exactly that output; shared gives stdout and stderr one writer.
func runTagged(eng *runner.Engine, path, tag string, lines int, shared bool) error {
	var out, errb strings.Builder
	cmd := eng.Command(path, "lines", fmt.Sprint(lines), tag)
	cmd.Stdout, cmd.Stderr = &out, &errb
	if shared {
		cmd.Stderr = &out
	}
	if _, err := cmd.Run(context.Background()); err != nil {
		return fmt.Errorf("%s: %w", tag, err)
	}
	var want strings.Builder
	for i := range lines {
		fmt.Fprintf(&want, "%s line %d of the output of %s\n", tag, i, tag)
	}
	if out.String() != want.String() || errb.Len() != 0 {
		return fmt.Errorf("%s: stdout %q, stderr %q; want stdout %q", tag, out.String(), errb.String(), want.String())
	}
	return nil
}

// signalWriter reports each write on a channel.
type signalWriter struct{ writes chan string }

func (w signalWriter) Write(p []byte) (int, error) {
	w.writes <- string(p)
	return len(p), nil
}

// TestOutputStreamsWhileTheGuestRuns: a guest that waits for more input
// after it wrote a line has that line delivered to the writer while it
// still runs (output is not held until the run ends). Nothing here is
// timed: the test waits for the line, then ends the guest's input.
func TestOutputStreamsWhileTheGuestRuns(t *testing.T) {
	eng := newEngine(t)
	for kind, path := range probes(t) {
		t.Run(kind, func(t *testing.T) {
			in, feed := io.Pipe()
			w := signalWriter{writes: make(chan string, 16)}
			cmd := eng.Command(path, "relay")
			cmd.Stdin, cmd.Stdout = in, w
			done := make(chan error, 1)
			go func() {
				_, err := cmd.Run(context.Background())
				done <- err
			}()
			fmt.Fprintln(feed, "ping")
			if got := <-w.writes; got != "ping\n" {
				t.Errorf("got %q, want ping", got)
			}
			feed.Close()
			if err := <-done; err != nil {
				t.Fatal(err)
			}
		})
	}
}
