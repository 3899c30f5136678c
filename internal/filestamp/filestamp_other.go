//go:build !linux && !darwin

package filestamp

import "io/fs"

// sysStamp adds nothing where the status-change time is not known: such
// stamps are not Reliable.
func sysStamp(fs.FileInfo, *Stamp) {}
