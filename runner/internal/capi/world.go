package capi

// WASI is what a guest may see of the world: its arguments, environment,
// standard streams and preopened directories. The zero value gives no
// arguments, no environment, empty stdin and discarded output.
type WASI struct {
	Args []string
	Env  [][2]string // name, value

	// StdinFile names a file (on Unix, /dev/fd/N of a pipe) to read stdin from;
	// InheritStdin gives the guest the process's own stdin instead.
	StdinFile    string
	InheritStdin bool

	// The guest's output goes to the process's own streams with Inherit
	// set, into a file (a path, or /dev/fd/N of a pipe) with File set, and
	// nowhere otherwise.
	InheritStdout, InheritStderr bool
	StdoutFile, StderrFile       string

	Dirs []Preopen
}

// Preopen is a host directory the guest sees at an absolute guest path.
type Preopen struct {
	Host, Guest string
	ReadOnly    bool
}
