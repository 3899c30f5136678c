package runner

import "errors"

// errUnknownEncoding stops the reading of a section that uses an encoding
// the reader does not know. It never reaches a caller: a section the
// reader cannot follow is left to wasmtime's own validation.
var errUnknownEncoding = errors.New("unknown encoding")

// reader reads the numbers and names of the binary format from a section
// body. The first error sticks: every read after it returns zero values,
// so parsing code reads on and checks r.err once.
type reader struct {
	b     []byte
	err   error
	depth int // of nested type definitions, bounded by maxDepth
}

// maxDepth bounds how deeply the walk follows nested components and type
// definitions, so that a hostile program cannot exhaust the stack; real
// programs nest a few levels.
const maxDepth = 100

// nest enters a nested definition, and returns false (failing r) when
// that is too deep; the caller calls r.unnest when it returns true.
func (r *reader) nest() bool {
	if r.depth++; r.depth > maxDepth {
		r.fail(errUnknownEncoding)
		return false
	}
	return true
}

func (r *reader) unnest() { r.depth-- }

func (r *reader) fail(err error) {
	if r.err == nil {
		r.err = err
	}
	r.b = nil
}

// byte reads one byte.
func (r *reader) byte() byte {
	if len(r.b) == 0 {
		r.fail(errShape)
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

// peek returns the next byte without reading it (0 at the end).
func (r *reader) peek() byte {
	if len(r.b) == 0 {
		return 0
	}
	return r.b[0]
}

// u32 reads an unsigned LEB128 number of at most 32 bits.
func (r *reader) u32() uint32 { return uint32(r.uleb(5)) }

// u64 reads an unsigned LEB128 number of at most 64 bits.
func (r *reader) u64() uint64 { return r.uleb(10) }

func (r *reader) uleb(maxBytes int) uint64 {
	var v uint64
	for i := 0; i < maxBytes; i++ {
		c := r.byte()
		v |= uint64(c&0x7f) << (7 * i)
		if c&0x80 == 0 || r.err != nil {
			return v
		}
	}
	r.fail(errShape)
	return 0
}

// name reads a length-prefixed UTF-8 string.
func (r *reader) name() string {
	n := r.u32()
	if uint64(n) > uint64(len(r.b)) {
		r.fail(errShape)
		return ""
	}
	s := string(r.b[:n])
	r.b = r.b[n:]
	return s
}

// vec calls f once for each element of a vector, until an error.
func (r *reader) vec(f func()) {
	n := r.u32()
	for i := uint32(0); i < n && r.err == nil; i++ {
		f()
	}
}

// optional reads the 0x00 (absent) or 0x01 (present) flag of an optional
// item and calls f when it is present.
func (r *reader) optional(f func()) {
	switch r.byte() {
	case 0x00:
	case 0x01:
		f()
	default:
		r.fail(errUnknownEncoding)
	}
}
