package capi

// Limits bound what a store's guest may create. A zero or negative field
// leaves that limit at wasmtime's default (no limit for sizes, 10,000 for
// counts).
type Limits struct {
	// MemoryBytes caps each linear memory; memory.grow beyond it fails in
	// the guest, which sees out-of-memory.
	MemoryBytes int64
	// TableElements caps each table; table.grow beyond it fails.
	TableElements int64
	// Memories and Tables cap how many the store may create; instantiating
	// more fails.
	Memories, Tables int64
}
