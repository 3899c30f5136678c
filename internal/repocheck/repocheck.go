// Package repocheck holds the rules about what the repository itself may
// track, checked in CI by its tests: a file that belongs in a release or a
// build folder, once committed, stays in every clone for ever.
package repocheck

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os/exec"
	"slices"
	"strconv"
	"strings"
)

// MaxFileBytes is the size above which a tracked file must live in a
// testdata folder (fuzz corpora, test programs), if anywhere.
const MaxFileBytes = 1 << 20

// ErrLargeFiles is matched by the error of [CheckFileSizes].
var ErrLargeFiles = errors.New("files over 1 MiB are tracked outside testdata folders")

// File is a tracked file and the size of its tracked content.
type File struct {
	Path string
	Size int64
}

// CheckFileSizes fails, with the list, when the git repository at root
// tracks a file over [MaxFileBytes] outside a testdata folder.
func CheckFileSizes(root string) error {
	large, err := LargeFiles(root, MaxFileBytes)
	if err != nil || len(large) == 0 {
		return err
	}
	var b strings.Builder
	for _, f := range large {
		fmt.Fprintf(&b, "\n  %s (%d bytes)", f.Path, f.Size)
	}
	return fmt.Errorf("repocheck: %w; remove them (git rm --cached FILE) and ignore them in .gitignore, or move test data under testdata/:%s", ErrLargeFiles, b.String())
}

// LargeFiles lists, by path, the files in git's index at root (what is
// committed or staged, whatever the work tree holds now) whose content is
// larger than limit bytes, except those under a folder named testdata.
func LargeFiles(root string, limit int64) ([]File, error) {
	paths, objects, err := trackedBlobs(root)
	if err != nil {
		return nil, err
	}
	sizes, err := blobSizes(root, objects)
	if err != nil {
		return nil, err
	}
	var large []File
	for i, p := range paths {
		if sizes[i] > limit {
			large = append(large, File{Path: p, Size: sizes[i]})
		}
	}
	slices.SortFunc(large, func(a, b File) int { return strings.Compare(a.Path, b.Path) })
	return large, nil
}

// trackedBlobs returns the paths and object names of the files in the
// index, leaving out submodules and anything under testdata.
func trackedBlobs(root string) (paths, objects []string, err error) {
	out, err := gitOutput(root, nil, "ls-files", "-s", "-z")
	if err != nil {
		return nil, nil, err
	}
	for _, entry := range strings.Split(string(out), "\x00") {
		// "mode object stage\tpath"
		meta, path, ok := strings.Cut(entry, "\t")
		fields := strings.Fields(meta)
		if !ok || len(fields) != 3 || fields[0] == "160000" || inTestdata(path) {
			continue
		}
		paths, objects = append(paths, path), append(objects, fields[1])
	}
	return paths, objects, nil
}

func inTestdata(path string) bool {
	return slices.Contains(strings.Split(path, "/"), "testdata")
}

// blobSizes asks git for the size of each object, in order.
func blobSizes(root string, objects []string) ([]int64, error) {
	if len(objects) == 0 {
		return nil, nil
	}
	in := strings.Join(objects, "\n") + "\n"
	out, err := gitOutput(root, strings.NewReader(in), "cat-file", "--batch-check=%(objectsize)")
	if err != nil {
		return nil, err
	}
	var sizes []int64
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		n, err := strconv.ParseInt(sc.Text(), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("repocheck: git cat-file said %q: %w", sc.Text(), err)
		}
		sizes = append(sizes, n)
	}
	if len(sizes) != len(objects) {
		return nil, fmt.Errorf("repocheck: git cat-file gave %d sizes for %d files", len(sizes), len(objects))
	}
	return sizes, nil
}

func gitOutput(root string, stdin *strings.Reader, args ...string) ([]byte, error) {
	cmd := exec.Command("git", append([]string{"-C", root}, args...)...)
	if stdin != nil {
		cmd.Stdin = stdin
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("repocheck: git %s in %s: %w: %s; the check needs git and a clone", args[0], root, err, bytes.TrimSpace(stderr.Bytes()))
	}
	return out, nil
}
