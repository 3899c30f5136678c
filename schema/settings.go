package schema

import (
	"reflect"
	"sync"
)

// Settings are what a program runs with. A component gives them to every
// task that runs it, and a task adds to or replaces them: each field is a
// key of both, defined here once. Its `merge` tag says how a task's value
// meets its component's ([Settings.Merge]); the up-to-date check hashes
// every field unless it is tagged `hash:"ignore"`, so a new setting counts
// by default.
type Settings struct {
	Args       []String   `yaml:"args" merge:"append" doc:"Arguments passed to the program."`
	Env        Env        `yaml:"env" merge:"append" doc:"Environment variables the program sees; a later value of a name replaces an earlier one."`
	InheritEnv InheritEnv `yaml:"inherit_env" merge:"append" doc:"Host environment variables passed through: true for all, or a list of names. Default: none."`
	Stdin      *Input     `yaml:"stdin" merge:"override" doc:"Standard input: none (the default), inherit, or {file: path}."`
	Stdout     *Output    `yaml:"stdout" merge:"override" doc:"Standard output: inherit (the default), discard, or {file: path, append: bool}."`
	Stderr     *Output    `yaml:"stderr" merge:"override" doc:"Standard error: inherit (the default), discard, or {file: path, append: bool}."`
	Dirs       []*Dir     `yaml:"dirs" merge:"append" doc:"Host folders the program may open. It sees nothing else of the file system."`
	Timeout    Duration   `yaml:"timeout" merge:"override" doc:"Stop the program after this long, like 30s or 2m. Default: no limit."`
	Memory     Size       `yaml:"memory" merge:"override" doc:"Cap on each linear memory of the program, like 512MiB. Default: no cap."`
	ExitCodes  ExitCodes  `yaml:"exit_codes" merge:"override" doc:"Exit statuses that count as success. Default: [0]. A component can only report 0 or 1; a preview1 module any status."`
	// FailOnStdout is for check tools (gofmt -l) that report problems by
	// printing them and exiting 0.
	FailOnStdout bool      `yaml:"fail_on_stdout" merge:"append" doc:"Any output on stdout fails the task, whatever its exit status: for checkers like gofmt -l that list problems and exit 0. Default: false."`
	Tmp          bool      `yaml:"tmp" merge:"append" doc:"Give the program an empty read-write /tmp of its own, made for the run and removed after it. Default: false."`
	Workdir      GuestPath `yaml:"workdir" merge:"override" doc:"The program's current folder, a guest path inside one of its dirs (or /tmp). Go programs start there; C programs (wasi-libc) start at / and get it as $PWD. Default: none."`
	// Reproducible is a pointer so that a task's false overrides its
	// component's true.
	Reproducible *bool `yaml:"reproducible" merge:"override" doc:"Fix the program's wall clock (SOURCE_DATE_EPOCH of its env or of the host, else 0) and seed its randomness from the task's name, so its output does not depend on when it ran. Default: false."`
	// Run overrides the up-to-date check that a task's effects call for
	// (see the tasks package): a checker whose only effect is the console
	// may ask to be skipped, a task with effects may ask to always run.
	Run RunPolicy `yaml:"run" merge:"override" doc:"When the task runs: always (every time), or when_changed (skipped while nothing it can see changed, even if its only effect is the console). Default: skipped while unchanged if it declares inputs or writes a read-write folder or an output file; otherwise every time."`
}

// Defaults are the settings of a program that its component and task do
// not set; merge the component's and then the task's onto them.
func Defaults() Settings {
	return Settings{
		Stdin:     &Input{Mode: StreamNone},
		Stdout:    &Output{Mode: StreamInherit},
		Stderr:    &Output{Mode: StreamInherit},
		ExitCodes: ExitCodes{0},
	}
}

// mergeDocs is what each merge rule means, added to the descriptions in
// the JSON Schema.
var mergeDocs = map[string]string{
	"append":   "A task's are added after its component's.",
	"override": "A task's replaces its component's.",
}

// Merge returns s with over applied, as a task's settings apply to its
// component's: a field tagged merge:"append" joins the two (lists
// concatenated, s's first; a true flag stays true), and one tagged
// merge:"override" takes over's value when over sets it. Neither argument
// is changed, but the result shares a list with s or over when only one of
// them has entries (clipped, so appending copies): replace an entry in a
// copy (slices.Clone), never in place, since a component's lists are shared
// by all its tasks, which may run at once.
func (s Settings) Merge(over Settings) Settings {
	out := reflect.ValueOf(&s).Elem()
	ov := reflect.ValueOf(over)
	for i, appends := range mergeRules() {
		f, o := out.Field(i), ov.Field(i)
		switch {
		case appends:
			f.Set(join(f, o))
		case !o.IsZero():
			f.Set(o)
		}
	}
	return s
}

// mergeRules says for each field of Settings whether it appends (else it
// overrides), read from the merge tags once: Merge runs for every task.
var mergeRules = sync.OnceValue(func() []bool {
	t := reflect.TypeFor[Settings]()
	rules := make([]bool, t.NumField())
	for i := range rules {
		switch rule := t.Field(i).Tag.Get("merge"); rule {
		case "append":
			rules[i] = true
		case "override":
		default:
			panic("schema: Settings." + t.Field(i).Name + " has no merge rule")
		}
	}
	return rules
})

// join appends lists and ors flags, field by field through structs.
func join(a, b reflect.Value) reflect.Value {
	switch a.Kind() {
	case reflect.Slice:
		// Most tasks add nothing to most lists: share the one list then,
		// clipped so that appending to the result copies.
		switch {
		case b.Len() == 0:
			return clip(a)
		case a.Len() == 0:
			return clip(b)
		}
		out := reflect.MakeSlice(a.Type(), 0, a.Len()+b.Len())
		return reflect.AppendSlice(reflect.AppendSlice(out, a), b)
	case reflect.Bool:
		if b.Bool() {
			return b
		}
		return a
	case reflect.Struct:
		// No shortcut for a zero b: a's lists must come out clipped too.
		out := reflect.New(a.Type()).Elem()
		for i := range a.NumField() {
			out.Field(i).Set(join(a.Field(i), b.Field(i)))
		}
		return out
	}
	panic("schema: cannot append values of type " + a.Type().String())
}

// clip returns the slice with no room to append in place; one without room
// already is returned as it is (reslicing allocates).
func clip(v reflect.Value) reflect.Value {
	if v.Len() == v.Cap() {
		return v
	}
	return v.Slice3(0, v.Len(), v.Len())
}
