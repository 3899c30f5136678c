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
	Version     int          `yaml:"version" required:"true" doc:"The task-file format version; write 1."`
	Vars        Vars         `yaml:"vars" doc:"Variables for ${NAME} expansion in args, env values and paths. Names not defined here are looked up in the process environment."`
	CacheDir    HostPath     `yaml:"cache_dir" doc:"Folder of the store of compiled code, relative to the task file. Default: $WASMTASKS_CACHE_DIR, else the user cache folder's wasmtasks folder."`
	RemoteCache RemoteCache  `yaml:"remote_cache" doc:"A Bazel HTTP remote cache (bazel-remote, nginx with WebDAV, …) that shares compiled code among holders of a team store key: https://cache.example/team, or {url: …, read_only: true} to never write. Credentials come from $WASMTASKS_REMOTE_CACHE_CREDENTIALS or ~/.netrc, never from here. --remote-cache and $WASMTASKS_REMOTE_CACHE override it; --no-remote-cache turns it off."`
	Components  []*Component `yaml:"components" keyed:"true" doc:"Reusable program definitions, by name."`
	Tasks       []*Task      `yaml:"tasks" keyed:"true" doc:"Named runs of components, by name."`

	// Path is the task file's path and Dir its folder, which relative paths
	// in the file are resolved against.
	Path string `yaml:"-"`
	Dir  string `yaml:"-"`
}

// Component is a WASI program and the settings every task that runs it gets.
type Component struct {
	Name string `yaml:"-"`
	Pos  Pos    `yaml:"-"`

	// The program comes from exactly one of Path, Go, URL and OCI (the
	// oneof tag); File and SHA256 say more about a URL's.
	Path        HostPath    `yaml:"path" oneof:"program" doc:"The program, a file of the project: a wasi:cli command component or a WASI preview1 module, relative to the task file."`
	Go          GoPackage   `yaml:"go" oneof:"program" doc:"The program is built from a Go main package for GOOS=wasip1 GOARCH=wasm: ./tools/gen (a package of the project's own module) or golang.org/x/tools/cmd/goyacc@v0.52.0 (a module version; @latest is resolved once and pinned in wasmtasks.lock)."`
	URL         URL         `yaml:"url" oneof:"program" requires:"sha256" doc:"The program is downloaded once from this http(s) URL into the store; with file: the URL serves a .tar.gz, .tgz or .zip archive that holds it."`
	OCI         OCIRef      `yaml:"oci" oneof:"program" doc:"The program is a WebAssembly OCI artifact: registry/org/tool:1.0 or registry/org/tool@sha256:…; localhost and 127.0.0.1 are reached over plain HTTP."`
	File        ArchivePath `yaml:"file" requires:"url" doc:"The program's path inside the archive that url: serves, like package/tool.wasm."`
	SHA256      Digest      `yaml:"sha256" doc:"Expected SHA-256: with url:, of what the URL serves (the archive, with file:); else of the program itself, checked before anything runs."`
	Description string      `yaml:"description" doc:"What the component is, for people."`
	Settings    `yaml:",inline"`
}

// HasSource reports whether the program comes from go:, url: or oci:
// rather than a file of the project.
func (c *Component) HasSource() bool { return !c.Path.IsSet() }

// IsArchive reports whether the component's program is a file inside an
// archive (url: with file:), whose folders dirs can mount.
func (c *Component) IsArchive() bool { return c.URL != "" && c.File != "" }

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

	// The folder is Host, or Path inside the archive of the component
	// Archive names.
	Host     HostPath    `yaml:"host" oneof:"folder" doc:"The folder on the host, relative to the task file."`
	Archive  Ref         `yaml:"archive" oneof:"folder" requires:"readonly" why:"an archive is unpacked once into the store and shared by every task that mounts it, so programs may only read it" doc:"A component with url: and file: whose archive holds the folder (data files that ship beside a program). The archive is unpacked once into the store and shared, so the folder is read-only: write readonly: true."`
	Path     ArchivePath `yaml:"path" requires:"archive" doc:"The folder inside the archive, like package/share. Default: the whole archive."`
	Guest    String      `yaml:"guest" required:"true" doc:"Absolute path at which the program sees the folder."`
	ReadOnly bool        `yaml:"readonly" doc:"Forbid the program to create, change or delete anything in the folder."`
	Create   *bool       `yaml:"create" doc:"Whether a missing read-write folder is created (with its parents) when a task that mounts it runs. Default: true; false makes a missing folder fail the task. A read-only folder is never created."`
}

// Creates reports whether a missing host folder is made when a task that
// mounts it runs: a read-write folder unless create: false says not.
func (d *Dir) Creates() bool { return !d.ReadOnly && (d.Create == nil || *d.Create) }

// Pos is a place in the task file.
type Pos struct {
	Line, Col int
}
