package tasks

import (
	"github.com/wasmtasks/wasmtasks/internal/exitcode"

	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/wasmtasks/wasmtasks/internal/safefs"
	"github.com/wasmtasks/wasmtasks/runner"
	"github.com/wasmtasks/wasmtasks/schema"
	"github.com/wasmtasks/wasmtasks/source"
)

// LockMode says what [Project.Resolve] does with wasmtasks.lock.
type LockMode int

const (
	// LockCheck uses the lock's pins and refuses a program that differs
	// from its pin; it writes nothing (validate, --dry-run).
	LockCheck LockMode = iota
	// LockAdd is LockCheck that also records the pins the lock lacks, and
	// writes the lock when it is absent (run, compile, fetch).
	LockAdd
	// LockUpdate resolves the components afresh, ignoring their pins, and
	// writes what they resolved to (wasmtasks lock).
	LockUpdate
)

// SourcesFolder is the folder of the store of compiled code in which the
// programs that come from go:, url: and oci: are kept.
const SourcesFolder = "sources"

// ErrPin is matched by the error for a program whose SHA-256 is not the
// one the task file's sha256: names.
var ErrPin = errors.New("the program does not match its sha256 pin")

// ResolveOptions configure [Project.Resolve].
type ResolveOptions struct {
	// Fetcher obtains the programs of go:, url: and oci: components; it
	// may be nil when no component has such a source.
	Fetcher *source.Fetcher
	// Mode says what to do with the lock file.
	Mode LockMode
	// Digest returns the hex SHA-256 of a program file; nil hashes it.
	// A Runner passes its engine's, which remembers it for the run.
	Digest func(path string) (string, error)
	// StoreDir and Progress make the fetcher ([NewFetcher]) when Fetcher
	// is nil and one is needed; an empty StoreDir means [Project.StoreDir]'s
	// default.
	StoreDir string
	Progress io.Writer
}

// NewFetcher returns the fetcher that keeps programs in the sources folder
// of the store in storeDir ([Project.StoreDir]). The store's folder is
// checked as the engine checks it, and the sources folder (made 0700) must
// be a folder of this user's that no one else can write: a program planted
// there would run. progress receives download progress; nil means quiet.
func NewFetcher(storeDir string, progress io.Writer) (*source.Fetcher, error) {
	st, err := runner.OpenStore(storeDir, 0, nil)
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(st.Dir(), SourcesFolder)
	if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("sources: %w", err)
	}
	if err := checkOwnFolder(dir); err != nil {
		return nil, err
	}
	return &source.Fetcher{Dir: dir, Progress: progress}, nil
}

// checkOwnFolder refuses a folder that is a symbolic link, is another
// user's, or that others may write into.
func checkOwnFolder(dir string) error {
	fi, err := os.Lstat(dir)
	if err != nil {
		return fmt.Errorf("sources: %w", err)
	}
	uid, hasOwner := safefs.Owner(fi)
	switch {
	case !fi.IsDir():
		return fmt.Errorf("sources: %s is not a folder; remove it", dir)
	case hasOwner && uid != os.Getuid():
		return fmt.Errorf("%w: sources: %s belongs to %s, who could plant programs in it; remove it", runner.ErrUnsafeStore, dir, safefs.UserName(uid))
	case safefs.Perm(fi)&0o022 != 0:
		return fmt.Errorf("%w: sources: others may write into %s and plant programs in it; chmod 700 it", runner.ErrUnsafeStore, dir)
	}
	return nil
}

// newFetcher makes the fetcher on the store that StoreDir names for flag.
func (p *Project) newFetcher(flag string, progress io.Writer) (*source.Fetcher, error) {
	dir, err := p.StoreDir(flag)
	if err != nil {
		return nil, fmt.Errorf("tasks: programs from go:, url: and oci: are kept in the store, and there is none: %w", err)
	}
	return NewFetcher(dir, progress)
}

// needsFetcher reports whether a component's program or a folder comes
// from a source.
func (p *Project) needsFetcher() bool {
	for _, c := range p.File.Components {
		if c.HasSource() {
			return true
		}
	}
	return false
}

// LockPath is where the project's lock file is: beside the task file.
func (p *Project) LockPath() string { return filepath.Join(p.File.Dir, source.LockName) }

