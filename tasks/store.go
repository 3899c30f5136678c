package tasks

import (
	"cmp"
	"fmt"
	"log/slog"
	"net/url"
	"path"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/wasmtasks/wasmtasks/internal/bytesize"
	"github.com/wasmtasks/wasmtasks/runner"
	"github.com/wasmtasks/wasmtasks/schema"
	"github.com/wasmtasks/wasmtasks/source"
)

// Store is the whole store in one folder: compiled code ([runner.Store])
// and the programs that go:, url: and oci: sources obtained (the
// [SourcesFolder], a [source.Fetcher]'s). `wasmtasks cache` and mage's
// cache targets look at it, shrink it and clear it as one.
//
// One cap holds for the whole folder, and compiled code goes first when it
// must shrink: it is made again from a program in milliseconds to
// seconds, while a source may need the network, which `wasmtasks fetch`
// promised later runs would not.
type Store struct {
	code    *runner.Store
	sources *source.Fetcher
	log     *slog.Logger
}

// OpenStore opens the store in dir (an empty dir means
// [runner.DefaultStoreDir]) as [runner.OpenStore] does, with its sources
// folder. maxBytes caps the whole store; 0 means
// [runner.DefaultStoreMaxBytes].
func OpenStore(dir string, maxBytes int64, log *slog.Logger) (*Store, error) {
	code, err := runner.OpenStore(dir, maxBytes, log)
	if err != nil {
		return nil, err
	}
	sources, err := NewFetcher(code.Dir(), nil)
	if err != nil {
		return nil, err
	}
	return &Store{code: code, sources: sources, log: log}, nil
}

// Dir returns the store's folder, made absolute.
func (s *Store) Dir() string { return s.code.Dir() }

// StoreInfo is what `wasmtasks cache info` prints.
type StoreInfo struct {
	Code    runner.StoreInfo
	Sources source.Usage
}

// Info reports the compiled code and the sources of the store.
func (s *Store) Info() (StoreInfo, error) {
	code, err := s.code.Info()
	if err != nil {
		return StoreInfo{}, err
	}
	src, err := s.sources.Usage()
	return StoreInfo{Code: code, Sources: src}, err
}

// String shows the information as `wasmtasks cache info` prints it, with
// the five biggest entries.
func (i StoreInfo) String() string {
	var b strings.Builder
	u := i.Sources
	fmt.Fprintf(&b, "folder:   %s\n", i.Code.Dir)
	fmt.Fprintf(&b, "compiled: %d entries, %s\n", i.Code.Entries, bytesize.Format(i.Code.Bytes))
	fmt.Fprintf(&b, "sources:  %d programs, %d downloads, %d unpacked archives, %s\n",
		u.Programs, u.Downloads, u.Archives, bytesize.Format(u.Bytes))
	fmt.Fprintf(&b, "size:     %s of %s\n", bytesize.Format(i.Code.Bytes+u.Bytes), bytesize.Format(i.Code.MaxBytes))
	if big := i.largest(5); len(big) > 0 {
		b.WriteString("largest:\n")
		names, width := make([]string, len(big)), 0
		for k, e := range big {
			names[k] = shownName(e.Program)
			width = max(width, utf8.RuneCountInString(names[k]))
		}
		for k, e := range big {
			fmt.Fprintf(&b, "  %10s  %-*s  %s\n", bytesize.Format(e.Bytes), width, names[k], e.Path)
		}
	}
	return b.String()
}

// largest returns the n biggest entries of either kind, paths relative to
// the store's folder, with the program they hold when the store's records
// name it.
func (i StoreInfo) largest(n int) []runner.StoreEntry {
	all := slices.Clone(i.Code.Largest)
	for _, e := range i.Sources.Entries {
		var name string
		if hex, ok := strings.CutPrefix(e.Path, "programs/sha256/"); ok {
			name = i.Code.Programs[strings.TrimSuffix(hex, ".wasm")]
		}
		all = append(all, runner.StoreEntry{Path: path.Join(SourcesFolder, e.Path), Bytes: e.Bytes, Program: name})
	}
	slices.SortStableFunc(all, func(a, b runner.StoreEntry) int { return cmp.Compare(b.Bytes, a.Bytes) })
	return all[:min(n, len(all))]
}

