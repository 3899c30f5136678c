package tasks

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"strconv"

	"github.com/wasmtasks/wasmtasks/remotecache"
	"github.com/wasmtasks/wasmtasks/runner"
)

// The remote cache's settings outside the task file: the one definition
// that `wasmtasks run` flags, the environment and mage's Options share.
const (
	// EnvRemoteCache names the environment variable that replaces the
	// task file's remote_cache: URL, or turns the cache off with "off".
	EnvRemoteCache = "WASMTASKS_REMOTE_CACHE"
	// EnvRemoteCacheReadOnly names the environment variable (true or
	// false) that replaces the task file's read_only:.
	EnvRemoteCacheReadOnly = "WASMTASKS_REMOTE_CACHE_READ_ONLY"
	// RemoteCacheOff is the value of Options.RemoteCache, of
	// $WASMTASKS_REMOTE_CACHE and of --remote-cache that turns the remote
	// cache off.
	RemoteCacheOff = "off"
)

// ParseRemoteCache checks a value for Options.RemoteCache: "off", or the
// root URL of a cache (see [remotecache.ParseURL]).
func ParseRemoteCache(v string) error {
	if v == RemoteCacheOff {
		return nil
	}
	_, err := remotecache.ParseURL(v)
	return err
}

// ParseReadOnly reads a value for Options.RemoteCacheReadOnly: true or
// false, 1 or 0.
func ParseReadOnly(v string) (bool, error) {
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("want true or false (or 1 or 0)")
	}
	return b, nil
}

// remoteCache is the remote cache the options and the task file choose,
// by the one rule: Options.RemoteCache (a flag, or mage's Options with
// the environment's override) else the task file's remote_cache:; the
// same for read-only. Nil when there is none or it is off.
func (p *Project) remoteCache(o Options, log *slog.Logger) (*remotecache.Client, error) {
	url, readOnly := p.File.RemoteCache.URL, p.File.RemoteCache.ReadOnly
	fromFile := true
	switch o.RemoteCache {
	case RemoteCacheOff:
		return nil, nil
	case "":
	default:
		url, fromFile = o.RemoteCache, false
	}
	if url == "" {
		return nil, nil
	}
	if o.RemoteCacheReadOnly != nil {
		readOnly = *o.RemoteCacheReadOnly
	}
	c, err := remotecache.New(remotecache.Config{URL: url, ReadOnly: readOnly, Logger: log, URLFromSharedFile: fromFile})
	if err != nil {
		return nil, &UsageError{Msg: fmt.Sprintf("remote cache: %v", err)}
	}
	return c, nil
}

// sharedCode is the engine's [runner.CodeCache] on a remote cache: a
// program's compiled code (the store's blob) is one output file of an
// action keyed by the store's name for it.
type sharedCode struct{ c *remotecache.Client }

// codeFile is the name of the one output of a compiled-code action.
const codeFile = "compiled.wasmtasks"

// codeAction returns the action key of the compiled code stored under
// key: a name of its own, apart from every task's.
func codeAction(key string) string {
	h := sha256.Sum256([]byte("wasmtasks compiled code v1\n" + key))
	return hex.EncodeToString(h[:])
}

func (s sharedCode) GetCode(key string) []byte {
	ctx := context.Background() // each request is bounded by the client
	r, ok := s.c.ActionResult(ctx, codeAction(key))
	if !ok || len(r.OutputFiles) != 1 || r.OutputFiles[0].Path != codeFile {
		return nil
	}
	b, _ := s.c.Blob(ctx, r.OutputFiles[0].Digest)
	return b
}

func (s sharedCode) PutCode(key string, blob []byte) {
	d := remotecache.DigestOf(blob)
	s.c.Upload(codeAction(key), &remotecache.ActionResult{OutputFiles: []remotecache.OutputFile{{Path: codeFile, Digest: d}}}, blob)
}

// ShareCode connects eng to the remote cache that o (RemoteCache,
// RemoteCacheReadOnly, Logger) and the task file choose, for compiled
// code only: for front ends that compile without running tasks, like
// `wasmtasks compile`. The returned func waits a bounded time for the
// uploads and disconnects; call it when done. [NewRunner] does the same
// for its runs.
func (p *Project) ShareCode(eng *runner.Engine, o Options) (done func(), err error) {
	c, err := p.remoteCache(o, o.Logger)
	if err != nil || c == nil {
		return func() {}, err
	}
	return connect(eng, c), nil
}

// connect makes eng share compiled code through c, and returns the func
// that waits a bounded time for c's uploads and disconnects.
func connect(eng *runner.Engine, c *remotecache.Client) (disconnect func()) {
	eng.ShareCode(sharedCode{c})
	return func() {
		eng.ShareCode(nil)
		c.Close(remotecache.DefaultDrain)
	}
}
