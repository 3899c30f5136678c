//go:build cgo

package capi

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestLayoutMatchesHeaders proves that every struct size, alignment, field
// offset and constant capi.h declares matches wasmtime's real headers, which
// ship in the wasmtime-go module under build/include, and that the Go
// constant WasmtimeVersion is the headers' version.
func TestLayoutMatchesHeaders(t *testing.T) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/bytecodealliance/wasmtime-go/v39").Output()
	if err != nil {
		t.Fatalf("locating wasmtime-go: %v", err)
	}
	include := filepath.Join(strings.TrimSpace(string(out)), "build", "include")
	bin := filepath.Join(t.TempDir(), "layout")
	cc := exec.Command("cc", "-std=c11", "-I", include, "-o", bin, filepath.Join("testdata", "layout.c"))
	if b, err := cc.CombinedOutput(); err != nil {
		t.Fatalf("compiling against the real headers: %v\n%s", err, b)
	}
	real, err := exec.Command(bin).Output()
	if err != nil {
		t.Fatal(err)
	}
	ours := declaredLayout()
	if ours != string(real) {
		t.Errorf("capi.h does not match wasmtime's headers\n--- capi.h\n%s--- wasmtime\n%s", ours, real)
	}
	if want := "version=" + WasmtimeVersion + "\n"; !strings.Contains(string(real), want) {
		t.Errorf("WasmtimeVersion is %s, but the headers say:\n%s", WasmtimeVersion, real)
	}
	if !strings.Contains(ours, "sizeof(wasmtime_component_val_t)=") {
		t.Fatalf("layout text is missing entries:\n%s", ours)
	}
}
