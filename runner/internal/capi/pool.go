package capi

// #include "capi.h"
import "C"

// The pooling allocator's sizes. A pooled engine reserves address space
// for every slot once, when it is made (about 4 TiB for the memories, 64
// GiB for the tables, none of it resident), so that an instance takes its
// memories and tables from a warm slot instead of mapping and unmapping
// them: on a hello program that was two thirds of a run. What a program
// may define is then bounded by these sizes, checked when it is compiled
// or loaded; they are set so that no wasm32 program that runs on demand is
// refused for them.
const (
	// poolMemorySize is the most any linear memory may grow to: all of
	// wasm32's address space, so a pooled memory is never smaller than an
	// on-demand one. (A memory64 memory is capped there too.)
	poolMemorySize = 4 << 30
	// poolTableElements is the most elements a table may hold: 64 MiB at
	// eight bytes an element, what the runner's memory limit gives all
	// tables together at most.
	poolTableElements = 8 << 20
	// poolPerModule is how many memories, and how many tables, one core
	// module may define.
	poolPerModule = 16
	// poolInstanceSize bounds an instance's own metadata (one entry per
	// function, global and import): only a check, nothing is reserved.
	poolInstanceSize = 64 << 20
	// poolKeepResident is how much of each memory slot stays mapped when
	// its instance is freed, zeroed in place rather than returned to the
	// kernel: small programs then reuse warm pages, and no page-table
	// change (and no interrupt to the other CPUs) happens per run.
	poolKeepResident = 1 << 20
	// poolTableKeepResident is the same for each table slot.
	poolTableKeepResident = 64 << 10
	// poolStacks is how many stacks of async calls the pool holds: none,
	// since runs call guests synchronously. wasmtime's default of 1000
	// reserves 2 GB with a guard page per stack, a thousand mprotect calls
	// that made a pooled engine take ~3 ms longer to create and ~1.3 ms
	// longer to free than an on-demand one: most of a warm start.
	poolStacks = 0
	// poolWarmSlots bounds how many freed slots keep their pages, and so
	// the memory a process holds for programs it ran before.
	poolWarmSlots = 16
)

// setPooling makes cfg's engine allocate instances from a pool.
func setPooling(cfg *C.wasm_config_t) {
	p := C.wasmtime_pooling_allocation_config_new()
	defer C.wasmtime_pooling_allocation_config_delete(p)
	C.wasmtime_pooling_allocation_config_max_memory_size_set(p, poolMemorySize)
	C.wasmtime_pooling_allocation_config_table_elements_set(p, poolTableElements)
	C.wasmtime_pooling_allocation_config_max_memories_per_module_set(p, poolPerModule)
	C.wasmtime_pooling_allocation_config_max_tables_per_module_set(p, poolPerModule)
	C.wasmtime_pooling_allocation_config_max_core_instance_size_set(p, poolInstanceSize)
	C.wasmtime_pooling_allocation_config_max_component_instance_size_set(p, poolInstanceSize)
	C.wasmtime_pooling_allocation_config_linear_memory_keep_resident_set(p, poolKeepResident)
	C.wasmtime_pooling_allocation_config_table_keep_resident_set(p, poolTableKeepResident)
	C.wasmtime_pooling_allocation_config_max_unused_warm_slots_set(p, poolWarmSlots)
	C.wasmtime_pooling_allocation_config_total_stacks_set(p, poolStacks)
	C.wasmtime_pooling_allocation_strategy_set(cfg, p)
}
