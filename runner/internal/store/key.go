package store

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/wasmtasks/wasmtasks/internal/safefs"
	"github.com/wasmtasks/wasmtasks/internal/tempfile"
)

// keyBytes is the size of a store key.
const keyBytes = 32

// maxKeyFile bounds what is read of a key file.
const maxKeyFile = 4 << 10

// storeKey is the secret that authenticates entries, and its public ID.
type storeKey struct {
	secret []byte
	id     string // hex of the first 8 bytes of SHA-256(secret)
	file   string
	team   bool // named by $WASMTASKS_STORE_KEY_FILE: shared on purpose
}

func newStoreKey(secret []byte, file string) storeKey {
	h := sha256.Sum256(secret)
	return storeKey{secret: secret, id: hex.EncodeToString(h[:8]), file: file}
}

// KeyFile returns the path of the store key in effect:
// $WASMTASKS_STORE_KEY_FILE, else the user config folder's
// wasmtasks/store.key.
func KeyFile() (string, error) {
	if p := os.Getenv(EnvKeyFile); p != "" {
		return filepath.Abs(p)
	}
	cfg, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("store: no config folder for the store key (set %s): %w", EnvKeyFile, err)
	}
	return filepath.Join(cfg, "wasmtasks", "store.key"), nil
}

// loadKey reads the store key, making the user's own on first use; a team
// key named by $WASMTASKS_STORE_KEY_FILE must exist.
func loadKey() (storeKey, error) {
	path, err := KeyFile()
	if err != nil {
		return storeKey{}, err
	}
	k, err := readKey(path)
	if errors.Is(err, fs.ErrNotExist) && os.Getenv(EnvKeyFile) == "" {
		k, err = createKey(path)
	}
	k.team = os.Getenv(EnvKeyFile) != ""
	return k, err
}

// readKey reads a key file: 64 hex digits, in a file that only its owner,
// the user, can read, in folders that no other user can replace it in.
func readKey(path string) (storeKey, error) {
	if err := checkParents(path); err != nil {
		return storeKey{}, err
	}
	f, fi, err := safefs.OpenRegular(path, false)
	if errors.Is(err, safefs.ErrNotRegular) {
		return storeKey{}, unsafef("store: key: %v; it must be a file of 64 hex digits", err)
	}
	if err != nil {
		return storeKey{}, fmt.Errorf("store: key: %w", err)
	}
	defer f.Close()
	if err := checkPrivateFile(path, fi); err != nil {
		return storeKey{}, err
	}
	b, err := safefs.ReadAll(f, fi, maxKeyFile)
	if err != nil {
		return storeKey{}, fmt.Errorf("store: key: %w", err)
	}
	secret, err := hex.DecodeString(string(bytes.TrimSpace(b)))
	if err != nil || len(secret) < keyBytes {
		return storeKey{}, fmt.Errorf("store: key %s does not hold at least 64 hex digits; make one with 'openssl rand -hex 32 > %s'", path, path)
	}
	return newStoreKey(secret, path), nil
}

// createKey makes a new random key at path, 0600 in a 0700 folder. Written
// to a temporary file and linked into place, it never replaces a key that
// another process made first: then that key is used.
func createKey(path string) (storeKey, error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return storeKey{}, fmt.Errorf("store: key: %w", err)
	}
	secret := make([]byte, keyBytes)
	rand.Read(secret)
	text := fmt.Appendf(nil, "%x\n", secret)
	err := tempfile.Write(dir, ".store.key-*", text, func(tmp string) error { return os.Link(tmp, path) })
	if err != nil && !errors.Is(err, fs.ErrExist) {
		return storeKey{}, fmt.Errorf("store: key: %w", err)
	}
	// Read back what is there, ours or a concurrent creator's, with every check.
	return readKey(path)
}