// Pruned says what [Store.Prune] removed.
type Pruned struct {
	CodeFiles, SourceEntries int
	CodeBytes, SourceBytes   int64
}

// String shows what was removed as `wasmtasks cache prune` prints it.
func (p Pruned) String() string {
	return fmt.Sprintf("removed %d files, freed %s (compiled code: %d files, %s; sources: %d entries, %s)\n",
		p.CodeFiles+p.SourceEntries, bytesize.Format(p.CodeBytes+p.SourceBytes),
		p.CodeFiles, bytesize.Format(p.CodeBytes), p.SourceEntries, bytesize.Format(p.SourceBytes))
}

// Prune shrinks the whole store to its cap: compiled code first, least
// recently used first, down to what the sources leave of the cap; then
// the sources, least recently used first, if they alone exceed it. A
// program removed while another process runs it is fetched again by the
// next run ([source.Fetcher.Prune]).
func (s *Store) Prune() (Pruned, error) {
	var p Pruned
	before, err := s.code.Info()
	if err != nil {
		return p, err
	}
	src, err := s.sources.Usage()
	if err != nil {
		return p, err
	}
	// A cap of 1 byte holds no entry; 0 would mean the default.
	code, err := runner.OpenStore(s.Dir(), max(1, before.MaxBytes-src.Bytes), s.log)
	if err != nil {
		return p, err
	}
	if p.CodeFiles, p.CodeBytes, err = code.Prune(); err != nil {
		return p, err
	}
	after, err := s.code.Info()
	if err != nil {
		return p, err
	}
	p.SourceEntries, p.SourceBytes, err = s.sources.Prune(before.MaxBytes - after.Bytes)
	return p, err
}

// Clear removes the compiled code and the sources, only in a folder that
// wasmtasks marked as a store ([runner.Store.Clear]).
func (s *Store) Clear() error {
	if err := s.code.Clear(); err != nil {
		return err
	}
	return s.sources.Clear()
}

// sourceName is how the store's records name a component's program (see
// [runner.Cmd.Name]): its source as the task file has it, or the path of
// its file. A URL loses what could be a secret: user, password and query.
func sourceName(c *schema.Component) string {
	switch {
	case c == nil:
		return ""
	case c.Path.IsSet():
		return c.Path.Abs
	case c.Go != "":
		return "go:" + string(c.Go)
	case c.OCI != "":
		return "oci:" + string(c.OCI)
	case c.URL != "":
		name := "url:" + string(c.URL)
		if u, err := url.Parse(string(c.URL)); err == nil {
			u.User, u.RawQuery, u.ForceQuery, u.Fragment = nil, "", false, ""
			name = "url:" + u.String()
		}
		if c.File != "" {
			name += " file:" + string(c.File)
		}
		return name
	}
	return ""
}

// maxShownName is how many characters of a program's name `cache info`
// shows.
const maxShownName = 48

// shownName is a program's name as `cache info` prints it: "?" when
// unknown; what a terminal would not print as text replaced by "?"; a
// long one shortened to its end (the file, or the module and version),
// keeping a source's go:, url: or oci:.
func shownName(name string) string {
	if name == "" {
		return "?"
	}
	name = strings.Map(func(r rune) rune {
		if !unicode.IsPrint(r) {
			return '?'
		}
		return r
	}, strings.ToValidUTF8(name, "?"))
	runes := []rune(name)
	if len(runes) <= maxShownName {
		return name
	}
	var prefix string
	for _, scheme := range []string{"go:", "url:", "oci:"} {
		if strings.HasPrefix(name, scheme) {
			prefix = scheme
		}
	}
	tail := string(runes[len(runes)-(maxShownName-len(prefix)-1):])
	if i := strings.IndexByte(tail, '/'); i >= 0 && i < len(tail)-1 {
		tail = tail[i:]
	}
	return prefix + "…" + tail
}
