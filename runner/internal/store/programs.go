package store

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/wasmtasks/wasmtasks/internal/filestamp"
	"github.com/wasmtasks/wasmtasks/internal/safefs"
)

// A program file is addressed by its content (the store key covers its
// SHA-256), which must not mean reading and hashing an unchanged 2.6–30 MB
// program on every start of a process. So the store remembers, for each
// version of a program file it was shown, what that version is: after a
// run read and hashed a file, ID.prog records the file's identity (device,
// inode, size, modification and status-change times), its digest and what
// the runner learnt of it, under an HMAC with the store key; a later
// process that finds the same identity takes the digest from the record.
// ID is the hex SHA-256 of the identity, so a lookup is one small read.
//
// This is the argument of seen.go for the code files, applied to program
// files: an equal identity means the very bytes that were hashed, since a
// write changes the status-change time, which only root can set back, and
// a record is made only for a file whose status-change time was older than
// racyWindow when the reading began (and unchanged after it). A forged or
// damaged record does not verify and costs a read; a record never vouches
// for compiled code, which Get verifies as before.

// Program is what the store knows of one version of a program file.
type Program struct {
	// Digest is the hex SHA-256 of the file's bytes.
	Digest string
	// Info is what the caller learnt of the program (one line of text);
	// the store keeps it, authenticated, and gives it back.
	Info string
}

const programMagic = "wasmtasks program identity " + layout

// maxProgramRecord bounds what is read of a .prog file.
const maxProgramRecord = 4 << 10

func (c *Store) programPath(st filestamp.Stamp) string {
	id := sha256.Sum256(encodeStamp(st))
	return filepath.Join(c.dir, hex.EncodeToString(id[:])+".prog")
}

func encodeStamp(s filestamp.Stamp) []byte {
	return fmt.Appendf(nil, "%d %d %d %d %d", s.Dev, s.Ino, s.Size, s.Mtime, s.Ctime)
}

// programBody is a record without its MAC line; the MAC covers it whole.
func programBody(st filestamp.Stamp, p Program) string {
	return fmt.Sprintf("%s\nstamp %s\nsha256 %s\ninfo %s\n", programMagic, encodeStamp(st), p.Digest, p.Info)
}

func (c *Store) programMAC(body string) []byte {
	h := hmac.New(sha256.New, c.key.secret)
	h.Write([]byte(body))
	return h.Sum(nil)
}

// LookupProgram returns what a past [Store.RecordProgram] recorded for the
// file version st, if its record verifies.
func (c *Store) LookupProgram(st filestamp.Stamp) (Program, bool) {
	if !st.Reliable() {
		return Program{}, false
	}
	b, err := safefs.ReadRegular(c.programPath(st), maxProgramRecord, true)
	if err != nil {
		return Program{}, false
	}
	body, macLine, ok := strings.Cut(strings.TrimSuffix(string(b), "\n"), "\nhmac-sha256 ")
	body += "\n"
	mac, err := hex.DecodeString(macLine)
	if !ok || err != nil || !hmac.Equal(mac, c.programMAC(body)) {
		return Program{}, false
	}
	p, err := decodeProgram(body, st)
	return p, err == nil
}

var errBadProgram = errors.New("unrecognised program record")

func decodeProgram(body string, st filestamp.Stamp) (Program, error) {
	lines := strings.Split(strings.TrimSuffix(body, "\n"), "\n")
	if len(lines) != 4 || lines[0] != programMagic || lines[1] != "stamp "+string(encodeStamp(st)) {
		return Program{}, errBadProgram
	}
	d, ok1 := strings.CutPrefix(lines[2], "sha256 ")
	info, ok2 := strings.CutPrefix(lines[3], "info ")
	if _, err := hex.DecodeString(d); !ok1 || !ok2 || err != nil || len(d) != 2*sha256.Size {
		return Program{}, errBadProgram
	}
	return Program{Digest: d, Info: info}, nil
}

// RecordProgram remembers p for the file version st, whose bytes the caller
// began reading at start and found unchanged (the same st) after hashing
// them. A version changed too shortly before start is not recorded (see
// above), nor is one without a status-change time. Failing to record only
// costs a read next time.
func (c *Store) RecordProgram(st filestamp.Stamp, p Program, start time.Time) {
	if !st.Reliable() || st.Ctime >= start.Add(-racyWindow).UnixNano() || strings.ContainsAny(p.Info, "\n") {
		return
	}
	if old, ok := c.LookupProgram(st); ok && old == p {
		return
	}
	body := programBody(st, p)
	_ = c.writeFile(c.programPath(st), fmt.Appendf(nil, "%shmac-sha256 %x\n", body, c.programMAC(body)))
}

// removePrograms removes the program records that are older than minAge:
// they are small, but a long-lived store sees ever new program files.
func (c *Store) removePrograms(minAge time.Duration) (removed int, freed int64) {
	des, _ := os.ReadDir(c.dir)
	for _, de := range des {
		if !strings.HasSuffix(de.Name(), ".prog") {
			continue
		}
		info, err := de.Info()
		if err != nil || time.Since(info.ModTime()) < minAge {
			continue
		}
		if os.Remove(filepath.Join(c.dir, de.Name())) == nil {
			removed++
			freed += info.Size()
		}
	}
	return removed, freed
}
