package store

import (
	"bytes"
	"crypto/hmac"
	"errors"
	"fmt"
	"os"
)

// An entry travels to other machines (through a remote cache) as one
// blob: its .sum file followed by its code. The receiving store accepts it
// only when the MAC verifies under its own key, so sharing compiled code
// needs a key the machines share: a team key (see [Store.Team]).

// Team reports whether the store's key is a team key the user opted into
// ($WASMTASKS_STORE_KEY_FILE), rather than the user's own: only then may
// its entries be shared with and taken from other machines, whose holders
// of the same key the user chose to trust.
func (c *Store) Team() bool { return c.key.team }

// seal returns the .sum of code stored under key.
func (c *Store) seal(key, kind string, code []byte) sum {
	h := c.newMAC(key, kind, int64(len(code)))
	h.Write(code)
	return sum{kind: kind, size: int64(len(code)), keyID: c.key.id, mac: h.Sum(nil)}
}

// Pack returns the blob that carries code of the given kind, stored under
// key, to another store: the entry's .sum and the code.
func (c *Store) Pack(key, kind string, code []byte) []byte {
	s := c.seal(key, kind, code).encode()
	return append(s, code...)
}

// ErrForeign is wrapped by the error of [Store.Import] for a blob that is
// not an entry of this store's key: damaged, forged, made under another
// key, or for another key or kind.
var ErrForeign = errors.New("not compiled code made under this store's key")

// Import checks a blob made by [Store.Pack] on another machine and stores
// its entry under key. It refuses, with an error matching [ErrForeign], a
// blob whose MAC does not verify under this store's key, or that was made
// for another key or kind of program; nothing is written then.
func (c *Store) Import(key, kind string, blob []byte) error {
	s, code, err := c.unpack(key, blob)
	if err != nil {
		return fmt.Errorf("store: %w (%v)", ErrForeign, err)
	}
	if s.kind != kind {
		return fmt.Errorf("store: %w (a %s, want a %s)", ErrForeign, s.kind, kind)
	}
	if err := c.writeFile(c.codePath(key), code); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	if err := c.writeFile(c.sumPath(key), s.encode()); err != nil {
		os.Remove(c.codePath(key))
		return fmt.Errorf("store: %w", err)
	}
	c.puts.Add(1)
	if _, _, err := c.evict(c.max, key); err != nil {
		c.log.Warn(fmt.Sprintf("store: eviction failed: %v", err))
	}
	return nil
}

// unpack splits a blob into its .sum and code and verifies the MAC.
func (c *Store) unpack(key string, blob []byte) (sum, []byte, error) {
	end := 0
	for range 5 { // the .sum's lines
		i := bytes.IndexByte(blob[end:], '\n')
		if i < 0 || end+i >= maxSumFile {
			return sum{}, nil, errors.New("no checksum")
		}
		end += i + 1
	}
	s, err := decodeSum(blob[:end])
	if err != nil {
		return s, nil, err
	}
	code := blob[end:]
	switch {
	case s.keyID != c.key.id:
		return s, nil, fmt.Errorf("made under store key ID %s; this store's key %s has ID %s", s.keyID, c.key.file, c.key.id)
	case int64(len(code)) != s.size:
		return s, nil, fmt.Errorf("%d bytes of code, want %d", len(code), s.size)
	case !hmac.Equal(c.seal(key, s.kind, code).mac, s.mac):
		return s, nil, errors.New("its authentication code does not verify")
	}
	return s, code, nil
}
