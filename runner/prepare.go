package runner

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
)

// Prepare compiles the program at path, and stores its code, unless its
// compiled code is already in memory or in the store. A task runner calls
// it for every program a run may need, several at once, so that a cold run
// waits for the slowest compile rather than the sum of them; it loads no
// stored code, which tasks that turn out to be up to date never need. A
// run that loads the program meanwhile waits for this compile instead of
// starting its own. Errors are those a run of the program would report.
// Prepare returns when ctx ends, as a run does; the compile goes on.
func (e *Engine) Prepare(ctx context.Context, path string) error {
	if ready, err := e.ready(path); err != nil || ready {
		return err
	}
	wasm, err := readProgram(path)
	if err != nil {
		return fmt.Errorf("runner: %w", err)
	}
	if _, _, err := e.loadFor(ctx, wasm, digest(sha256.Sum256(wasm)), nil, true); err != nil {
		return fmt.Errorf("runner: %q: %w", path, err)
	}
	return nil
}

// ready reports whether the program's compiled code is in memory, being
// compiled, or in the store, judged by its remembered digest (see
// [Engine.Digest]) without reading an unchanged file again.
func (e *Engine) ready(path string) (bool, error) {
	sum, err := e.Digest(path)
	if err != nil {
		return false, err
	}
	var d digest
	if _, err := hex.Decode(d[:], []byte(sum)); err != nil {
		return false, err
	}
	e.progMu.Lock()
	_, inMemory := e.programs[d]
	e.progMu.Unlock()
	return inMemory || (e.store != nil && e.store.Has(e.storeKey(d))), nil
}
