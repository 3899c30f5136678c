package runner

import (
	"fmt"
	"slices"
)

// needs is what a program asks of its host, read from its sections before
// it is compiled: the imports of the program itself (not those that its
// nested modules satisfy among themselves), and the component-model async
// features it uses anywhere, which wasmtime 39 cannot run.
type needs struct {
	imports []wasmImport
	async   []string // each feature named once, in the order found
	// unread is set when an import section used an encoding the reader
	// does not know: the imports are then not judged at all.
	unread bool
}

// wasmImport is one import: a core module's has a module and a name, a
// component's only a name (an interface such as wasi:cli/stdin@0.2.0).
type wasmImport struct {
	module, name string
	kind         string // func, table, memory, global, tag; instance, type, …
}

// useAsync notes a component-model async feature.
func (n *needs) useAsync(feature string) {
	if !slices.Contains(n.async, feature) {
		n.async = append(n.async, feature)
	}
}

// coreImportKinds names a core import's kind by its descriptor byte.
var coreImportKinds = []string{"func", "table", "memory", "global", "tag"}

// addModuleImports reads a core module's import section.
func (n *needs) addModuleImports(body []byte) {
	r := &reader{b: body}
	var found []wasmImport
	r.vec(func() {
		module, name := r.name(), r.name()
		kind := r.byte()
		coreImportDesc(r, kind)
		if int(kind) < len(coreImportKinds) {
			found = append(found, wasmImport{module: module, name: name, kind: coreImportKinds[kind]})
		}
	})
	n.addImports(found, r.err)
}

func (n *needs) addImports(found []wasmImport, err error) {
	if err != nil {
		n.unread = true
		return
	}
	n.imports = append(n.imports, found...)
}

// coreImportDesc reads the rest of a core import descriptor of the given
// kind: a type index, a table, memory or global type, or a tag.
func coreImportDesc(r *reader, kind byte) {
	switch kind {
	case 0x00: // func
		r.u32()
	case 0x01: // table: element type, limits
		coreRefType(r)
		limits(r)
	case 0x02: // memory
		limits(r)
	case 0x03: // global: value type, mutability
		coreValType(r)
		r.byte()
	case 0x04: // tag: attribute, type index
		r.byte()
		r.u32()
	default:
		r.fail(errUnknownEncoding)
	}
}

// limits reads the limits of a table or memory: flags, minimum, maximum
// (flag 1), page size (flag 8, custom-page-sizes). 64-bit limits are read
// as LEB128 numbers like the others.
func limits(r *reader) {
	flags := r.byte()
	if flags > 0x0f {
		r.fail(errUnknownEncoding)
		return
	}
	r.u64()
	if flags&0x01 != 0 {
		r.u64()
	}
	if flags&0x08 != 0 {
		r.u32()
	}
}

// coreValType reads a core value type: a number or vector type, funcref or
// externref. GC reference types are left unknown.
func coreValType(r *reader) {
	if c := r.byte(); c < 0x7b && c != 0x70 && c != 0x6f {
		r.fail(errUnknownEncoding)
	}
}

func coreRefType(r *reader) {
	if c := r.byte(); c != 0x70 && c != 0x6f {
		r.fail(errUnknownEncoding)
	}
}

// addComponentImports reads a component's import section.
func (n *needs) addComponentImports(body []byte) {
	r := &reader{b: body}
	var found []wasmImport
	r.vec(func() {
		name := externName(r)
		kind := externDesc(r, n)
		found = append(found, wasmImport{name: name, kind: kind})
	})
	n.addImports(found, r.err)
}

// externName reads an import or export name: 0x00 then the name, or the
// 0x01 of binaries made before the component model dropped it.
func externName(r *reader) string {
	if c := r.byte(); c > 0x01 {
		r.fail(errUnknownEncoding)
		return ""
	}
	return r.name()
}

// externDescKinds names an extern descriptor's kind by its first byte.
var externDescKinds = []string{"core module", "func", "value", "type", "component", "instance"}

