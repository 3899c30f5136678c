package runner

import (
	"errors"
	"fmt"
)

// shape is what one walk over a program's sections finds, before it is
// compiled. It counts what the program defines that takes memory as it
// grows: its linear memories and its tables, summed over every core module
// it holds (a component's nested core modules and components included).
// Imported memories and tables are defined by another module of the same
// program, or not at all (the WASI linkers define none), so only
// definitions count. And it collects what the program needs of its host.
type shape struct {
	memories, tables int
	needs            needs
}

// errShape is wrapped by the error for bytes the shape reader cannot walk.
var errShape = errors.New("malformed program")

// Section ids of the binary format that the walk needs.
const (
	coreImportSection = 2
	coreTableSection  = 4
	coreMemorySection = 5
	compModuleSection = 1 // a nested core module, a whole module binary
	compCompSection   = 4 // a nested component, a whole component binary
	compTypeSection   = 7
	compCanonSection  = 8
	compImportSection = 10
)

// shapeOf walks the sections of a core module or component.
func shapeOf(wasm []byte) (shape, error) { return walkProgram(wasm, 0) }

// walkProgram walks a program (depth 0), or a module or component nested
// in one: what those import, the program itself provides.
func walkProgram(wasm []byte, depth int) (shape, error) {
	if depth > maxDepth {
		return shape{}, fmt.Errorf("%w: components nested more than %d deep", errShape, maxDepth)
	}
	kind, err := kindOf(wasm)
	if err != nil {
		return shape{}, err
	}
	var s shape
	err = walkSections(wasm[8:], func(id byte, body []byte) error {
		return s.addSection(kind, depth, id, body)
	})
	return s, err
}

// addSection adds one section's definitions and needs to s.
func (s *shape) addSection(kind Kind, depth int, id byte, body []byte) error {
	top := depth == 0
	switch {
	case kind == Module && id == coreTableSection:
		n, _, err := uleb(body)
		s.tables += int(n)
		return err
	case kind == Module && id == coreMemorySection:
		n, _, err := uleb(body)
		s.memories += int(n)
		return err
	case kind == Module && id == coreImportSection && top:
		s.needs.addModuleImports(body)
	case kind == Component && (id == compModuleSection || id == compCompSection):
		inner, err := walkProgram(body, depth+1)
		s.memories += inner.memories
		s.tables += inner.tables
		for _, f := range inner.needs.async {
			s.needs.useAsync(f)
		}
		return err
	case kind == Component && id == compImportSection && top:
		s.needs.addComponentImports(body)
	case kind == Component && id == compTypeSection:
		s.needs.addTypes(body)
	case kind == Component && id == compCanonSection:
		s.needs.addCanons(body)
	}
	return nil
}

// walkSections calls f with each section's id and contents.
func walkSections(b []byte, f func(id byte, body []byte) error) error {
	for len(b) > 0 {
		id := b[0]
		size, n, err := uleb(b[1:])
		if err != nil {
			return err
		}
		b = b[1+n:]
		if size > uint64(len(b)) {
			return fmt.Errorf("%w: section %d runs past the end", errShape, id)
		}
		if err := f(id, b[:size]); err != nil {
			return err
		}
		b = b[size:]
	}
	return nil
}

// uleb reads an unsigned LEB128 number of at most 32 bits, as section sizes
// and counts are, and returns it with the bytes it took.
func uleb(b []byte) (v uint64, n int, err error) {
	for shift := 0; n < len(b) && n < 5; shift += 7 {
		c := b[n]
		n++
		v |= uint64(c&0x7f) << shift
		if c&0x80 == 0 {
			return v, n, nil
		}
	}
	return 0, 0, fmt.Errorf("%w: bad LEB128 number", errShape)
}
