package store

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wasmtasks/wasmtasks/internal/filestamp"
)

var aProgram = Program{Digest: strings.Repeat("ab", 32), Info: "module memories 1 tables 1"}

// agedStamp is the stamp of a file whose status-change time is well past
// the racy window at start.
func agedStamp(start time.Time) filestamp.Stamp {
	return filestamp.Stamp{Dev: 1, Ino: 2, Size: 3, Mtime: 4, Ctime: start.Add(-time.Hour).UnixNano()}
}

// recordOne opens a store and records aProgram for an aged file version.
func recordOne(t *testing.T) (*Store, filestamp.Stamp) {
	c, _ := open(t, 0)
	start := time.Now()
	st := agedStamp(start)
	c.RecordProgram(st, aProgram, start)
	return c, st
}

func TestProgramRecord(t *testing.T) {
	c, st := recordOne(t)
	if got, ok := c.LookupProgram(st); !ok || got != aProgram {
		t.Fatalf("LookupProgram: %v %v, want %v", got, ok, aProgram)
	}
	for _, other := range []filestamp.Stamp{
		{Dev: 1, Ino: 2, Size: 3, Mtime: 4, Ctime: st.Ctime + 1}, // written since
		{Dev: 1, Ino: 9, Size: 3, Mtime: 4, Ctime: st.Ctime},     // another file
		{Dev: 1, Ino: 2, Size: 3, Mtime: 4},                      // no ctime: not reliable
	} {
		if _, ok := c.LookupProgram(other); ok {
			t.Errorf("LookupProgram(%+v) found the record of %+v", other, st)
		}
	}
}

// TestRacyProgramIsNotRecorded: a file changed within the racy window
// before its reading began could change again without a new ctime, so its
// identity vouches for nothing.
func TestRacyProgramIsNotRecorded(t *testing.T) {
	c, _ := open(t, 0)
	start := time.Now()
	st := agedStamp(start)
	st.Ctime = start.Add(-racyWindow / 2).UnixNano()
	c.RecordProgram(st, aProgram, start)
	if _, ok := c.LookupProgram(st); ok {
		t.Fatal("a file changed within the racy window was recorded")
	}
}

// TestProgramRecordOfAnotherKey: a record made under another store key
// (another user's store copied in, or a forgery) does not verify.
func TestProgramRecordOfAnotherKey(t *testing.T) {
	c, st := recordOne(t)
	c.key = newStoreKey([]byte("another secret, another store"), "elsewhere")
	if _, ok := c.LookupProgram(st); ok {
		t.Fatal("a record verified under another key")
	}
}

func TestPruneForgetsOldProgramRecords(t *testing.T) {
	c, st := recordOne(t)
	old := time.Now().Add(-2 * programRecordAge)
	if err := os.Chtimes(c.programPath(st), old, old); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Prune(); err != nil {
		t.Fatal(err)
	}
	if recs, _ := filepath.Glob(filepath.Join(c.dir, "*.prog")); len(recs) != 0 {
		t.Fatalf("Prune left %v", recs)
	}
}

// TestProgramNames: the records name the programs of entries by key and
// by digest, the newest record winning; a record of another store key or
// with a name changed after it was made names nothing.
func TestProgramNames(t *testing.T) {
	c, _ := open(t, 0)
	start := time.Now()
	named := aProgram
	named.Key, named.Name = "k1", "go:example.com/tool@v1.0.0"
	older := agedStamp(start)
	c.RecordProgram(older, Program{Digest: named.Digest, Info: named.Info, Key: "k1", Name: "old name"}, start)
	past := time.Now().Add(-time.Hour)
	os.Chtimes(c.programPath(older), past, past)
	newer := older
	newer.Ino++
	c.RecordProgram(newer, named, start)
	if got, ok := c.LookupProgram(newer); !ok || got != named {
		t.Fatalf("LookupProgram: %+v %v, want %+v", got, ok, named)
	}
	byKey, byDigest := c.ProgramNames()
	if byKey["k1"] != named.Name || byDigest[named.Digest] != named.Name || len(byKey) != 1 {
		t.Errorf("ProgramNames: %v %v; want the newer name", byKey, byDigest)
	}
	b, _ := os.ReadFile(c.programPath(newer))
	os.WriteFile(c.programPath(newer), []byte(strings.Replace(string(b), "example.com", "evil.example", 1)), 0o600)
	if byKey, _ := c.ProgramNames(); byKey["k1"] != "old name" {
		t.Errorf("a changed record was believed: %v", byKey)
	}
	c.key = newStoreKey([]byte("another secret, another store"), "elsewhere")
	if byKey, byDigest := c.ProgramNames(); len(byKey)+len(byDigest) != 0 {
		t.Errorf("records of another key were believed: %v %v", byKey, byDigest)
	}
}

// TestLongProgramNameIsShortened: a name that would not fit a record is
// kept by its end, and the record still verifies (a record too long to
// read back would be written again on every run).
func TestLongProgramNameIsShortened(t *testing.T) {
	c, _ := open(t, 0)
	start := time.Now()
	st := agedStamp(start)
	p := aProgram
	p.Name = strings.Repeat("é", maxProgramRecord) + "/tool.wasm"
	c.RecordProgram(st, p, start)
	got, ok := c.LookupProgram(st)
	if !ok || !strings.HasSuffix(got.Name, "/tool.wasm") || len(got.Name) > maxProgramName+len("…") {
		t.Fatalf("LookupProgram: %v, a name of %d bytes", ok, len(got.Name))
	}
}
