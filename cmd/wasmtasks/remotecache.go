package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/wasmtasks/wasmtasks/tasks"
)

// remoteCacheFlags are the flags that choose the remote cache; each wins
// over its environment variable, which wins over the task file.
type remoteCacheFlags struct {
	url      string
	off      bool
	readOnly optionalBool
}

func (f *remoteCacheFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.url, "remote-cache", "", "share task results (and compiled code, under a team key) through the Bazel HTTP cache at `URL`, or off (default: $"+tasks.EnvRemoteCache+", else the task file's remote_cache)")
	fs.BoolVar(&f.off, "no-remote-cache", false, "do not use a remote cache (same as --remote-cache off)")
	fs.Var(&f.readOnly, "remote-cache-read-only", "only read from the remote cache, never write; =false to write (default: $"+tasks.EnvRemoteCacheReadOnly+", else the task file's read_only)")
}

// apply sets opts from the flags, else from the environment; a bad value
// is a usage error (exit 2) that names where it came from.
func (f *remoteCacheFlags) apply(opts *tasks.Options) error {
	url, from := f.url, "--remote-cache"
	if f.off {
		url = tasks.RemoteCacheOff
	}
	if url == "" {
		url, from = os.Getenv(tasks.EnvRemoteCache), "$"+tasks.EnvRemoteCache
	}
	if url != "" {
		if err := tasks.ParseRemoteCache(url); err != nil {
			return usageError(fmt.Sprintf("%s %q: %v", from, url, err))
		}
		opts.RemoteCache = url
	}
	if f.readOnly.set {
		opts.RemoteCacheReadOnly = &f.readOnly.value
	} else if v := os.Getenv(tasks.EnvRemoteCacheReadOnly); v != "" {
		b, err := tasks.ParseReadOnly(v)
		if err != nil {
			return usageError(fmt.Sprintf("$%s=%q: %v", tasks.EnvRemoteCacheReadOnly, v, err))
		}
		opts.RemoteCacheReadOnly = &b
	}
	return nil
}

// optionalBool is a boolean flag that knows whether it was given.
type optionalBool struct {
	value, set bool
}

func (b *optionalBool) String() string {
	if b == nil || !b.set {
		return ""
	}
	return fmt.Sprint(b.value)
}

func (b *optionalBool) Set(v string) error {
	var err error
	b.value, err = tasks.ParseReadOnly(v)
	b.set = err == nil
	return err
}

func (b *optionalBool) IsBoolFlag() bool { return true }
