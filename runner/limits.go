package runner

import (
	"fmt"

	"github.com/wasmtasks/wasmtasks/runner/internal/capi"
)

// tableElementBytes is what wasmtime spends on one table element: a
// pointer. Measured on v39: a table.grow of 2^30 funcref elements took
// 8.4 GB of resident memory.
const tableElementBytes = 8

// maxTableShare caps the part of MemoryLimit that tables may take.
const maxTableShare = 64 << 20

// limits divides MemoryLimit among what the program defines so that the
// worst case stays within it: all tables together get a sixteenth of the
// limit (at most 64 MiB), and each linear memory an equal part of the
// rest. The store may create only as many memories and tables as the
// program defines, so a program that instantiates a module twice (which
// would double them) fails to instantiate rather than exceed the limit.
func (c *Cmd) limits(prog *program) capi.Limits {
	if c.MemoryLimit <= 0 {
		return capi.Limits{}
	}
	mems, tables := max(prog.shape.memories, 1), max(prog.shape.tables, 1)
	tableBytes := min(c.MemoryLimit/16, maxTableShare)
	return capi.Limits{
		MemoryBytes:   max((c.MemoryLimit-tableBytes)/int64(mems), 1),
		TableElements: max(tableBytes/tableElementBytes/int64(tables), 1),
		Memories:      int64(mems),
		Tables:        int64(tables),
	}
}

// describeLimits says, for an instantiation that failed under a memory
// limit, how the limit was divided: the likely reason.
func (c *Cmd) describeLimits(prog *program) string {
	l := c.limits(prog)
	return fmt.Sprintf("the memory limit of %d bytes allows this program at most %d linear memories of %d bytes each and %d tables of %d elements each; raise the limit if the program needs more",
		c.MemoryLimit, l.Memories, l.MemoryBytes, l.Tables, l.TableElements)
}
