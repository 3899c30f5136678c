package runner

import (
	"errors"
	"os"
	"testing"

	"github.com/wasmtasks/wasmtasks/internal/testprog"
)

// TestShapeOfRealPrograms counts the memories and tables of the programs
// the toolchains make, which the memory limit is divided among.
func TestShapeOfRealPrograms(t *testing.T) {
	for name, tt := range map[string]struct {
		path string
		want shape
	}{
		"C module":     {testprog.Module(t, "probe"), shape{memories: 1, tables: 1}},
		"C component":  {testprog.Component(t, "probe"), shape{memories: 1, tables: 2}},
		"Go component": {testprog.GoComponent(t, "hellogo"), shape{memories: 1, tables: 2}},
		"Go module":    {testprog.GoModule(t, "hellogo"), shape{memories: 1, tables: 1}},
		"WAT 2 memory": {testprog.WATText(t, "twomem", "(module (memory 1) (memory 0) (table 3 funcref))"), shape{memories: 2, tables: 1}},
	} {
		wasm, err := os.ReadFile(tt.path)
		if err != nil {
			t.Fatal(err)
		}
		got, err := shapeOf(wasm)
		t.Logf("%s: %d memories, %d tables", name, got.memories, got.tables)
		if err != nil || got.memories != tt.want.memories || got.tables != tt.want.tables {
			t.Errorf("%s: got %+v, %v; want %+v", name, got, err, tt.want)
		}
	}
}

// TestShapeOfMalformed: a section that claims more bytes than there are is
// an error, never a panic.
func TestShapeOfMalformed(t *testing.T) {
	for _, b := range [][]byte{
		[]byte("\x00asm\x01\x00\x00\x00\x05\x7f"),
		[]byte("\x00asm\x01\x00\x00\x00\x05\xff\xff\xff\xff\xff\xff"),
		[]byte("\x00asm\x0d\x00\x01\x00\x01\x03\x00asm"),
	} {
		if _, err := shapeOf(b); err == nil || !errors.Is(err, errShape) && !errors.Is(err, ErrNotWasm) {
			t.Errorf("%q: got %v, want errShape", b, err)
		}
	}
}
