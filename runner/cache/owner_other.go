//go:build !unix

package cache

import (
	"fmt"
	"io/fs"
)

// ownerOf reports no owner: outside Unix, ownership is not checked.
func ownerOf(fs.FileInfo) (uid int, ok bool) { return 0, false }

func userName(uid int) string { return fmt.Sprintf("uid %d", uid) }

// permOf returns the owner's permission bits only: outside Unix the group
// and other bits that Go reports are made up, not permissions.
func permOf(fi fs.FileInfo) fs.FileMode { return fi.Mode().Perm() & 0o700 }
