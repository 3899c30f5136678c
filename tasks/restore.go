package tasks

import (
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/wasmtasks/wasmtasks/internal/tempfile"
)

// A remote cache's ActionResult names the files to write by paths it
// chose: a cache that anyone with write access can fill is as hostile as
// a guest. So a restored file goes only where the task itself could have
// written it, and never through a symlink planted on the way.

// ErrNotAnOutput is matched (errors.Is) by the error of restoreFile for a
// path a task could not have written: not clean and relative, outside its
// read-write folders and output files, or in wasmtasks' own folder.
var ErrNotAnOutput = errors.New("not a path the task writes")

// outputPlace is a place a task may write, project-relative and
// slash-separated: a read-write folder (everything strictly below it) or
// an output file (itself).
type outputPlace struct {
	path   string
	folder bool
}

// holds reports whether rel lies in the place.
func (p outputPlace) holds(rel string) bool {
	if !p.folder {
		return rel == p.path
	}
	return p.path == "." || strings.HasPrefix(rel, p.path+"/")
}

// checkOutputPath refuses a path that is not a clean relative path inside
// one of places.
func checkOutputPath(rel string, places []outputPlace) error {
	clean := rel != "" && !path.IsAbs(rel) && path.Clean(rel) == rel && rel != "." &&
		!strings.ContainsAny(rel, "\\\x00") && rel != ".." && !strings.HasPrefix(rel, "../")
	if !clean {
		return fmt.Errorf("%w: %q is not a clean relative path", ErrNotAnOutput, rel)
	}
	if rel == stateDir || strings.HasPrefix(rel, stateDir+"/") {
		return fmt.Errorf("%w: %q is in wasmtasks' own folder", ErrNotAnOutput, rel)
	}
	for _, p := range places {
		if p.holds(rel) {
			return nil
		}
	}
	return fmt.Errorf("%w: %q is neither in a read-write folder of the task nor one of its output files", ErrNotAnOutput, rel)
}

// restoreFile writes data to rel, a path of the project, as a task whose
// places are places would have: atomically (a temporary file renamed over
// it), its folders made as needed through the project's guard, so that a
// symlink a task planted on the way is refused (safefs.ErrPlanted) and a
// symlink at the file's own name is replaced, not written through.
func (r *Runner) restoreFile(rel string, places []outputPlace, data []byte, executable bool) error {
	if err := checkOutputPath(rel, places); err != nil {
		return err
	}
	abs := filepath.Join(r.project.File.Dir, filepath.FromSlash(rel))
	dir, err := r.guard.MkdirAll(filepath.Dir(abs))
	if err != nil {
		return err
	}
	defer dir.Close()
	perm := os.FileMode(0o644)
	if executable {
		perm = 0o755
	}
	return tempfile.WriteIn(dir.Root(), filepath.Base(abs), data, perm)
}
