package peerflags

import (
	"encoding/json"
	"os"
	"time"
)

// Stats is what a peer measured inside its own process, written to a
// file for the bench to read back: the parts a whole-process time mixes.
type Stats struct {
	Compile, Run  time.Duration
	ArtifactBytes int
}

// Write saves s as JSON.
func (s Stats) Write(path string) error {
	b, err := json.Marshal(s)
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}

// ReadStats reads what [Stats.Write] saved.
func ReadStats(path string) (Stats, error) {
	var s Stats
	b, err := os.ReadFile(path)
	if err == nil {
		err = json.Unmarshal(b, &s)
	}
	return s, err
}
