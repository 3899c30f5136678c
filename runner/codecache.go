package runner

import (
	"fmt"
)

// CodeCache shares compiled code beyond this machine, such as a remote
// cache that a team's CI fills. The engine asks it, by the store's name
// for a program's code, after a miss in its own store and before
// compiling, and gives it what it compiled. The blobs are opaque to the
// cache and authenticated by the store: the engine uses a CodeCache only
// when its store is on a team key ($WASMTASKS_STORE_KEY_FILE), and stores
// a blob only when its MAC verifies under that key, so compiled code runs
// only when a holder of the key made it. The runner makes no network
// request of its own: the CodeCache does, and must bound its time.
type CodeCache interface {
	// GetCode returns the blob stored under key, or nil.
	GetCode(key string) []byte
	// PutCode offers the blob for key to the cache; it must not block
	// for long (queue it).
	PutCode(key string, blob []byte)
}

// ShareCode makes the engine ask c before it compiles a program that is
// not in its store, and give c what it compiles; nil stops it. It has no
// effect on an engine without a store or whose store key is the user's
// own: compiled code is native code, shared only among holders of a team
// key the user opted into.
func (e *Engine) ShareCode(c CodeCache) {
	if c == nil {
		e.shared.Store(nil)
		return
	}
	e.shared.Store(&c)
}

// sharedCode returns the CodeCache in effect, or nil.
func (e *Engine) sharedCode() CodeCache {
	p := e.shared.Load()
	if p == nil || e.store == nil || !e.store.Team() {
		return nil
	}
	return *p
}

// fromShared obtains a program's compiled code from the CodeCache into the
// store, verified there, and loads it; nil when it has none or it does
// not verify (then with a warning).
func (e *Engine) fromShared(kind Kind, key string) *program {
	cc := e.sharedCode()
	if cc == nil {
		return nil
	}
	blob := cc.GetCode(key)
	if blob == nil {
		return nil
	}
	if err := e.store.Import(key, kind.String(), blob); err != nil {
		e.log.Warn(fmt.Sprintf("remote cache: discarded compiled code: %v; compiling the program", err), "key", key)
		return nil
	}
	ent, err := e.store.Get(key)
	if err != nil {
		return nil
	}
	p := e.deserialize(kind, key, ent)
	if p == nil {
		e.store.Remove(key)
	}
	return p
}

// toShared gives code the engine compiled to the CodeCache, sealed with
// the store key.
func (e *Engine) toShared(kind Kind, key string, code []byte) {
	if cc := e.sharedCode(); cc != nil {
		cc.PutCode(key, e.store.Pack(key, kind.String(), code))
	}
}
