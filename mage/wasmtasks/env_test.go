package wasmtasks

import (
	"errors"
	"testing"

	"github.com/wasmtasks/wasmtasks/tasks"
)

// TestEnvOverrides: each variable overrides its option, an empty one
// leaves the magefile's value, and a bad one is a usage error.
func TestEnvOverrides(t *testing.T) {
	base := tasks.Options{Jobs: 3, Output: tasks.Grouped, Summary: tasks.SummaryFull, KeepGoing: true}
	t.Setenv("WASMTASKS_JOBS", "1")
	t.Setenv("WASMTASKS_FORCE", "true")
	t.Setenv("WASMTASKS_KEEP_GOING", "0")
	t.Setenv("WASMTASKS_QUIET", "1")
	t.Setenv("WASMTASKS_OUTPUT", "")
	t.Setenv("WASMTASKS_SUMMARY", "failures")
	got, err := withEnv(base)
	want := tasks.Options{Jobs: 1, Force: true, KeepGoing: false, Quiet: true, Output: tasks.Grouped, Summary: tasks.SummaryFailures}
	if err != nil || got.Jobs != want.Jobs || got.Force != want.Force || got.KeepGoing != want.KeepGoing ||
		got.Quiet != want.Quiet || got.Output != want.Output || got.Summary != want.Summary {
		t.Errorf("withEnv = %+v, %v; want %+v", got, err, want)
	}
	t.Setenv("WASMTASKS_KEEP_GOING", "sometimes")
	_, err = withEnv(base)
	var ue *tasks.UsageError
	if !errors.As(err, &ue) {
		t.Errorf("a bad WASMTASKS_KEEP_GOING: %v, want a *tasks.UsageError", err)
	}
}

// TestEnvRemoteCache: the remote cache's variables override the
// magefile's options, with the values `wasmtasks run` takes.
func TestEnvRemoteCache(t *testing.T) {
	t.Setenv(tasks.EnvRemoteCache, "https://cache.example/team")
	t.Setenv(tasks.EnvRemoteCacheReadOnly, "1")
	got, err := withEnv(tasks.Options{RemoteCache: "http://127.0.0.1:1"})
	if err != nil || got.RemoteCache != "https://cache.example/team" || got.RemoteCacheReadOnly == nil || !*got.RemoteCacheReadOnly {
		t.Fatalf("withEnv = %+v, %v", got, err)
	}
	for name, v := range map[string]string{tasks.EnvRemoteCache: "cache.example", tasks.EnvRemoteCacheReadOnly: "perhaps"} {
		t.Run(name, func(t *testing.T) {
			t.Setenv(name, v)
			_, err := withEnv(tasks.Options{})
			var ue *tasks.UsageError
			if !errors.As(err, &ue) {
				t.Errorf("%s=%q: %v, want a *tasks.UsageError", name, v, err)
			}
		})
	}
}
