package runner

import (
	"github.com/wasmtasks/wasmtasks/runner/internal/capi"
)

// A pooled engine (see capi's pool.go) refuses, when it compiles or loads
// them, programs that define more than its slots hold: a table of more than
// 8 Mi elements, more than 16 memories or tables in one module. Those ran
// before the pool came, so they still run, on a spare engine with the same
// settings that maps each instance's memory on demand. The spare shares
// the store (its code is the same) and is made on first need: most
// processes never pay for it.

// onEngine runs load (a compile or a deserialize) on the engine, and, if
// a pooled engine refuses the program, on the spare; it returns the
// program with the engine that made it. A program both refuse gets the
// spare's error: the one a run without the pool would have seen.
func (e *Engine) onEngine(load func(*capi.Engine) (*capi.Program, error)) (*capi.Program, *capi.Engine, error) {
	p, err := load(e.c)
	if err == nil || !e.pooled {
		return p, e.c, err
	}
	spare, serr := e.spareEngine()
	if serr != nil {
		return nil, nil, err
	}
	if p, err = load(spare); err != nil {
		return nil, nil, err
	}
	return p, spare, nil
}

// spareEngine returns the engine that maps on demand, making it once.
func (e *Engine) spareEngine() (*capi.Engine, error) {
	e.spareMu.Lock()
	defer e.spareMu.Unlock()
	if e.spare.Load() == nil && e.spareErr == nil {
		c, err := capi.NewEngine(e.c.Settings(), false)
		if err != nil {
			e.spareErr = err
		} else {
			e.spare.Store(c)
		}
	}
	return e.spare.Load(), e.spareErr
}
