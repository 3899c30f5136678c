package tasks

import (
	"crypto/sha256"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/wasmtasks/wasmtasks/runner"
)

// reproducible returns what a task with `reproducible: true` sees instead
// of the host's clock and entropy. The wall clock reads SOURCE_DATE_EPOCH
// (the reproducible-builds convention) from the task's environment, else
// from wasmtasks' own, else 0. The seed is a hash of the task's name only:
// it must not depend on the task's inputs, or a one-byte change of an
// input would change every random byte of the output and hide the real
// difference; two tasks still get different streams.
func reproducible(task string, env []string) (*runner.Reproducible, error) {
	epoch, ok := lookupEnv(env, "SOURCE_DATE_EPOCH")
	if !ok {
		epoch = os.Getenv("SOURCE_DATE_EPOCH")
	}
	r := &runner.Reproducible{Clock: time.Unix(0, 0).UTC(), Seed: sha256.Sum256([]byte("wasmtasks reproducible seed\x00" + task))}
	if epoch == "" {
		return r, nil
	}
	secs, err := strconv.ParseInt(epoch, 10, 64)
	if err != nil || secs < 0 {
		return nil, fmt.Errorf("reproducible: SOURCE_DATE_EPOCH is %q, not a whole number of seconds since 1970; set it to one (like $(git log -1 --format=%%ct)) or unset it", epoch)
	}
	r.Clock = time.Unix(secs, 0).UTC()
	return r, nil
}

// lookupEnv finds NAME in "NAME=value" strings; the last one wins, as in
// the guest's environment.
func lookupEnv(env []string, name string) (string, bool) {
	value, found := "", false
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, name+"="); ok {
			value, found = v, true
		}
	}
	return value, found
}
