package tasks

import (
	"cmp"
	"errors"
	"fmt"
	"github.com/wasmtasks/wasmtasks/internal/filestamp"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The index of file identities (state.Files) is bounded: an entry that no
// check used for indexMaxAge days is dropped, and beyond indexMaxFiles
// entries the least recently used go. A dropped entry costs only a read
// of its file at the next check that needs it.
const (
	indexMaxAge   = 30
	indexMaxFiles = 250_000
)

// today is the day number that index entries are stamped with when used.
func today() int64 { return time.Now().Unix() / 86400 }

// lookupFile returns the index entry of the file key, reading the state
// file on first need.
func (c *stateCache) lookupFile(key string) (fileRecord, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if rec, ok := c.learnt[key]; ok {
		return rec, true
	}
	rec, ok := c.loaded().Files[key]
	return rec, ok
}

// learn keeps what a check saw of settled files for the next [flush]: new
// digests, and entries last used on an earlier day (so that the index
// forgets only what no check uses). Nothing is kept when the index
// already says it, so a run that learnt nothing writes nothing.
func (c *stateCache) learn(seen map[string]fileRecord) {
	day := today()
	c.mu.Lock()
	defer c.mu.Unlock()
	files := c.loaded().Files
	for key, rec := range seen {
		if !rec.Settled {
			continue
		}
		old, ok := c.learnt[key]
		if !ok {
			old, ok = files[key]
		}
		if ok && old.Used == day && old.Stamp == rec.Stamp && old.Digest == rec.Digest {
			continue
		}
		if c.learnt == nil {
			c.learnt = map[string]fileRecord{}
		}
		rec.Used = day
		c.learnt[key] = rec
	}
}

// keepLearnt puts back entries whose write failed, unless newer ones
// came meanwhile; c.mu is held.
func (c *stateCache) keepLearnt(learnt map[string]fileRecord) {
	for key, rec := range learnt {
		if _, newer := c.learnt[key]; !newer {
			if c.learnt == nil {
				c.learnt = map[string]fileRecord{}
			}
			c.learnt[key] = rec
		}
	}
}

// mergeIndex returns the index with the learnt entries, less those unused
// for indexMaxAge days and, beyond indexMaxFiles, the least recently used.
func mergeIndex(files, learnt map[string]fileRecord, day int64, maxFiles int) map[string]fileRecord {
	out := make(map[string]fileRecord, len(files)+len(learnt))
	for key, rec := range files {
		if rec.Used > day-indexMaxAge {
			out[key] = rec
		}
	}
	maps.Copy(out, learnt)
	if len(out) <= maxFiles {
		return out
	}
	keys := slices.Collect(maps.Keys(out))
	slices.SortFunc(keys, func(a, b string) int { return cmp.Compare(out[b].Used, out[a].Used) })
	for _, key := range keys[maxFiles:] {
		delete(out, key)
	}
	return out
}

// MarshalJSON writes a record as one string of space-separated fields
// (digest, size, mtime, ctime, device, inode, settled, day used): the
// index can hold many thousands, and a string per entry reads several
// times faster than an object of objects.
func (r fileRecord) MarshalJSON() ([]byte, error) {
	settled := 0
	if r.Settled {
		settled = 1
	}
	s := fmt.Sprintf("%s %d %d %d %d %d %d %d", r.Digest, r.Stamp.Size, r.Stamp.Mtime, r.Stamp.Ctime, r.Stamp.Dev, r.Stamp.Ino, settled, r.Used)
	return strconv.AppendQuote(nil, s), nil
}

// errBadRecord refuses an index entry that is not what MarshalJSON wrote;
// the whole state is then ignored, as any damaged state is.
var errBadRecord = errors.New("bad file record")

// UnmarshalJSON reads what MarshalJSON wrote.
func (r *fileRecord) UnmarshalJSON(b []byte) error {
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return errBadRecord
	}
	f := strings.Split(string(b[1:len(b)-1]), " ")
	if len(f) != 8 {
		return errBadRecord
	}
	var n [7]int64
	var u [2]uint64
	var err error
	for i, s := range f[1:] {
		if i == 3 || i == 4 { // device and inode
			u[i-3], err = strconv.ParseUint(s, 10, 64)
		} else {
			n[i], err = strconv.ParseInt(s, 10, 64)
		}
		if err != nil {
			return errBadRecord
		}
	}
	*r = fileRecord{Digest: f[0], Settled: n[5] == 1, Used: n[6],
		Stamp: filestamp.Stamp{Size: n[0], Mtime: n[1], Ctime: n[2], Dev: u[0], Ino: u[1]}}
	return nil
}
