package source

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"github.com/wasmtasks/wasmtasks/internal/filestamp"
	"github.com/wasmtasks/wasmtasks/internal/safefs"
)

// goSettings are the variables that change what the go command builds from
// the same sources (GOPROXY and the checksum settings only change where
// verified bytes come from, so they are not among them).
var goSettings = []string{"GO111MODULE", "GOEXPERIMENT", "GOFIPS140", "GOFLAGS", "GOROOT", "GOTOOLCHAIN", "GOWASM", "GOWORK", "GOENV"}

// goCommand returns the path of the go command and a key for everything
// about the toolchain that changes a build: the command's own file (a new
// Go release replaces it), the variables in goSettings and the go env
// file that 'go env -w' writes. It starts no process.
func (f *Fetcher) goCommand() (path, key string, err error) {
	name := f.GoCmd
	if name == "" {
		name = "go"
	}
	path, err = exec.LookPath(name)
	if err != nil {
		return "", "", failf(ErrBuild, name, err, "no go command; install Go, or put it on $PATH")
	}
	h := sha256.New()
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return "", "", failf(ErrBuild, name, err, "the go command cannot be found")
	}
	st, err := filestamp.Stat(real)
	if err != nil {
		return "", "", failf(ErrBuild, name, err, "the go command cannot be found")
	}
	json.NewEncoder(h).Encode(struct {
		Path  string
		Stamp filestamp.Stamp
		Env   []string
	}{real, st, f.goSettings()})
	h.Write(f.goEnvFile())
	return path, hex.EncodeToString(h.Sum(nil)), nil
}

func (f *Fetcher) goSettings() []string {
	var out []string
	for _, kv := range f.env() {
		name, _, _ := strings.Cut(kv, "=")
		if slices.Contains(goSettings, name) {
			out = append(out, kv)
		}
	}
	slices.Sort(out)
	return out
}

// goEnvFile returns the content of the file 'go env -w' writes.
func (f *Fetcher) goEnvFile() []byte {
	file := getenv(f.env(), "GOENV")
	if file == "off" {
		return nil
	}
	if file == "" {
		dir, err := os.UserConfigDir()
		if err != nil {
			return nil
		}
		file = filepath.Join(dir, "go", "env")
	}
	b, _ := safefs.ReadRegular(file, 1<<20, false)
	return b
}

func getenv(env []string, name string) string {
	v := ""
	for _, kv := range env {
		if k, val, ok := strings.Cut(kv, "="); ok && k == name {
			v = val
		}
	}
	return v
}

// withEnv returns env with the variables in set replaced and those in
// unset removed.
func withEnv(env []string, set map[string]string, unset ...string) []string {
	out := make([]string, 0, len(env)+len(set))
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		if _, ok := set[k]; !ok && !slices.Contains(unset, k) {
			out = append(out, kv)
		}
	}
	for k, v := range set {
		out = append(out, k+"="+v)
	}
	return out
}

// wasip1 is what every build targets.
var wasip1 = map[string]string{"GOOS": "wasip1", "GOARCH": "wasm"}

// runGo runs the go command at goPath in dir and returns its standard
// output; a failure carries its standard error.
func (f *Fetcher) runGo(ctx context.Context, goPath, dir, ref string, env []string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, goPath, args...)
	cmd.Dir = dir
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("source: %s: go %s: %w", ref, args[0], ctx.Err())
		}
		msg := strings.TrimSpace(stderr.String())
		if len(msg) > 4000 {
			msg = "…" + msg[len(msg)-4000:]
		}
		return nil, failf(ErrBuild, ref, nil, "go %s failed (%v); fix what it says, or check the package path and version:\n%s", args[0], err, msg)
	}
	return stdout.Bytes(), nil
}

// goEnv is what a build needs to know of the go command's settings.
type goEnv struct {
	GOVERSION, GOMODCACHE, GOWORK, GOROOT string
}

func (f *Fetcher) goEnv(ctx context.Context, goPath, dir, ref string, env []string) (goEnv, error) {
	var ge goEnv
	out, err := f.runGo(ctx, goPath, dir, ref, env, "env", "-json", "GOVERSION", "GOMODCACHE", "GOWORK", "GOROOT")
	if err == nil {
		err = json.Unmarshal(out, &ge)
	}
	return ge, err
}
