package source

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/wasmtasks/wasmtasks/internal/lazyre"
	"github.com/wasmtasks/wasmtasks/internal/safefs"
)

// exactVersion matches a semantic version or pseudo-version: what a module
// query names exactly, once and for all. Anything else (latest, a branch,
// a prefix like v1.2, a range) is a query whose answer moves.
var exactVersion = lazyre.New(`^v(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?(\+incompatible)?$`)

// fetchGo obtains a go: source.
func (f *Fetcher) fetchGo(ctx context.Context, spec Spec, pin *Pin) (string, Pin, error) {
	if err := checkPin(pin, "go", spec.Go); err != nil {
		return "", Pin{}, err
	}
	if isLocalPackage(spec.Go) {
		return f.fetchGoLocal(ctx, spec)
	}
	pkg, version, ok := strings.Cut(spec.Go, "@")
	if !ok || pkg == "" || version == "" {
		return "", Pin{}, failf(ErrSpec, spec.Go, nil, "a Go package outside the project needs a version: write %s@v1.2.3 (or @latest, which the lock then pins); a package of the project starts with ./", spec.Go)
	}
	if pin != nil {
		if p, ok := f.haveProgram(pin.SHA256); ok {
			return p, *pin, nil
		}
		if pin.Resolved != "" {
			version = pin.Resolved
		}
	}
	return f.goModule(ctx, spec.Go, pkg, version, pin)
}

// isLocalPackage reports whether ref names a package of the project.
func isLocalPackage(ref string) bool {
	return ref == "." || ref == ".." || strings.HasPrefix(ref, "./") || strings.HasPrefix(ref, "../")
}

// goModuleEntry is what go/<key>.json records of one build of a module
// version, so that the next Fetch without a pin finds it without go.
type goModuleEntry struct {
	Resolved, Go, SHA256 string
}

// goModule builds pkg at version (as ref names it) into the store.
func (f *Fetcher) goModule(ctx context.Context, ref, pkg, version string, pin *Pin) (string, Pin, error) {
	goPath, tkey, err := f.goCommand()
	if err != nil {
		return "", Pin{}, err
	}
	exact := exactVersion.MatchString(version)
	index := f.goIndexPath("module", pkg+"@"+version, tkey)
	if exact {
		var e goModuleEntry
		if readJSON(index, &e) == nil {
			if p, ok := f.haveProgram(e.SHA256); ok {
				got := Pin{Source: "go", Ref: ref, Resolved: e.Resolved, Go: e.Go, SHA256: e.SHA256}
				if err := matchGoPin(pin, got); err != nil {
					return "", Pin{}, err
				}
				return p, got, nil
			}
		}
	}
	bin, gover, err := f.goInstall(ctx, goPath, ref, pkg+"@"+version)
	if err != nil {
		return "", Pin{}, err
	}
	_, resolved := mainModule(bin)
	if !exactVersion.MatchString(resolved) {
		return "", Pin{}, failf(ErrBuild, ref, nil, "the built program does not say which module version it is (found %q)", resolved)
	}
	sum, p, err := f.putProgram(ref, bytes.NewReader(bin))
	if err != nil {
		return "", Pin{}, err
	}
	got := Pin{Source: "go", Ref: ref, Resolved: resolved, Go: gover, SHA256: sum}
	if exact {
		_ = writeJSON(index, goModuleEntry{Resolved: resolved, Go: gover, SHA256: sum})
	}
	if err := matchGoPin(pin, got); err != nil {
		return "", Pin{}, err
	}
	return p, got, nil
}

// matchGoPin refuses a program that the Go version of the pin built from
// the pinned module version but that differs from the pin: Go builds with
// -trimpath are reproducible, so the sources differ. Another Go version
// builds other bytes; that is no mismatch, and the caller updates the pin.
func matchGoPin(pin *Pin, got Pin) error {
	if pin == nil || pin.Go != got.Go || pin.SHA256 == got.SHA256 {
		return nil
	}
	return &MismatchError{Ref: got.Ref, Want: "sha256:" + pin.SHA256 + " (built by " + pin.Go + ")", Got: "sha256:" + got.SHA256}
}

// goInstall builds pkgAt (package@version) for wasip1 the way 'go install'
// does, in a temporary GOPATH (go will not install a cross-compiled
// program into GOBIN), and returns the program and the Go version.
func (f *Fetcher) goInstall(ctx context.Context, goPath, ref, pkgAt string) ([]byte, string, error) {
	tmp, err := os.MkdirTemp("", "wasmtasks-go-")
	if err != nil {
		return nil, "", fmt.Errorf("source: %w", err)
	}
	defer os.RemoveAll(tmp)
	ge, err := f.goEnv(ctx, goPath, tmp, ref, f.env())
	if err != nil {
		return nil, "", err
	}
	env := withEnv(f.env(), map[string]string{"GOOS": "wasip1", "GOARCH": "wasm", "GOPATH": tmp, "GOMODCACHE": ge.GOMODCACHE}, "GOBIN")
	if _, err := f.runGo(ctx, goPath, tmp, ref, env, "install", "-trimpath", pkgAt); err != nil {
		return nil, "", err
	}
	bin, err := onlyFile(filepath.Join(tmp, "bin", "wasip1_wasm"))
	if err != nil {
		return nil, "", failf(ErrBuild, ref, err, "go install made no program")
	}
	b, err := safefs.ReadRegular(bin, maxProgram, true)
	return b, ge.GOVERSION, err
}

// onlyFile returns the one file in dir.
func onlyFile(dir string) (string, error) {
	des, err := os.ReadDir(dir)
	if err != nil {
		return "", err
	}
	if len(des) != 1 {
		return "", fmt.Errorf("%s holds %d files, not one", dir, len(des))
	}
	return filepath.Join(dir, des[0].Name()), nil
}

// goIndexPath names the record of a build under go/ by what determines it.
func (f *Fetcher) goIndexPath(kind, what, toolchain string) string {
	h := sha256.Sum256([]byte(kind + "\x00" + what + "\x00" + toolchain))
	return filepath.Join(f.Dir, "go", hex.EncodeToString(h[:])+".json")
}

func readJSON(path string, v any) error {
	b, err := safefs.ReadRegular(path, 64<<20, true)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

func writeJSON(path string, v any) error {
	return writeAtomic(path, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "\t")
		return enc.Encode(v)
	})
}
