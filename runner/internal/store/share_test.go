//go:build unix

package store

import (
	"bytes"
	"errors"
	"testing"
)

// TestPackImport proves an entry packed by one store (one machine) is
// stored by another that holds the same team key, and then given out by
// Get as if compiled there.
func TestPackImport(t *testing.T) {
	t.Setenv(EnvKeyFile, writeKey(t, 1))
	a, _ := openLogged(t, t.TempDir())
	b, _ := openLogged(t, t.TempDir())
	if !a.Team() {
		t.Fatal("a store on $WASMTASKS_STORE_KEY_FILE is not on a team key")
	}
	want := code(4096, 7)
	if err := b.Import("k", "component", a.Pack("k", "component", want)); err != nil {
		t.Fatal(err)
	}
	got, kind, err := readEntry(t, b, "k")
	if err != nil || kind != "component" || !bytes.Equal(got, want) {
		t.Fatalf("after Import: %d bytes of %q, %v", len(got), kind, err)
	}
}

// TestImportRefuses proves a blob that is not an entry of this store's
// key, for this name and kind, is refused and nothing is stored: compiled
// code from a cache runs only when a holder of the key made it.
func TestImportRefuses(t *testing.T) {
	t.Setenv(EnvKeyFile, writeKey(t, 1))
	a, _ := openLogged(t, t.TempDir())
	good := a.Pack("k", "module", code(4096, 7))
	flipped := bytes.Clone(good)
	flipped[len(flipped)-100] ^= 1
	t.Setenv(EnvKeyFile, writeKey(t, 2))
	other, _ := openLogged(t, t.TempDir())
	t.Setenv(EnvKeyFile, writeKey(t, 1))
	for name, c := range map[string]struct {
		key, kind string
		blob      []byte
	}{
		"flipped code":      {"k", "module", flipped},
		"truncated":         {"k", "module", good[:len(good)-1]},
		"extended":          {"k", "module", append(bytes.Clone(good), 0)},
		"other name":        {"k2", "module", good},
		"other kind":        {"k", "component", good},
		"other key":         {"k", "module", other.Pack("k", "module", code(4096, 7))},
		"garbage":           {"k", "module", []byte("<html>\n\n\n\n\n</html>")},
		"no checksum":       {"k", "module", code(4096, 7)},
		"empty":             {"k", "module", nil},
		"checksum too long": {"k", "module", bytes.Repeat([]byte("x"), 2*maxSumFile)},
	} {
		b, _ := openLogged(t, t.TempDir())
		if err := b.Import(c.key, c.kind, c.blob); !errors.Is(err, ErrForeign) {
			t.Errorf("%s: Import: %v, want ErrForeign", name, err)
		}
		if b.Has(c.key) {
			t.Errorf("%s: stored anyway", name)
		}
	}
}
