package runner

import "fmt"

// checkStore refuses a read-write folder through which the guest could
// write into the engine's store of compiled code or replace its key: code
// planted there would run in every later process. real is the folder as
// opened, so the check sees what the guest would get.
// A read-only folder must still not hold the key, which a guest could read
// and pass on.
func (c *Cmd) checkStore(d Dir, real string) error {
	if c.engine.store == nil {
		return nil
	}
	if d.ReadOnly {
		if err := CheckReadable(real); err != nil {
			return fmt.Errorf("read-only folder %w", err)
		}
		return nil
	}
	if err := CheckWritable(real, c.engine.store.Dir()); err != nil {
		return fmt.Errorf("read-write folder %w", err)
	}
	return nil
}
