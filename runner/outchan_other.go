//go:build !unix

package runner

// outChan stands in for the pipes of Unix: elsewhere a pipe has no path
// that wasmtime could open, and only the process's own streams work.
type outChan struct{ path string }

func newOutChan() (*outChan, error) { return nil, errNoPipes }

func (*outChan) attach(*outTarget) {}
func (*outChan) detach()           {}
func (*outChan) close()            {}
func (*outChan) kick()             {}