// Resolve obtains the program of each named component (every one when
// names is empty) and the archive folders their tasks mount, checks them
// against the task file's sha256: and the pins of wasmtasks.lock, and
// writes the lock as opts.Mode says. Nothing may run when it fails: its
// error is [ResolveErrors], exit status 2. A component resolved before (by
// an earlier call) is not resolved again unless the mode is LockUpdate.
func (p *Project) Resolve(ctx context.Context, opts ResolveOptions, names ...string) error {
	comps, err := p.components(names)
	if err != nil {
		return err
	}
	lock, err := p.readLock()
	if err != nil {
		return err
	}
	if opts.Digest == nil {
		opts.Digest = hashPath
	}
	if opts.Fetcher == nil && p.needsFetcher() {
		if opts.Fetcher, err = p.newFetcher(opts.StoreDir, opts.Progress); err != nil {
			return err
		}
	}
	var errs ResolveErrors
	changed := false
	for _, c := range comps {
		pin, err := p.resolveOne(ctx, c, lock, opts)
		if err != nil {
			errs = append(errs, &ComponentError{File: p.File.Path, Component: c.Name, Pos: c.Pos, Err: err})
			continue
		}
		if pin != nil && lock.Components[c.Name] != *pin {
			lock.Components[c.Name] = *pin
			changed = true
		}
	}
	if opts.Mode == LockUpdate && len(names) == 0 {
		changed = p.dropStale(lock) || changed
	}
	if changed && opts.Mode != LockCheck {
		if err := lock.Write(p.LockPath()); err != nil {
			errs = append(errs, &ComponentError{File: p.File.Path, Err: err})
		}
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}

// components returns the named components in file order, or all of them.
func (p *Project) components(names []string) ([]*schema.Component, error) {
	if len(names) == 0 {
		return p.File.Components, nil
	}
	want := map[string]bool{}
	for _, n := range names {
		if p.comps[n] == nil {
			return nil, &UsageError{fmt.Sprintf("no component %q in %s", n, p.File.Path)}
		}
		want[n] = true
	}
	var out []*schema.Component
	for _, c := range p.File.Components {
		if want[c.Name] {
			out = append(out, c)
		}
	}
	return out, nil
}

// readLock reads wasmtasks.lock; a missing one is an empty lock.
func (p *Project) readLock() (*source.Lock, error) {
	lock, err := source.ReadLock(p.LockPath())
	if errors.Is(err, fs.ErrNotExist) {
		return &source.Lock{Components: map[string]source.Pin{}}, nil
	}
	return lock, err
}

// dropStale removes the pins of components that no longer come from a
// pinned source.
func (p *Project) dropStale(lock *source.Lock) bool {
	changed := false
	for name := range lock.Components {
		if c := p.comps[name]; c == nil || !pinned(c) {
			delete(lock.Components, name)
			changed = true
		}
	}
	return changed
}

// pinned reports whether the lock records the component's program: every
// source but path: and a package of the project, whose sources are the
// project's own and change with every edit.
func pinned(c *schema.Component) bool {
	return c.HasSource() && !(c.Go != "" && isLocalGo(string(c.Go)))
}

func isLocalGo(ref string) bool {
	return ref == "." || ref == ".." || strings.HasPrefix(ref, "./") || strings.HasPrefix(ref, "../")
}

// resolveOne obtains one component's program and archive folders and
// returns the pin to record, if any.
func (p *Project) resolveOne(ctx context.Context, c *schema.Component, lock *source.Lock, opts ResolveOptions) (*source.Pin, error) {
	if _, ok := p.resolvedProgram(c.Name); ok && opts.Mode != LockUpdate {
		return nil, nil
	}
	if !c.HasSource() {
		if c.SHA256 != "" {
			sum, err := opts.Digest(c.Path.Abs)
			if err != nil {
				return nil, err
			}
			if err := checkSHA(c, sum); err != nil {
				return nil, err
			}
		}
		// The runner checks the pin again on the bytes it loads.
		p.setProgram(c.Name, resolved{path: c.Path.Abs, sha256: string(c.SHA256)})
		return nil, p.resolveFolders(ctx, c, opts.Fetcher)
	}
	if opts.Fetcher == nil {
		return nil, errors.New("tasks: no fetcher for programs from sources")
	}
	var pin *source.Pin
	if old, ok := lock.Components[c.Name]; ok && opts.Mode != LockUpdate && pinned(c) {
		pin = &old
	}
	path, got, err := opts.Fetcher.Fetch(ctx, specOf(c, p.File.Dir), pin)
	if err != nil {
		return nil, err
	}
	if c.URL == "" && c.OCI == "" {
		if err := checkSHA(c, got.SHA256); err != nil {
			return nil, err
		}
	}
	p.setProgram(c.Name, resolved{path: path, sha256: got.SHA256})
	if err := p.resolveFolders(ctx, c, opts.Fetcher); err != nil {
		return nil, err
	}
	if !pinned(c) {
		return nil, nil
	}
	return &got, nil
}

// checkSHA compares a program's digest with the task file's sha256:.
func checkSHA(c *schema.Component, sum string) error {
	if c.SHA256 == "" || string(c.SHA256) == sum {
		return nil
	}
	return fmt.Errorf("%w: the program's SHA-256 is %s but sha256: in the task file is %s; if the new program is trusted, write its digest into sha256:", ErrPin, sum, c.SHA256)
}

// specOf is what the task file says of a component's source.
func specOf(c *schema.Component, dir string) source.Spec {
	s := source.Spec{Go: string(c.Go), URL: string(c.URL), OCI: string(c.OCI), File: string(c.File), Dir: dir}
	if c.URL != "" || c.OCI != "" {
		s.SHA256 = string(c.SHA256) // go: pins are checked here, not by source
	}
	return s
}

// resolveFolders unpacks the archive folders that the component and the
// tasks that run it mount.
func (p *Project) resolveFolders(ctx context.Context, c *schema.Component, f *source.Fetcher) error {
	dirs := c.Dirs
	for _, t := range p.File.Tasks {
		if t.Component.Name == c.Name {
			dirs = append(dirs[:len(dirs):len(dirs)], t.Dirs...)
		}
	}
	for _, d := range dirs {
		if d.Archive.Name == "" {
			continue
		}
		if f == nil {
			return errors.New("tasks: no fetcher for archive folders")
		}
		a := p.comps[d.Archive.Name]
		host, err := f.ArchiveDir(ctx, specOf(a, p.File.Dir), string(d.Path))
		if err != nil {
			return fmt.Errorf("archive folder %s of %q: %w", d.Path, a.Name, err)
		}
		id, err := filepath.Rel(f.Dir, host)
		if err != nil {
			id = host
		}
		p.setFolder(d, archiveFolder{host: host, id: filepath.ToSlash(id)})
	}
	return nil
}

// resolved is where a component's program is and its digest.
type resolved struct {
	path, sha256 string
}

func (p *Project) setProgram(name string, r resolved) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.programs[name] = r
}

