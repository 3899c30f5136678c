package tasks

import (
	"github.com/wasmtasks/wasmtasks/internal/safefs"

	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestStateSurvivesKilledWriter kills processes with SIGKILL while they
// record task state, and checks that the state file is always whole JSON.
func TestStateSurvivesKilledWriter(t *testing.T) {
	if dir := os.Getenv("WASMTASKS_KILL_STATE"); dir != "" {
		s := stateFile{dir: dir, guard: safefs.NewGuard(filepath.Dir(dir))}
		for i := 0; ; i++ {
			s.record(fmt.Sprintf("task-%d", i%50), &taskRecord{Inputs: fmt.Sprint(i), Outputs: fmt.Sprint(i)})
		}
	}
	dir := filepath.Join(t.TempDir(), stateDir)
	for round := range 5 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestStateSurvivesKilledWriter$")
		cmd.Env = append(os.Environ(), "WASMTASKS_KILL_STATE="+dir)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Kill it only once it has written: a slow start (the race
		// detector, a busy machine) must not make the round vacuous.
		for i := 0; i < 1000; i++ {
			if _, err := os.Stat(filepath.Join(dir, "state.json")); err == nil {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		time.Sleep(time.Duration(50+round*50) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		b, err := os.ReadFile(filepath.Join(dir, "state.json"))
		if err != nil || !json.Valid(b) {
			t.Fatalf("round %d: state file %v, valid JSON %v", round, err, json.Valid(b))
		}
	}
}

// TestConcurrentRecordsAreNotLost records from many goroutines at once, as
// two wasmtasks processes on one project would: no record may be lost.
func TestConcurrentRecordsAreNotLost(t *testing.T) {
	dir := filepath.Join(t.TempDir(), stateDir)
	s := stateFile{dir: dir, guard: safefs.NewGuard(filepath.Dir(dir))}
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Go(func() {
			if err := s.record(fmt.Sprintf("task-%d", i), &taskRecord{Inputs: "x"}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := len(s.load().Tasks); n != 40 {
		b, _ := os.ReadFile(filepath.Join(dir, "state.json"))
		t.Errorf("%d records of 40 survived:\n%s", n, bytes.TrimSpace(b))
	}
}
