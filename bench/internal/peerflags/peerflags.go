// Package peerflags parses the command line that the bench's peer
// commands share: [-cache DIR] [-dir HOST::GUEST]… [-ro-dir HOST::GUEST]…
// FILE.wasm [ARGS…].
package peerflags

import (
	"flag"
	"fmt"
	"os"
	"strings"
)

// Dir is a host folder mapped to a guest path.
type Dir struct {
	Host, Guest string
	ReadOnly    bool
}

// Command is a parsed command line.
type Command struct {
	CacheDir string
	Dirs     []Dir
	// Args is the program file followed by its arguments.
	Args []string
}

// Parse reads os.Args.
func Parse() Command {
	var c Command
	flag.StringVar(&c.CacheDir, "cache", "", "keep compiled code in DIR")
	flag.Func("dir", "HOST::GUEST, read-write", func(v string) error { return c.add(v, false) })
	flag.Func("ro-dir", "HOST::GUEST, read-only", func(v string) error { return c.add(v, true) })
	flag.Parse()
	c.Args = flag.Args()
	if len(c.Args) == 0 {
		fmt.Fprintln(os.Stderr, "usage: [-cache DIR] [-dir HOST::GUEST]… [-ro-dir HOST::GUEST]… FILE.wasm [ARGS…]")
		os.Exit(2)
	}
	return c
}

func (c *Command) add(spec string, readOnly bool) error {
	host, guest, ok := strings.Cut(spec, "::")
	if !ok {
		return fmt.Errorf("%q is not HOST::GUEST", spec)
	}
	c.Dirs = append(c.Dirs, Dir{Host: host, Guest: guest, ReadOnly: readOnly})
	return nil
}

// Exit ends the process with the program's status, or 2 and the error.
func Exit(name string, code int, err error) {
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
		os.Exit(2)
	}
	os.Exit(code)
}
