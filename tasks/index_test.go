package tasks

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/wasmtasks/wasmtasks/internal/filestamp"
	"github.com/wasmtasks/wasmtasks/internal/safefs"
)

// TestIndexRecordEncoding: a record survives its compact encoding at the
// edges of its numbers, and a state file whose index is damaged is
// ignored whole (every task then runs), never half read.
func TestIndexRecordEncoding(t *testing.T) {
	for _, rec := range []fileRecord{
		{},
		{Digest: "ab", Settled: true, Used: 20000, Stamp: filestamp.Stamp{Dev: math.MaxUint64, Ino: math.MaxUint64, Size: math.MaxInt64, Mtime: math.MinInt64, Ctime: -1}},
	} {
		b, err := json.Marshal(rec)
		if err != nil {
			t.Fatal(err)
		}
		var got fileRecord
		if err := json.Unmarshal(b, &got); err != nil || got != rec {
			t.Errorf("%s came back as %+v, %v; want %+v", b, got, err, rec)
		}
	}
	dir := filepath.Join(t.TempDir(), stateDir)
	os.MkdirAll(dir, 0o755)
	for _, bad := range []string{`"x 1 2"`, `{}`, `"x 1 2 3 4 5 6 seven"`, `"x 1 2 3 -4 5 6 7"`, `12`} {
		os.WriteFile(filepath.Join(dir, "state.json"), fmt.Appendf(nil, `{"version":%d,"tasks":{"t":{"inputs":"a"}},"files":{"f":%s}}`, stateVersion, bad), 0o644)
		if st := (stateFile{dir: dir, guard: safefs.NewGuard(filepath.Dir(dir))}).load(); len(st.Tasks) != 0 {
			t.Errorf("a state with the index entry %s was used", bad)
		}
	}
}

// TestIndexBounded: the index forgets entries no check used for
// indexMaxAge days and, beyond its size, the least recently used.
func TestIndexBounded(t *testing.T) {
	const day = 20000
	files := map[string]fileRecord{
		"old":    {Used: day - indexMaxAge},
		"recent": {Used: day - indexMaxAge + 1},
		"a":      {Used: day - 3},
		"b":      {Used: day - 2},
	}
	for _, c := range []struct {
		max  int
		want []string
	}{
		{5, []string{"new", "b", "a", "recent"}}, // room for all: "old" goes by age
		{2, []string{"new", "b"}},
	} {
		got := mergeIndex(files, map[string]fileRecord{"new": {Used: day}}, day, c.max)
		if len(got) != len(c.want) {
			t.Errorf("max %d: kept %v, want %v", c.max, got, c.want)
		}
		for _, k := range c.want {
			if _, ok := got[k]; !ok {
				t.Errorf("max %d: dropped %s; kept %v", c.max, k, got)
			}
		}
	}
}
