//go:build unix

package safefs

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// tree makes, under a new folder: proj/ (the root) with build/, a link
// inside it to a folder outside, and outside/ with a link back into proj.
func tree(t *testing.T) (top string) {
	top = t.TempDir()
	for _, d := range []string{"proj/build/sub", "outside/real"} {
		os.MkdirAll(filepath.Join(top, d), 0o755)
	}
	links := map[string]string{
		"proj/build/up":   "../..",         // planted
		"outside/link":    "real",          // the user's
		"outside/back":    "../proj/build", // the user's, into the root
		"outside/abs":     filepath.Join(top, "outside", "real"),
		"outside/loop":    "loop",
		"outside/dots":    "real/../real/./",
		"viaroot":         "proj", // a symlinked project folder
		"proj/build/file": "",
	}
	for l, target := range links {
		p := filepath.Join(top, l)
		if target == "" {
			os.WriteFile(p, nil, 0o644)
			continue
		}
		if err := os.Symlink(target, p); err != nil {
			t.Fatal(err)
		}
	}
	return top
}

func TestGuardRule(t *testing.T) {
	top := tree(t)
	g := NewGuard(filepath.Join(top, "proj"))
	tests := []struct {
		path string
		real string // "" when refused
		err  error
	}{
		{"proj/build/sub", "proj/build/sub", nil},
		{"proj/build/up", "", ErrPlanted},
		{"proj/build/up/outside", "", ErrPlanted},
		{"outside/link", "outside/real", nil},
		{"outside/abs", "outside/real", nil},
		{"outside/dots", "outside/real", nil},
		{"outside/back/sub", "proj/build/sub", nil},
		{"outside/back/up", "", ErrPlanted}, // reached through a link, still inside
		{"viaroot/build/sub", "proj/build/sub", nil},
		{"viaroot/build/up", "", ErrPlanted},
		{"outside/loop", "", syscall.ELOOP},
		{"proj/build/file", "", syscall.ENOTDIR},
		{"proj/missing", "", os.ErrNotExist},
	}
	for _, tt := range tests {
		d, err := g.OpenDir(filepath.Join(top, tt.path))
		if tt.err != nil {
			if err == nil {
				d.Close()
				t.Errorf("%s: opened %s, want %v", tt.path, d.Path(), tt.err)
			} else if !errors.Is(err, tt.err) {
				t.Errorf("%s: %v, want %v", tt.path, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tt.path, err)
			continue
		}
		if want := filepath.Join(top, tt.real); d.Path() != want {
			t.Errorf("%s: opened %s, want %s", tt.path, d.Path(), want)
		}
		d.Close()
	}
}

func TestMkdirAllAndFiles(t *testing.T) {
	top := tree(t)
	g := NewGuard(filepath.Join(top, "proj"))
	d, err := g.MkdirAll(filepath.Join(top, "proj", "new", "deeper"))
	if err != nil {
		t.Fatal(err)
	}
	d.Close()
	if _, err := g.MkdirAll(filepath.Join(top, "proj", "build", "up", "x")); !errors.Is(err, ErrPlanted) {
		t.Errorf("MkdirAll through a planted link: %v", err)
	}
	if _, err := os.Stat(filepath.Join(top, "x")); err == nil {
		t.Errorf("MkdirAll created a folder through a planted link")
	}
	fifo := filepath.Join(top, "proj", "fifo")
	syscall.Mkfifo(fifo, 0o644)
	if _, err := g.OpenFile(fifo); !errors.Is(err, ErrNotRegular) {
		t.Errorf("FIFO: %v", err)
	}
	if _, err := g.OpenFile(filepath.Join(top, "proj", "build")); !errors.Is(err, ErrNotRegular) {
		t.Errorf("folder: %v", err)
	}
	f, err := g.OpenFile(filepath.Join(top, "proj", "build", "file"))
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
}
