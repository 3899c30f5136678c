package tasks

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// compareRuns compares the outputs of two scratch runs of s (see
// [Runner.scratchRun]) and names the first difference in the guest's
// terms.
func compareRuns(s *spec, a, b string) error {
	la, errA := listFiles(a)
	lb, errB := listFiles(b)
	files, err := union(la, errA, lb, errB)
	if err != nil {
		return fmt.Errorf("check %s: %w", s.task.Name, err)
	}
	for _, rel := range files {
		off, detail, err := firstDifference(filepath.Join(a, rel), filepath.Join(b, rel))
		if err != nil {
			return fmt.Errorf("check %s: %w", s.task.Name, err)
		}
		if off >= 0 || detail != "" {
			return &NotReproducibleError{Task: s.task.Name, File: guestName(s, rel), Offset: off, Detail: detail}
		}
	}
	return nil
}

// guestName turns a path of a scratch run into what the task calls it:
// dirs/N/x is x under the guest path of the task's Nth folder.
func guestName(s *spec, rel string) string {
	parts := strings.SplitN(filepath.ToSlash(rel), "/", 3)
	if len(parts) < 2 || parts[0] != "dirs" {
		return rel // stdout, stderr
	}
	i, _ := strconv.Atoi(parts[1])
	if len(parts) == 2 {
		return s.dirs[i].Guest
	}
	return path.Join(s.dirs[i].Guest, parts[2])
}

// listFiles lists every file and symlink under root, relative and sorted.
func listFiles(root string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		out = append(out, rel)
		return nil
	})
	return out, err
}

func union(a []string, errA error, b []string, errB error) ([]string, error) {
	if err := errors.Join(errA, errB); err != nil {
		return nil, err
	}
	all := append(a, b...)
	slices.Sort(all)
	return slices.Compact(all), nil
}

// firstDifference returns the first offset at which two files differ (-1
// when they are equal), or a detail when one is missing or a symlink
// differs.
func firstDifference(a, b string) (int64, string, error) {
	ia, errA := os.Lstat(a)
	ib, errB := os.Lstat(b)
	switch {
	case errors.Is(errA, fs.ErrNotExist):
		return -1, "was written only by the second run", nil
	case errors.Is(errB, fs.ErrNotExist):
		return -1, "was written only by the first run", nil
	case errA != nil || errB != nil:
		return -1, "", errors.Join(errA, errB)
	case ia.Mode().Type() != ib.Mode().Type():
		return -1, "is a different kind of file in each run", nil
	case ia.Mode()&fs.ModeSymlink != 0:
		ta, _ := os.Readlink(a)
		tb, _ := os.Readlink(b)
		if ta != tb {
			return -1, "is a symlink to different targets", nil
		}
		return -1, "", nil
	}
	return compareBytes(a, b)
}

func compareBytes(a, b string) (int64, string, error) {
	fa, err := os.Open(a)
	if err != nil {
		return -1, "", err
	}
	defer fa.Close()
	fb, err := os.Open(b)
	if err != nil {
		return -1, "", err
	}
	defer fb.Close()
	ra, rb := bufio.NewReader(fa), bufio.NewReader(fb)
	for off := int64(0); ; off++ {
		ca, errA := ra.ReadByte()
		cb, errB := rb.ReadByte()
		switch {
		case errA == io.EOF && errB == io.EOF:
			return -1, "", nil
		case errA == io.EOF || errB == io.EOF:
			return off, "", nil // one is a prefix of the other
		case errA != nil || errB != nil:
			return -1, "", errors.Join(errA, errB)
		case ca != cb:
			return off, "", nil
		}
	}
}
