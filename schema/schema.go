// Package schema reads wasmtasks.yaml, the task file: its types, strict
// decoding that keeps every value's line and column, validation that
// reports every problem at once, variable expansion, and the JSON Schema
// that editors use to complete and check the file.
//
// The Go types below are the single source of the format: the decoder reads
// YAML into them through their `yaml` tags, and the JSON Schema is
// generated from the same tags and `doc` strings.
package schema

// Version is the task-file format version this package reads.
const Version = 1

// File is a task file that decoded and validated without error.
type File struct {
	Version    int          `yaml:"version" required:"true" doc:"The task-file format version; write 1."`
	Vars       Vars         `yaml:"vars" doc:"Variables for ${NAME} expansion in args, env values and paths. Names not defined here are looked up in the process environment."`
	CacheDir   HostPath     `yaml:"cache_dir" doc:"Folder of the store of compiled code, relative to the task file. Default: $WASMTASKS_CACHE_DIR, else the user cache folder's wasmtasks folder."`
	Components []*Component `yaml:"components" keyed:"true" doc:"Reusable program definitions, by name."`
	Tasks      []*Task      `yaml:"tasks" keyed:"true" doc:"Named runs of components, by name."`

	// Path is the task file's path and Dir its folder, which relative paths
	// in the file are resolved against.
	Path string `yaml:"-"`
	Dir  string `yaml:"-"`
}

// Component is a WASI program and the settings every task that runs it gets.
type Component struct {
	Name string `yaml:"-"`
	Pos  Pos    `yaml:"-"`

	Path        HostPath `yaml:"path" required:"true" doc:"The program: a wasi:cli command component or a WASI preview1 module, relative to the task file."`
	SHA256      Digest   `yaml:"sha256" doc:"Expected SHA-256 of the program file, checked before it is compiled."`
	Description string   `yaml:"description" doc:"What the component is, for people."`
	Settings    `yaml:",inline"`
}

// Task is a named run of a component, with settings that add to or
// replace the component's ([Settings.Merge]).
type Task struct {
	Name string `yaml:"-"`
	Pos  Pos    `yaml:"-"`

	Description string `yaml:"description" doc:"What the task does, shown by wasmtasks list."`
	Component   Ref    `yaml:"component" required:"true" doc:"Name of the component to run."`
	Settings    `yaml:",inline"`
	Deps        []Ref  `yaml:"deps" doc:"Tasks that must succeed before this one runs."`
	Inputs      []Glob `yaml:"inputs" doc:"Files the task reads, as globs relative to the task file (** matches any depth). With them the task is skipped while its inputs, program, settings and outputs are unchanged since its last success."`
	Outputs     []Glob `yaml:"outputs" doc:"Files the task writes, as globs relative to the task file; checked by content in the up-to-date check."`
}

// Dir is a host folder preopened for the program.
type Dir struct {
	Pos Pos `yaml:"-" hash:"ignore"`

	Host     HostPath `yaml:"host" required:"true" doc:"The folder on the host, relative to the task file."`
	Guest    String   `yaml:"guest" required:"true" doc:"Absolute path at which the program sees the folder."`
	ReadOnly bool     `yaml:"readonly" doc:"Forbid the program to create, change or delete anything in the folder."`
	Create   *bool    `yaml:"create" doc:"Whether a missing read-write folder is created (with its parents) when a task that mounts it runs. Default: true; false makes a missing folder fail the task. A read-only folder is never created."`
}

// Creates reports whether a missing host folder is made when a task that
// mounts it runs: a read-write folder unless create: false says not.
func (d *Dir) Creates() bool { return !d.ReadOnly && (d.Create == nil || *d.Create) }

// Pos is a place in the task file.
type Pos struct {
	Line, Col int
}
