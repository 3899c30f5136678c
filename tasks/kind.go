package tasks

import "github.com/wasmtasks/wasmtasks/schema"

// upToDateKind is how a task is found up to date. The zero value is no
// kind, so a kind that was never decided cannot pass for one.
type upToDateKind int

const (
	kindInvalid upToDateKind = iota
	// kindDeclared: the task lists inputs; its fingerprint covers the
	// program, settings and those files, its outputs the declared ones.
	kindDeclared
	// kindSandbox: the task lists no inputs and leaves something behind
	// (a read-write folder, an output file); its fingerprint covers
	// everything it can read, its outputs everything it can write.
	kindSandbox
	// kindAlways: the task runs every time: its only effect is the
	// console, it says so, or what it reads cannot be fingerprinted.
	kindAlways
)

var kindNames = [...]string{"invalid", "declared", "sandbox", "always"}

func (k upToDateKind) String() string {
	if k < 0 || int(k) >= len(kindNames) {
		return kindNames[kindInvalid]
	}
	return kindNames[k]
}

// kindMeaning says in a few words what each kind means, for --dry-run.
var kindMeaning = map[upToDateKind]string{
	kindDeclared: "skipped while its inputs, outputs, program and settings are unchanged",
	kindSandbox:  "skipped while nothing it can see or write changed",
	kindAlways:   "runs every time",
}

// upToDateKind is how the task is found up to date (see [spec.decideKind]).
func (s *spec) upToDateKind() upToDateKind {
	k, _ := s.decideKind()
	return k
}

// decideKind decides, in one place, how the task is found up to date, and
// says why: `run: always` wins; declared inputs narrow the check on
// purpose; a stdin inherited from the terminal cannot be fingerprinted;
// otherwise a task with a lasting effect, or one that says
// `run: when_changed`, is checked by everything it can see.
func (s *spec) decideKind() (upToDateKind, string) {
	switch {
	case s.settings.Run == schema.RunAlways:
		return kindAlways, "run: always"
	case len(s.task.Inputs) > 0:
		return kindDeclared, "it lists inputs"
	case s.settings.Stdin.Mode == schema.StreamInherit:
		return kindAlways, "stdin: inherit cannot be fingerprinted"
	case s.settings.Run == schema.RunWhenChanged:
		return kindSandbox, "run: when_changed"
	case s.leavesFiles():
		return kindSandbox, "it writes a read-write folder or an output file"
	}
	return kindAlways, "its only effect is the console"
}

// leavesFiles reports whether the task can leave something behind: a
// read-write folder or a file its stdout or stderr go to.
func (s *spec) leavesFiles() bool {
	for _, d := range s.dirs {
		if !d.ReadOnly {
			return true
		}
	}
	return len(s.outputFiles()) > 0
}