func (p *Project) resolvedProgram(name string) (resolved, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	r, ok := p.programs[name]
	return r, ok
}

func folderKey(d *schema.Dir) string { return d.Archive.Name + "\x00" + string(d.Path) }

// archiveFolder is where an archive folder was unpacked, and its name in
// the store (it holds the archive's digest), which fingerprints use so that
// they do not depend on where the store is.
type archiveFolder struct {
	host, id string
}

func (p *Project) setFolder(d *schema.Dir, f archiveFolder) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.folders[folderKey(d)] = f
}

func (p *Project) folder(d *schema.Dir) archiveFolder {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.folders[folderKey(d)]
}

// Program returns the path of the component's program once [Project.Resolve]
// obtained it, else "".
func (p *Project) Program(component string) string {
	r, _ := p.resolvedProgram(component)
	return r.path
}

// ComponentError is why a component's program could not be obtained, or
// does not match its pin in the task file or the lock: nothing runs.
type ComponentError struct {
	File      string
	Component string // "" for the lock file itself
	Pos       schema.Pos
	Err       error
}

func (e *ComponentError) Error() string {
	if e.Component == "" {
		return e.Err.Error()
	}
	var mm *source.MismatchError
	if errors.As(e.Err, &mm) {
		return fmt.Sprintf("%s:%s: component %q: %s: %s pins %s, but found %s; if the change is intended, run 'wasmtasks lock %s' to update the pin",
			e.File, e.Pos, e.Component, mm.Ref, source.LockName, mm.Want, mm.Got, e.Component)
	}
	return fmt.Sprintf("%s:%s: component %q: %v", e.File, e.Pos, e.Component, e.Err)
}

// Unwrap returns the cause: a source error, a *source.MismatchError or ErrPin.
func (e *ComponentError) Unwrap() error { return e.Err }

// ExitStatus is 2: nothing runs until the source, the pin or the lock is fixed.
func (e *ComponentError) ExitStatus() int { return exitcode.Usage }

// ResolveErrors are the problems [Project.Resolve] found, one a component.
type ResolveErrors []*ComponentError

func (es ResolveErrors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap returns the problems, for errors.Is and errors.As.
func (es ResolveErrors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// ExitStatus is 2: nothing ran.
func (es ResolveErrors) ExitStatus() int { return exitcode.Usage }