// externDesc reads what an import or export is, and returns its kind.
func externDesc(r *reader, n *needs) string {
	kind := r.byte()
	switch kind {
	case 0x00: // core module type
		if r.byte() != 0x11 {
			r.fail(errUnknownEncoding)
		}
		r.u32()
	case 0x01, 0x04, 0x05: // func, component, instance type index
		r.u32()
	case 0x02: // value: eq index, or value type
		if r.byte() == 0x00 {
			r.u32()
		} else {
			valType(r, n)
		}
	case 0x03: // type: eq index, or sub resource
		if r.byte() == 0x00 {
			r.u32()
		}
	default:
		r.fail(errUnknownEncoding)
		return ""
	}
	return externDescKinds[kind]
}

// addTypes reads a component's type section for async types.
func (n *needs) addTypes(body []byte) {
	r := &reader{b: body}
	r.vec(func() { defType(r, n) })
}

// defType reads one component type definition.
func defType(r *reader, n *needs) {
	if !r.nest() {
		return
	}
	defer r.unnest()
	switch c := r.peek(); c {
	case 0x40, 0x43: // func, async func
		r.byte()
		if c == 0x43 {
			n.useAsync("async function type")
		}
		r.vec(func() { r.name(); valType(r, n) })
		resultList(r, n)
	case 0x41: // component type
		r.byte()
		r.vec(func() { componentDecl(r, n) })
	case 0x42: // instance type
		r.byte()
		r.vec(func() { instanceDecl(r, n) })
	case 0x3f, 0x3e: // resource, resource with async destructor
		r.byte()
		if c == 0x3e {
			n.useAsync("async resource destructor")
		}
		if r.byte() != 0x7f {
			r.fail(errUnknownEncoding)
		}
		r.optional(func() { r.u32() })
	default:
		defValType(r, n)
	}
}

// resultList reads a function's results: one type, or none.
func resultList(r *reader, n *needs) {
	switch r.byte() {
	case 0x00:
		valType(r, n)
	case 0x01:
		if r.byte() != 0x00 {
			r.fail(errUnknownEncoding)
		}
	default:
		r.fail(errUnknownEncoding)
	}
}

// defValType reads a defined value type: record, variant, list, and so on.
func defValType(r *reader, n *needs) {
	c := r.byte()
	switch {
	case isPrimitive(c):
		primitive(c, n)
	case c == 0x72: // record
		r.vec(func() { r.name(); valType(r, n) })
	case c == 0x71: // variant
		r.vec(func() {
			r.name()
			r.optional(func() { valType(r, n) })
			r.optional(func() { r.u32() }) // refines, in older binaries always 0x00
		})
	case c == 0x70 || c == 0x6b: // list, option
		valType(r, n)
	case c == 0x67: // fixed-length list
		valType(r, n)
		r.u32()
	case c == 0x6f: // tuple
		r.vec(func() { valType(r, n) })
	case c == 0x6e || c == 0x6d: // flags, enum
		r.vec(func() { r.name() })
	case c == 0x6a: // result
		r.optional(func() { valType(r, n) })
		r.optional(func() { valType(r, n) })
	case c == 0x69 || c == 0x68: // own, borrow
		r.u32()
	case c == 0x66 || c == 0x65: // stream, future
		n.useAsync(map[byte]string{0x66: "stream type", 0x65: "future type"}[c])
		r.optional(func() { valType(r, n) })
	default:
		r.fail(errUnknownEncoding)
	}
}

// valType reads a value type: a primitive (one byte from 0x64 up: negative
// as a signed LEB128 number) or the index of a defined type.
func valType(r *reader, n *needs) {
	if c := r.peek(); c >= 0x40 && c < 0x80 {
		r.byte()
		if !isPrimitive(c) {
			r.fail(errUnknownEncoding)
		}
		primitive(c, n)
		return
	}
	r.u32()
}

// isPrimitive reports whether c is a primitive value type: bool (0x7f)
// down to string (0x73), and error-context (0x64).
func isPrimitive(c byte) bool { return c >= 0x73 && c <= 0x7f || c == 0x64 }

func primitive(c byte, n *needs) {
	if c == 0x64 {
		n.useAsync("error-context type")
	}
}

