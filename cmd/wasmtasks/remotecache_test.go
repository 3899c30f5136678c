package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wasmtasks/wasmtasks/internal/testcache"
	"github.com/wasmtasks/wasmtasks/internal/testprog"
	"github.com/wasmtasks/wasmtasks/tasks"
)

// TestRemoteCacheCommand proves, through the command, that compile on one
// machine shares the code and run on another takes it ("remote" in the
// summary), and which of flag, environment and task file chooses the
// cache: the flag, else the environment, else the file.
func TestRemoteCacheCommand(t *testing.T) {
	key := filepath.Join(t.TempDir(), "team.key")
	os.WriteFile(key, []byte(strings.Repeat("c3", 32)), 0o600)
	t.Setenv("WASMTASKS_STORE_KEY_FILE", key)
	t.Setenv(tasks.EnvRemoteCache, "")
	t.Setenv(tasks.EnvRemoteCacheReadOnly, "")
	fileCache, envCache := testcache.Start(t), testcache.Start(t)
	dir := taskDir(t, "version: 1\nremote_cache: "+fileCache.URL+"\n"+strings.TrimPrefix(cliTasks, "version: 1\n"))
	store := func() string { return t.TempDir() } // a fresh machine's store
	run := func(status int, want string, args ...string) {
		t.Helper()
		r := wasmtasks(t, dir, "", args...)
		if r.status != status || !strings.Contains(r.stdout+r.stderr, want) {
			t.Fatalf("%q: exit %d (want %d), output lacks %q:\n%s%s", args, r.status, status, want, r.stdout, r.stderr)
		}
	}
	requests := func(c *testcache.Cache) int { return len(c.Log(t)) }

	run(0, "probe                component compiled", "compile", "--cache-dir", store())
	run(0, "hello  ok", "run", "--summary", "full", "--cache-dir", store(), "hello")
	run(0, "remote", "run", "--summary", "full", "--cache-dir", store(), "hello")
	if n := requests(envCache); n != 0 {
		t.Fatalf("the environment's cache got %d requests before it was named", n)
	}

	t.Setenv(tasks.EnvRemoteCache, envCache.URL)
	before := requests(fileCache)
	run(0, "compiled", "compile", "--cache-dir", store())
	if requests(fileCache) != before || requests(envCache) == 0 {
		t.Fatal("$WASMTASKS_REMOTE_CACHE did not replace the file's cache")
	}
	before = requests(envCache)
	run(0, "remote", "compile", "--cache-dir", store(), "--remote-cache", fileCache.URL)
	if requests(envCache) != before {
		t.Fatal("--remote-cache did not win over the environment")
	}
	before, beforeFile := requests(envCache), requests(fileCache)
	run(0, "compiled", "compile", "--cache-dir", store(), "--no-remote-cache")
	if requests(envCache) != before || requests(fileCache) != beforeFile {
		t.Fatal("--no-remote-cache still asked a cache")
	}

	t.Setenv(tasks.EnvRemoteCacheReadOnly, "true")
	puts := len(envCache.Requests(t, "PUT"))
	run(0, "compiled", "compile", "--cache-dir", store(), "-f", writeOther(t, dir))
	if len(envCache.Requests(t, "PUT")) != puts {
		t.Fatal("a read-only run wrote to the cache")
	}

	run(2, "--remote-cache \"ftp://cache.example\"", "run", "--remote-cache", "ftp://cache.example", "hello")
	t.Setenv(tasks.EnvRemoteCache, "https://user:pw@cache.example")
	run(2, "$WASMTASKS_REMOTE_CACHE", "run", "hello")
	t.Setenv(tasks.EnvRemoteCache, "")
	t.Setenv(tasks.EnvRemoteCacheReadOnly, "perhaps")
	run(2, "$WASMTASKS_REMOTE_CACHE_READ_ONLY=\"perhaps\"", "run", "hello")
}

// writeOther writes a task file beside dir's whose program is another
// (the probe as a module), so that nothing is in the cache for it yet.
func writeOther(t *testing.T, dir string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "wasmtasks.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Replace(string(b), testprog.Component(t, "probe"), testprog.Module(t, "probe"), 1)
	if text == string(b) {
		t.Fatal("no component path to replace")
	}
	path := filepath.Join(dir, "other.yaml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
