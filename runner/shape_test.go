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

// FuzzShape walks random and mutated programs: the section walk and the
// import reader must end in a result or an error, never a panic or a hang.
func FuzzShape(f *testing.F) {
	for _, p := range []string{testprog.Module(f, "probe"), testprog.Component(f, "probe"),
		testprog.WAT(f, "jsglue"), testprog.WAT(f, "wasi-p3"), testprog.WAT(f, "async-lift")} {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, wasm []byte) {
		if s, err := shapeOf(wasm); err == nil {
			_ = s.needs.importError()
		}
	})
}

// TestShapeOfDeepNesting: components nested a million deep, and a type
// nested as deep, end in an error or a result, not in a stack overflow.
func TestShapeOfDeepNesting(t *testing.T) {
	comp := []byte("\x00asm\x0d\x00\x01\x00")
	for i := 0; i < 200; i++ {
		comp = append(append([]byte("\x00asm\x0d\x00\x01\x00\x04"), ulebBytes(len(comp))...), comp...)
	}
	if _, err := shapeOf(comp); !errors.Is(err, errShape) {
		t.Errorf("200 nested components: got %v, want errShape", err)
	}
	// A type section with one type: an instance type declaring a type that
	// is an instance type declaring a type … a million deep.
	var body []byte
	for i := 0; i < 1_000_000; i++ {
		body = append(body, 0x42, 0x01, 0x01)
	}
	body = append([]byte{0x01}, body...)
	wasm := append(append([]byte("\x00asm\x0d\x00\x01\x00\x07"), ulebBytes(len(body))...), body...)
	if _, err := shapeOf(wasm); err != nil {
		t.Errorf("deep type: %v", err)
	}
}

func ulebBytes(n int) []byte {
	var b []byte
	for {
		c := byte(n & 0x7f)
		if n >>= 7; n == 0 {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}
