//go:build unix

package safefs

import (
	"fmt"
	"io/fs"
	"os/user"
	"strconv"
	"syscall"
)

// Owner returns the user ID that owns the file; ok is false where files
// have no such owner.
func Owner(fi fs.FileInfo) (uid int, ok bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, false
	}
	return int(st.Uid), true
}

// UserName names a user ID for messages: "nobody (uid 65534)".
func UserName(uid int) string {
	if u, err := user.LookupId(strconv.Itoa(uid)); err == nil {
		return fmt.Sprintf("%s (uid %d)", u.Username, uid)
	}
	return fmt.Sprintf("uid %d", uid)
}

// Perm returns the file's permission bits.
func Perm(fi fs.FileInfo) fs.FileMode { return fi.Mode().Perm() }
