package store

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
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
	// Key names the entry of its compiled code, and Name is how people
	// call the program (a path, or a source such as oci:…): with them
	// `wasmtasks cache info` can say whose code an entry is. A Name longer
	// than [maxProgramName] bytes is kept shortened.
	Key, Name string
}

// maxProgramName bounds the name a record keeps, so that the record stays
// well within [maxProgramRecord].
const maxProgramName = 1 << 10

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
	return fmt.Sprintf("%s\nstamp %s\nsha256 %s\ninfo %s\nkey %s\nname %s\n",
		programMagic, encodeStamp(st), p.Digest, p.Info, p.Key, strconv.Quote(p.Name))
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
	p, stamp, ok := c.readProgram(c.programPath(st))
	return p, ok && stamp == string(encodeStamp(st))
}

// readProgram reads and verifies the record at path, and returns it with
// the stamp it is for.
func (c *Store) readProgram(path string) (p Program, stamp string, ok bool) {
	b, err := safefs.ReadRegular(path, maxProgramRecord, true)
	if err != nil {
		return Program{}, "", false
	}
	body, macLine, ok := strings.Cut(strings.TrimSuffix(string(b), "\n"), "\nhmac-sha256 ")
	body += "\n"
	mac, err := hex.DecodeString(macLine)
	if !ok || err != nil || !hmac.Equal(mac, c.programMAC(body)) {
		return Program{}, "", false
	}
	p, stamp, err = decodeProgram(body)
	return p, stamp, err == nil
}

var errBadProgram = errors.New("unrecognised program record")

func decodeProgram(body string) (p Program, stamp string, err error) {
	lines := strings.Split(strings.TrimSuffix(body, "\n"), "\n")
	if len(lines) != 6 || lines[0] != programMagic {
		return Program{}, "", errBadProgram
	}
	fields := make([]string, 5)
	for i, name := range []string{"stamp ", "sha256 ", "info ", "key ", "name "} {
		v, ok := strings.CutPrefix(lines[i+1], name)
		if !ok {
			return Program{}, "", errBadProgram
		}
		fields[i] = v
	}
	p = Program{Digest: fields[1], Info: fields[2], Key: fields[3]}
	if p.Name, err = strconv.Unquote(fields[4]); err != nil {
		return Program{}, "", errBadProgram
	}
	if _, err := hex.DecodeString(p.Digest); err != nil || len(p.Digest) != 2*sha256.Size {
		return Program{}, "", errBadProgram
	}
	return p, fields[0], nil
}

// ProgramNames returns what the verified program records call the
// programs of the store's entries: by entry key, and by the programs' hex
// SHA-256 (the name of the newest record where several name one). A
// forged or damaged record is left out, as are records of another key.
func (c *Store) ProgramNames() (byKey, byDigest map[string]string) {
	type named struct {
		name string
		at   time.Time
	}
	keys, digests := map[string]named{}, map[string]named{}
	keep := func(m map[string]named, id, name string, at time.Time) {
		if old, ok := m[id]; id != "" && (!ok || at.After(old.at)) {
			m[id] = named{name, at}
		}
	}
	des, _ := os.ReadDir(c.dir)
	for _, de := range des {
		if !strings.HasSuffix(de.Name(), ".prog") {
			continue
		}
		info, err := de.Info()
		if err != nil {
			continue
		}
		if p, _, ok := c.readProgram(filepath.Join(c.dir, de.Name())); ok && p.Name != "" {
			keep(keys, p.Key, p.Name, info.ModTime())
			keep(digests, p.Digest, p.Name, info.ModTime())
		}
	}
	byKey, byDigest = map[string]string{}, map[string]string{}
	for id, n := range keys {
		byKey[id] = n.name
	}
	for id, n := range digests {
		byDigest[id] = n.name
	}
	return byKey, byDigest
}

// RecordProgram remembers p for the file version st, whose bytes the caller
// began reading at start and found unchanged (the same st) after hashing
// them. A version changed too shortly before start is not recorded (see
// above), nor is one without a status-change time. Failing to record only
// costs a read next time.
func (c *Store) RecordProgram(st filestamp.Stamp, p Program, start time.Time) {
	if !st.Reliable() || st.Ctime >= start.Add(-racyWindow).UnixNano() || strings.ContainsAny(p.Info+p.Key, "\n") {
		return
	}
	if len(p.Name) > maxProgramName {
		p.Name = "…" + strings.ToValidUTF8(p.Name[len(p.Name)-maxProgramName:], "")
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
