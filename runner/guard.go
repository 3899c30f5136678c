package runner

import (
	"fmt"

	"github.com/wasmtasks/wasmtasks/runner/cache"
)

// checkStore refuses a run whose guest could write into the engine's store
// of compiled code or replace its key, through a read-write folder: code
// planted there would run in every later process.
func (c *Cmd) checkStore() error {
	if c.engine.cache == nil {
		return nil
	}
	key, _ := cache.KeyFile()
	for _, d := range c.Dirs {
		if d.ReadOnly {
			continue
		}
		if err := cache.CheckWritable(d.Host, c.engine.cache.Dir(), key); err != nil {
			return fmt.Errorf("read-write folder %w", err)
		}
	}
	return nil
}
