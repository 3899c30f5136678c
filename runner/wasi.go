package runner

import (
	"context"
	"fmt"
	"io"
	"os"
	"path"
	"strings"

	"github.com/wasmtasks/wasmtasks/runner/internal/capi"
)

// wasiConfig translates the Cmd's fields into the binding's WASI settings.
// cleanup releases what it set up (the stdin pipe) and is never nil.
func (c *Cmd) wasiConfig(ctx context.Context) (*capi.WASI, func(), error) {
	w := &capi.WASI{Args: c.Args}
	if len(w.Args) == 0 {
		w.Args = []string{path.Base(c.Path)}
	}
	for _, a := range w.Args {
		if strings.IndexByte(a, 0) >= 0 {
			return nil, func() {}, fmt.Errorf("argument %q contains a NUL byte", a)
		}
	}
	env, err := splitEnv(c.Env)
	if err != nil {
		return nil, func() {}, err
	}
	w.Env = env
	dirs, err := preopens(c.Dirs)
	if err != nil {
		return nil, func() {}, err
	}
	w.Dirs = dirs
	switch c.Stdout {
	case nil:
	case os.Stdout:
		w.InheritStdout = true
	default:
		w.Stdout = c.Stdout
	}
	switch c.Stderr {
	case nil:
	case os.Stderr:
		w.InheritStderr = true
	default:
		w.Stderr = c.Stderr
	}
	cleanup, err := setStdin(ctx, w, c.Stdin)
	return w, cleanup, err
}

func splitEnv(env []string) ([][2]string, error) {
	out := make([][2]string, 0, len(env))
	for _, kv := range env {
		name, value, ok := strings.Cut(kv, "=")
		if !ok || name == "" {
			return nil, fmt.Errorf("environment entry %q is not NAME=value", kv)
		}
		if strings.IndexByte(kv, 0) >= 0 {
			return nil, fmt.Errorf("environment entry %q contains a NUL byte", name)
		}
		out = append(out, [2]string{name, value})
	}
	return out, nil
}

func preopens(dirs []Dir) ([]capi.Preopen, error) {
	out := make([]capi.Preopen, 0, len(dirs))
	seen := make(map[string]bool)
	for _, d := range dirs {
		if !path.IsAbs(d.Guest) {
			return nil, fmt.Errorf("dir %s: guest path %q is not absolute", d.Host, d.Guest)
		}
		guest := path.Clean(d.Guest)
		if seen[guest] {
			return nil, fmt.Errorf("dir %s: guest path %s is mapped twice", d.Host, guest)
		}
		seen[guest] = true
		fi, err := os.Stat(d.Host)
		if err != nil {
			return nil, fmt.Errorf("dir: %w", err)
		}
		if !fi.IsDir() {
			return nil, fmt.Errorf("dir %s: not a directory", d.Host)
		}
		out = append(out, capi.Preopen{Host: d.Host, Guest: guest, ReadOnly: d.ReadOnly})
	}
	return out, nil
}

// setStdin connects the guest's stdin. The C API reads stdin only from a
// file, so any reader other than os.Stdin is streamed into a pipe whose read
// end wasmtime opens by its /dev/fd path.
func setStdin(ctx context.Context, w *capi.WASI, r io.Reader) (func(), error) {
	switch r {
	case nil:
		return func() {}, nil
	case os.Stdin:
		w.InheritStdin = true
		return func() {}, nil
	}
	pr, pw, err := os.Pipe()
	if err != nil {
		return func() {}, fmt.Errorf("stdin: %w", err)
	}
	w.StdinFile = fmt.Sprintf("/dev/fd/%d", pr.Fd())
	go func() {
		// An error here means the guest stopped reading (the pipe closed):
		// what it did not read is not its business.
		_, _ = io.Copy(pw, r)
		pw.Close()
	}()
	// A cancelled guest blocked reading stdin sees end of file.
	stop := context.AfterFunc(ctx, func() { pw.Close() })
	return func() {
		stop()
		pr.Close()
	}, nil
}
