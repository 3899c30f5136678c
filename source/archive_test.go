package source_test

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wasmtasks/wasmtasks/internal/golden"
	"github.com/wasmtasks/wasmtasks/source"
)

// TestArchiveMember: file: takes the program out of an npm-style .tgz or a
// .zip; the pin records the archive's digest and the program's; with the
// server gone, the pinned program is still found.
func TestArchiveMember(t *testing.T) {
	prog := probe(t)
	ms := []member{
		{name: "package/"},
		{name: "package/package.json", body: "{}"},
		{name: "package/bin/probe.wasm", body: string(prog)},
		{name: "package/share/data.txt", body: "data"},
	}
	for name, ar := range map[string][]byte{"tgz": targz(t, ms...), "zip": zipOf(t, ms...)} {
		t.Run(name, func(t *testing.T) {
			srv := serve(t, map[string]http.HandlerFunc{"/tool-1.0." + name: bytesHandler(ar)})
			f := &source.Fetcher{Dir: t.TempDir()}
			spec := source.Spec{URL: srv.URL + "/tool-1.0." + name, SHA256: digest(ar), File: "package/bin/probe.wasm"}
			path, got, err := f.Fetch(context.Background(), spec, nil)
			if err != nil {
				t.Fatal(err)
			}
			want := source.Pin{Source: "url", Ref: spec.URL + "#package/bin/probe.wasm", Resolved: "sha256:" + digest(ar), SHA256: digest(prog)}
			if got != want {
				t.Errorf("pin: got %+v, want %+v", got, want)
			}
			if out := runProgram(t, path, "args", "y"); !strings.HasSuffix(out, "args\ny\n") {
				t.Errorf("the program printed %q", out)
			}
			srv.Close()
			if again, _, err := f.Fetch(context.Background(), spec, &got); err != nil || again != path {
				t.Fatalf("offline fetch: %q, %v", again, err)
			}
			dir, err := f.ArchiveDir(context.Background(), spec, "package/share")
			if err != nil {
				t.Fatal(err)
			}
			if b, err := os.ReadFile(filepath.Join(dir, "data.txt")); string(b) != "data" {
				t.Errorf("data.txt: %q, %v", b, err)
			}
		})
	}
}

// TestArchiveMemberErrors: a missing member, a member that is not wasm,
// and a payload that is not an archive are errors of their kind that name
// the URL; their words (golden) say what to write instead, such as the
// package/ folder of an npm tarball.
func TestArchiveMemberErrors(t *testing.T) {
	ar := targz(t, member{name: "package/bin/tool.wasm", body: "\x00asm\x01\x00\x00\x00"}, member{name: "package/README", body: "hi"})
	srv := serve(t, map[string]http.HandlerFunc{"/a.tgz": bytesHandler(ar), "/plain": bytesHandler([]byte("plain text"))})
	cases := []struct {
		name, path, sha, file string
		kind                  error
		ref                   string // after the URL
	}{
		{"missing member", "/a.tgz", digest(ar), "bin/tool.wasm", source.ErrArchive, ""},
		{"not wasm", "/a.tgz", digest(ar), "package/README", source.ErrNotWasm, " file package/README"},
		{"not an archive", "/plain", digest([]byte("plain text")), "x.wasm", source.ErrArchive, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			f := &source.Fetcher{Dir: dir}
			_, _, err := f.Fetch(context.Background(), source.Spec{URL: srv.URL + c.path, SHA256: c.sha, File: c.file}, nil)
			wantError(t, err, c.kind, srv.URL+c.path+c.ref, 0)
			golden.CheckError(t, goldenFile("archive member errors", c.name), err, srv.URL, "URL")
			if left := leftovers(t, dir); len(left) > 0 {
				t.Errorf("temporary files left: %v", left)
			}
		})
	}
}

// TestArchiveDirRefusesEscapes: an archive whose entries would land
// outside its folder, or lead out of it by a link, is refused whole and
// leaves no folder behind.
func TestArchiveDirRefusesEscapes(t *testing.T) {
	cases := map[string][]member{
		"dot-dot":              {{name: "share/"}, {name: "../evil", body: "x"}},
		"absolute":             {{name: "/tmp/evil", body: "x"}},
		"link out":             {{name: "share/"}, {name: "share/up", link: "../../../.."}},
		"absolute link":        {{name: "share/"}, {name: "share/etc", link: "/etc"}},
		"write through a link": {{name: "share/"}, {name: "share/here", link: "."}, {name: "share/here/x", body: "x"}},
		"link through a link":  {{name: "share/"}, {name: "share/self", link: "."}, {name: "share/up", link: "self/../.."}},
	}
	for name, ms := range cases {
		for kind, ar := range map[string][]byte{"tgz": targz(t, ms...), "zip": zipOf(t, ms...)} {
			t.Run(name+" "+kind, func(t *testing.T) {
				srv := serve(t, map[string]http.HandlerFunc{"/a": bytesHandler(ar)})
				dir := t.TempDir()
				f := &source.Fetcher{Dir: dir}
				got, err := f.ArchiveDir(context.Background(), source.Spec{URL: srv.URL + "/a", SHA256: digest(ar)}, "share")
				if !errors.Is(err, source.ErrArchive) {
					t.Fatalf("got %q, %v; want a refusal", got, err)
				}
				t.Log(err)
				if ents, _ := os.ReadDir(filepath.Join(dir, "archives", "sha256")); len(ents) > 0 {
					t.Errorf("left behind: %v", ents)
				}
			})
		}
	}
}

// TestArchiveDirMissingFolder: a folder the archive lacks is an
// ErrArchive that names the URL and the folder.
func TestArchiveDirMissingFolder(t *testing.T) {
	ar := targz(t, member{name: "package/a.txt", body: "a"})
	srv := serve(t, map[string]http.HandlerFunc{"/a": bytesHandler(ar)})
	f := &source.Fetcher{Dir: t.TempDir()}
	_, err := f.ArchiveDir(context.Background(), source.Spec{URL: srv.URL + "/a", SHA256: digest(ar)}, "package/share")
	wantError(t, err, source.ErrArchive, srv.URL+"/a", 0)
	golden.CheckError(t, goldenFile("archive dir", "missing folder"), err, srv.URL, "URL", f.Dir, "STORE", digest(ar), "ARCHIVE")
}

// TestArchiveDirBounded: an archive that unpacks to more bytes or entries
// than allowed (a zip bomb) is refused and leaves nothing behind.
func TestArchiveDirBounded(t *testing.T) {
	defer source.SetExtractBounds(1000, 10)()
	big := targz(t, member{name: "share/big", body: strings.Repeat("0", 1001)})
	many := make([]member, 12)
	for i := range many {
		many[i] = member{name: "share/f" + string(rune('a'+i)), body: "x"}
	}
	for name, ar := range map[string][]byte{"bytes": big, "entries": zipOf(t, many...)} {
		t.Run(name, func(t *testing.T) {
			srv := serve(t, map[string]http.HandlerFunc{"/a": bytesHandler(ar)})
			dir := t.TempDir()
			f := &source.Fetcher{Dir: dir}
			_, err := f.ArchiveDir(context.Background(), source.Spec{URL: srv.URL + "/a", SHA256: digest(ar)}, "share")
			wantError(t, err, source.ErrArchive, srv.URL+"/a", 0)
			golden.CheckError(t, goldenFile("archive dir bounded", name), err, srv.URL, "URL", dir, "STORE")
			if ents, _ := os.ReadDir(filepath.Join(dir, "archives", "sha256")); len(ents) > 0 {
				t.Errorf("left behind: %v", ents)
			}
		})
	}
}
