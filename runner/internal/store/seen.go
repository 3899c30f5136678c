package store

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/wasmtasks/wasmtasks/internal/filestamp"
	"github.com/wasmtasks/wasmtasks/internal/safefs"
)

// A verified entry's code is not hashed again while its file is unchanged:
// after a Get hashed the whole code and found its MAC good, it writes
// KEY.seen, the code file's identity (device, inode, size, modification
// and status-change times, see [filestamp]) with an HMAC under the store
// key over that identity, the entry's name and its code MAC. A later Get
// that finds the open file's fstat identical, with a MAC that verifies,
// skips the hash (issue 15: hashing 8–120 MB of code on every start cost
// more than loading it).
//
// Why this keeps the promise that a damaged or forged entry is never
// loaded:
//   - Writing the file in place changes its status-change time, which no
//     user but root can set back (utimes sets only the access and
//     modification times, and touching them sets ctime to now); replacing
//     it (rename, delete and create) gives a new inode and ctime. So an
//     equal identity means the very bytes that were hashed.
//   - A write within the file system's timestamp granularity of the
//     previous change could leave ctime as it was (git's "racy" entries):
//     an identity is recorded only when the file's ctime was older than
//     racyWindow when the hash started, so any later write gets a later
//     ctime.
//   - The identity file cannot be forged or moved to another entry without
//     the key: its MAC covers the identity, the entry's name and its code
//     MAC. A missing, damaged or forged one only costs a full hash.
//   - The identity is checked on the same open file that is then loaded.
//   - Without a status-change time (platforms where [filestamp.Stamp] is
//     not reliable) nothing is skipped.

// racyWindow is how old the code file's status-change time must be, when a
// Get starts hashing it, for its identity to vouch for its content later.
// A variable for tests.
var racyWindow = 2 * time.Second

// hashedBytes counts the bytes of compiled code hashed to verify entries,
// for tests.
var hashedBytes atomic.Int64

const seenMagic = "wasmtasks verified code identity " + layout

// seenRecord is the content of an entry's .seen file.
type seenRecord struct {
	stamp filestamp.Stamp
	mac   []byte
}

func (r seenRecord) encode() []byte {
	s := r.stamp
	return fmt.Appendf(nil, "%s\n%d %d %d %d %d\nhmac-sha256 %x\n", seenMagic, s.Dev, s.Ino, s.Size, s.Mtime, s.Ctime, r.mac)
}

var errBadSeen = errors.New("unrecognised identity file")

func decodeSeen(b []byte) (seenRecord, error) {
	var r seenRecord
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	if len(lines) != 3 || lines[0] != seenMagic {
		return r, errBadSeen
	}
	f := strings.Fields(lines[1])
	if len(f) != 5 {
		return r, errBadSeen
	}
	n := make([]int64, 5)
	for i, v := range f {
		var err error
		if n[i], err = strconv.ParseInt(v, 10, 64); err != nil {
			return r, errBadSeen
		}
	}
	r.stamp = filestamp.Stamp{Dev: uint64(n[0]), Ino: uint64(n[1]), Size: n[2], Mtime: n[3], Ctime: n[4]}
	mac, ok := strings.CutPrefix(lines[2], "hmac-sha256 ")
	var err error
	if r.mac, err = hex.DecodeString(mac); !ok || err != nil || len(r.mac) != sha256.Size {
		return r, errBadSeen
	}
	return r, nil
}

func (c *Store) seenPath(key string) string { return filepath.Join(c.dir, key+".seen") }

// seenMAC authenticates one identity of the code file of the entry under
// key whose sum is s.
func (c *Store) seenMAC(key string, s sum, st filestamp.Stamp) []byte {
	h := hmac.New(sha256.New, c.key.secret)
	fmt.Fprintf(h, "identity\n%s\n%s\n%x\n", layout, key, s.mac)
	h.Write(seenRecord{stamp: st}.encode())
	return h.Sum(nil)
}

// vouched reports whether the code file fi describes (the open file's
// fstat) is the very file a past Get verified for this sum.
func (c *Store) vouched(key string, s sum, fi fs.FileInfo) bool {
	st := filestamp.Of(fi)
	if !st.Reliable() {
		return false
	}
	b, err := safefs.ReadRegular(c.seenPath(key), maxSumFile, true)
	if err != nil {
		return false
	}
	r, err := decodeSeen(b)
	return err == nil && r.stamp == st && hmac.Equal(r.mac, c.seenMAC(key, s, st))
}

// vouch records the identity of a code file that was just verified, whose
// hash started at start, unless its ctime was too recent to vouch for it.
// Failing to record only costs a hash next time.
func (c *Store) vouch(key string, s sum, fi fs.FileInfo, start time.Time) {
	st := filestamp.Of(fi)
	if !st.Reliable() || st.Ctime >= start.Add(-racyWindow).UnixNano() {
		return
	}
	_ = c.writeFile(c.seenPath(key), seenRecord{stamp: st, mac: c.seenMAC(key, s, st)}.encode())
}

// SetRacyWindow sets racyWindow and returns a func that restores it: for
// the tests of the runner, which cannot wait seconds for files to age.
func SetRacyWindow(d time.Duration) (restore func()) {
	old := racyWindow
	racyWindow = d
	return func() { racyWindow = old }
}
