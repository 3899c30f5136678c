package store

import (
	"os"
	"testing"
)

// TestMain gives the tests a config folder of their own, so that the store
// key they make on first use is not the user's.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "wasmtasks-cache-config")
	if err != nil {
		panic(err)
	}
	os.Setenv("XDG_CONFIG_HOME", dir)
	os.Unsetenv(EnvKeyFile)
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}
