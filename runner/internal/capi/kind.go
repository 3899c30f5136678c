package capi

// Kind tells a component from a core module. The zero value is
// KindUnknown, which no program has.
type Kind int

const (
	// KindUnknown is no kind: the zero value.
	KindUnknown Kind = iota
	// KindModule is a WebAssembly core module (WASI preview1 command).
	KindModule
	// KindComponent is a component-model component (wasi:cli command).
	KindComponent
)

func (k Kind) String() string {
	switch k {
	case KindModule:
		return "module"
	case KindComponent:
		return "component"
	}
	return "unknown"
}
