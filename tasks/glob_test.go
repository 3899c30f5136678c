package tasks

import (
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// refMatch is the plain recursive matcher the fast one must agree with:
// obviously right, exponential on many "**".
func refMatch(pat, name []string) bool {
	if len(pat) == 0 {
		return len(name) == 0
	}
	if pat[0] == "**" {
		for i := 0; i <= len(name); i++ {
			if refMatch(pat[1:], name[i:]) {
				return true
			}
		}
		return false
	}
	if len(name) == 0 {
		return false
	}
	ok, _ := path.Match(pat[0], name[0])
	return ok && refMatch(pat[1:], name[1:])
}

// TestGlobManyDoubleStars matches a pattern of many "**" against a deep
// path that it does not match: backtracking tries every way to split the
// path, which never ends; the matcher must answer at once.
func TestGlobManyDoubleStars(t *testing.T) {
	pat := strings.Repeat("**/", 25) + "x"
	name := strings.Repeat("a/", 40) + "y"
	done := make(chan bool, 1)
	go func() { done <- matchGlob(pat, name) }()
	select {
	case got := <-done:
		if got {
			t.Errorf("matchGlob(%q, %q) = true", pat, name)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("matchGlob still running after 10 s")
	}
	if !matchGlob(pat, strings.Repeat("a/", 40)+"x") {
		t.Error("a deep match was not found")
	}
}

// TestGlobLiteralDoesNotWalk checks that a pattern without wildcards looks
// at that one file instead of walking its folder's whole subtree, and that
// a search starts at the pattern's deepest folder without wildcards.
func TestGlobLiteralDoesNotWalk(t *testing.T) {
	root := t.TempDir()
	for i := range 50 {
		p := filepath.Join(root, "deep", strings.Repeat("d/", i%10), "f"+string(rune('a'+i%26))+".txt")
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte("x"), 0o644)
	}
	os.WriteFile(filepath.Join(root, "go.mod"), []byte("module x"), 0o644)
	os.MkdirAll(filepath.Join(root, "src", "sub"), 0o755)
	os.WriteFile(filepath.Join(root, "src", "sub", "a.c"), []byte("x"), 0o644)
	tests := []struct {
		pattern string
		want    []string
		visits  int64
	}{
		{"go.mod", []string{"go.mod"}, 1},
		{"missing.txt", nil, 1},
		{"src/sub/*.c", []string{"src/sub/a.c"}, 2},
	}
	for _, tt := range tests {
		before := globVisits.Load()
		got, _, err := expandGlobs(root, []string{tt.pattern})
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(got, ",") != strings.Join(tt.want, ",") {
			t.Errorf("%s: got %v, want %v", tt.pattern, got, tt.want)
		}
		if n := globVisits.Load() - before; n > tt.visits {
			t.Errorf("%s: looked at %d entries, want at most %d", tt.pattern, n, tt.visits)
		}
	}
}

// FuzzGlob checks that any pattern and path terminate without a panic, and
// that small ones match exactly as the plain recursive matcher does.
func FuzzGlob(f *testing.F) {
	for _, s := range [][2]string{
		{"**/*.go", "a/b/c.go"}, {"src/**", "src/x"}, {"**", ""}, {"a/**/b/**/c", "a/b/x/b/c"},
		{"*.[ch]", "x.c"}, {"**/**/**/x", "a/a/a/a/y"}, {"a\\*b", "a*b"}, {"[", "["},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, pat, name string) {
		got := matchGlob(pat, name)
		ps, ns := strings.Split(pat, "/"), strings.Split(name, "/")
		if len(ps) <= 8 && len(ns) <= 8 {
			if want := refMatch(ps, ns); got != want {
				t.Errorf("matchGlob(%q, %q) = %v, reference says %v", pat, name, got, want)
			}
		}
	})
}