// componentDecl reads a declaration in a component type: an import, or
// what an instance type may declare.
func componentDecl(r *reader, n *needs) {
	if r.peek() == 0x03 {
		r.byte()
		externName(r)
		externDesc(r, n)
		return
	}
	instanceDecl(r, n)
}

// instanceDecl reads a declaration in an instance type: a core type, a
// type, an alias or an export.
func instanceDecl(r *reader, n *needs) {
	switch r.byte() {
	case 0x00:
		coreType(r)
	case 0x01:
		defType(r, n)
	case 0x02:
		alias(r)
	case 0x04:
		externName(r)
		externDesc(r, n)
	default:
		r.fail(errUnknownEncoding)
	}
}

// coreType reads a core function type or a core module type.
func coreType(r *reader) {
	switch r.byte() {
	case 0x60:
		r.vec(func() { coreValType(r) })
		r.vec(func() { coreValType(r) })
	case 0x50:
		r.vec(func() { moduleDecl(r) })
	default:
		r.fail(errUnknownEncoding)
	}
}

// moduleDecl reads a declaration in a core module type.
func moduleDecl(r *reader) {
	switch r.byte() {
	case 0x00: // import
		r.name()
		r.name()
		coreImportDesc(r, r.byte())
	case 0x01: // type
		coreType(r)
	case 0x02: // alias: sort, outer, count, index
		r.byte()
		if r.byte() != 0x01 {
			r.fail(errUnknownEncoding)
		}
		r.u32()
		r.u32()
	case 0x03: // export
		r.name()
		coreImportDesc(r, r.byte())
	default:
		r.fail(errUnknownEncoding)
	}
}

// alias reads an alias: its sort, then an export of an instance, an
// export of a core instance, or an outer definition.
func alias(r *reader) {
	if r.byte() == 0x00 {
		r.byte() // the core sort
	}
	switch r.byte() {
	case 0x00, 0x01:
		r.u32()
		r.name()
	case 0x02:
		r.u32()
		r.u32()
	default:
		r.fail(errUnknownEncoding)
	}
}

// addCanons reads a component's canonical function section: lifting and
// lowering with async options, and the built-ins of async and threads.
func (n *needs) addCanons(body []byte) {
	r := &reader{b: body}
	r.vec(func() {
		switch c := r.byte(); c {
		case 0x00, 0x01: // lift, lower
			if r.byte() != 0x00 {
				r.fail(errUnknownEncoding)
			}
			r.u32()
			r.vec(func() { canonOpt(r, n) })
			if c == 0x00 {
				r.u32()
			}
		case 0x02, 0x03, 0x04: // resource.new, .drop, .rep
			r.u32()
		default:
			n.useAsync("canon " + canonName(c))
			r.fail(errUnknownEncoding) // its operands are not worth reading
		}
	})
}

// canonOpt reads one canonical option.
func canonOpt(r *reader, n *needs) {
	switch c := r.byte(); c {
	case 0x00, 0x01, 0x02: // string encodings
	case 0x03, 0x04, 0x05, 0x08: // memory, realloc, post-return, core type
		r.u32()
	case 0x06:
		n.useAsync("async canonical option")
	case 0x07:
		n.useAsync("async callback")
		r.u32()
	default:
		r.fail(errUnknownEncoding)
	}
}

// canonNames names the canonical built-ins of async and threads that a
// person will recognise.
var canonNames = map[byte]string{
	0x05: "task.cancel", 0x06: "subtask.cancel", 0x07: "resource.drop async",
	0x08: "backpressure.set", 0x09: "task.return", 0x0a: "context.get",
	0x0b: "context.set", 0x0c: "yield", 0x0d: "subtask.drop", 0x0e: "stream.new",
	0x14: "future.new", 0x1c: "error-context.new", 0x1f: "waitable-set.new",
	0x40: "thread.spawn_ref", 0x41: "thread.spawn_indirect",
}

func canonName(c byte) string {
	if s, ok := canonNames[c]; ok {
		return s
	}
	return fmt.Sprintf("0x%02x", c)
}
