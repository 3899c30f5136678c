//go:build !unix

package safefs

import (
	"fmt"
	"io/fs"
)

// Owner reports no owner: outside Unix, ownership is not checked.
func Owner(fs.FileInfo) (uid int, ok bool) { return 0, false }

// UserName names a user ID for messages.
func UserName(uid int) string { return fmt.Sprintf("uid %d", uid) }

// Perm returns the owner's permission bits only: outside Unix the group and
// other bits that Go reports are made up, not permissions.
func Perm(fi fs.FileInfo) fs.FileMode { return fi.Mode().Perm() & 0o700 }
