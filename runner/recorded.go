package runner

import (
	"encoding/hex"
	"fmt"
	"path/filepath"
	"time"

	"github.com/wasmtasks/wasmtasks/runner/internal/store"
)

// A process that starts a program the store has compiled code for need not
// read and hash the program file when an earlier run (of any process)
// recorded the file's identity with its digest (store/programs.go): with
// it come the program's kind and shape, the rest of what the runner learns
// from the bytes before it loads stored code.

// recordInfo is what a record keeps besides the digest.
func recordInfo(k Kind, sh shape) string {
	return fmt.Sprintf("%s memories %d tables %d", k, sh.memories, sh.tables)
}

func parseRecordInfo(s string) (Kind, shape, bool) {
	var kind string
	var sh shape
	if _, err := fmt.Sscanf(s, "%s memories %d tables %d", &kind, &sh.memories, &sh.tables); err != nil {
		return KindUnknown, sh, false
	}
	for _, k := range []Kind{Module, Component} {
		if k.String() == kind && sh.memories >= 0 && sh.tables >= 0 {
			return k, sh, true
		}
	}
	return KindUnknown, sh, false
}

// recorded returns what the store recorded of the file version stamp.
func (e *Engine) recorded(stamp fileStamp) (d digest, kind Kind, sh shape, ok bool) {
	if e.store == nil {
		return d, KindUnknown, sh, false
	}
	rec, ok := e.store.LookupProgram(stamp)
	if !ok {
		return d, KindUnknown, sh, false
	}
	if kind, sh, ok = parseRecordInfo(rec.Info); !ok {
		return d, KindUnknown, sh, false
	}
	if n, err := hex.Decode(d[:], []byte(rec.Digest)); err != nil || n != len(d) {
		return d, KindUnknown, sh, false
	}
	return d, kind, sh, true
}

// loadRecorded loads the stored code of the recorded program d, when no
// run of the engine has loaded or is loading it (those take the usual way
// and share it) and the store holds it; ok is false otherwise.
func (e *Engine) loadRecorded(d digest, kind Kind, sh shape) (p *program, ok bool) {
	e.progMu.Lock()
	_, busy := e.programs[d]
	e.progMu.Unlock()
	if busy {
		return nil, false
	}
	key := e.storeKey(d)
	ent, err := e.store.Get(key)
	if err != nil {
		return nil, false
	}
	if p = e.deserialize(kind, key, ent); p == nil {
		e.store.Remove(key)
		return nil, false
	}
	p.shape = sh
	f := &loadFlight{done: make(chan struct{}), prog: p, src: Stored, size: -1, started: time.Now()}
	close(f.done)
	e.progMu.Lock()
	defer e.progMu.Unlock()
	if _, busy := e.programs[d]; busy {
		p.c.Close() // another run loaded it meanwhile: use that one
		return nil, false
	}
	e.programs[d] = f
	return p, true
}

// record remembers, in the store, the digest of the program file at path
// that a run read (beginning at start) and loaded, if the file is still
// the version stamp, with the key of its code and its name (see
// [Cmd.Name]; empty means the absolute path).
func (e *Engine) record(path, name string, stamp fileStamp, d digest, p *program, start time.Time) {
	if e.store == nil {
		return
	}
	if now, err := statFile(path); err != nil || now != stamp {
		return
	}
	if name == "" {
		name, _ = filepath.Abs(path)
	}
	e.store.RecordProgram(stamp, store.Program{
		Digest: hex.EncodeToString(d[:]),
		Info:   recordInfo(p.kind, p.shape),
		Key:    e.storeKey(d),
		Name:   name,
	}, start)
}
