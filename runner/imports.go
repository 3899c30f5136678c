package runner

import (
	"github.com/wasmtasks/wasmtasks/internal/exitcode"

	"fmt"
	"slices"
	"strings"
)

// ImportError reports a program that needs what this host cannot give
// it: every such import, and every component-model async feature it uses,
// grouped by what they mean. It is found by reading the program's sections,
// before anything is compiled. Its exit status is 2: the program cannot run
// here at all.
type ImportError struct {
	Groups []ImportGroup
}

// ImportGroup is the imports or features that fail for one reason.
type ImportGroup struct {
	// Reason says what the items mean and what to do about them.
	Reason string
	// Items name the imports (wasi:http/types@0.2.3, env::not_provided) or
	// the features (stream type).
	Items []string
}

func (e *ImportError) Error() string {
	var b strings.Builder
	b.WriteString("cannot run here; it needs what wasmtasks does not provide:")
	for _, g := range e.Groups {
		fmt.Fprintf(&b, "\n  %s: %s", g.Reason, strings.Join(g.Items, ", "))
	}
	b.WriteString("\nbuild it as a WASI 0.2 command component or a WASI preview1 module that needs none of these")
	return b.String()
}

// ExitStatus is 2, as for any program that cannot be run at all.
func (e *ImportError) ExitStatus() int { return exitcode.Usage }

// The reasons, in the order an error lists them.
const (
	reasonAsync   = "uses WASI 0.3 / component-model async, which wasmtime 39 cannot run"
	reasonHTTP    = "needs wasi:http (not available: tasks get no network)"
	reasonJS      = "needs a JavaScript host (it was built for a browser or Node.js)"
	reasonThreads = "needs wasi-threads (not available)"
	reasonWASI    = "needs WASI interfaces wasmtasks does not provide (it has wasi:cli, wasi:clocks, wasi:filesystem, wasi:io, wasi:random and wasi:sockets at 0.2.x)"
	reasonOther   = "needs interfaces no WASI host provides (compose it with components that export them)"
	reasonP1      = "imports functions that WASI preview1 does not have"
)

// wasip2 is every interface that wasmtime 39's WASIp2 linker defines
// (checked against the linker), at any 0.2.x version.
var wasip2 = map[string][]string{
	"cli": {"environment", "exit", "stdin", "stdout", "stderr", "terminal-input", "terminal-output",
		"terminal-stdin", "terminal-stdout", "terminal-stderr"},
	"clocks":     {"monotonic-clock", "wall-clock"},
	"filesystem": {"types", "preopens"},
	"io":         {"error", "poll", "streams"},
	"random":     {"random", "insecure", "insecure-seed"},
	"sockets": {"network", "instance-network", "tcp", "tcp-create-socket", "udp", "udp-create-socket",
		"ip-name-lookup"},
}

// wasip1 is every function of wasi_snapshot_preview1, all of which
// wasmtime defines.
var wasip1 = strings.Fields(`args_get args_sizes_get environ_get environ_sizes_get clock_res_get
	clock_time_get fd_advise fd_allocate fd_close fd_datasync fd_fdstat_get fd_fdstat_set_flags
	fd_fdstat_set_rights fd_filestat_get fd_filestat_set_size fd_filestat_set_times fd_pread
	fd_prestat_get fd_prestat_dir_name fd_pwrite fd_read fd_readdir fd_renumber fd_seek fd_sync
	fd_tell fd_write path_create_directory path_filestat_get path_filestat_set_times path_link
	path_open path_readlink path_remove_directory path_rename path_symlink path_unlink_file
	poll_oneoff proc_exit proc_raise sched_yield random_get sock_accept sock_recv sock_send
	sock_shutdown`)

// importError returns the *ImportError for what n needs and the host
// lacks, or nil.
func (n *needs) importError() error {
	var groups []ImportGroup
	add := func(reason, item string) {
		i := slices.IndexFunc(groups, func(g ImportGroup) bool { return g.Reason == reason })
		if i < 0 {
			groups = append(groups, ImportGroup{Reason: reason})
			i = len(groups) - 1
		}
		if !slices.Contains(groups[i].Items, item) {
			groups[i].Items = append(groups[i].Items, item)
		}
	}
	for _, f := range n.async {
		add(reasonAsync, f)
	}
	if !n.unread {
		for _, imp := range n.imports {
			if reason, item := imp.missing(); reason != "" {
				add(reason, item)
			}
		}
	}
	if len(groups) == 0 {
		return nil
	}
	order := []string{reasonAsync, reasonHTTP, reasonJS, reasonThreads, reasonWASI, reasonOther, reasonP1}
	slices.SortStableFunc(groups, func(a, b ImportGroup) int {
		return rank(order, a.Reason) - rank(order, b.Reason)
	})
	return &ImportError{Groups: groups}
}

// rank is the place of reason in order; the per-module reasons come last.
func rank(order []string, reason string) int {
	if i := slices.Index(order, reason); i >= 0 {
		return i
	}
	return len(order)
}

// missing returns why the host cannot provide imp, and how to name imp
// under that reason; or "" when the host can.
func (imp wasmImport) missing() (reason, item string) {
	if imp.module == "" {
		return missingInterface(imp.name), imp.name
	}
	item = imp.name
	if imp.kind != "func" {
		item += " (" + imp.kind + ")"
	}
	switch {
	case imp.module == "wasi_snapshot_preview1" && imp.kind == "func":
		if slices.Contains(wasip1, imp.name) {
			return "", ""
		}
		return reasonP1, item
	case imp.module == "wasi" && imp.name == "thread-spawn":
		return reasonThreads, "wasi::thread-spawn"
	case isJSGlue(imp.module, imp.name):
		return reasonJS, imp.module + "::" + item
	}
	return fmt.Sprintf("imports from module %q (not WASI)", imp.module), item
}

// missingInterface returns why the host cannot provide a component's
// import of name (wasi:cli/stdin@0.2.0), or "" when it can.
func missingInterface(name string) string {
	ns, rest, _ := strings.Cut(name, ":")
	pkg, rest, _ := strings.Cut(rest, "/")
	iface, version, _ := strings.Cut(rest, "@")
	switch {
	case ns != "wasi":
		return reasonOther
	case strings.HasPrefix(version, "0.3.") || strings.HasPrefix(version, "0.3-"):
		return reasonAsync
	case pkg == "http":
		return reasonHTTP
	case strings.HasPrefix(version, "0.2.") && slices.Contains(wasip2[pkg], iface):
		return ""
	}
	return reasonWASI
}

// isJSGlue reports whether a core import is glue code for a JavaScript
// host: wasm-bindgen's modules and functions, Emscripten's JavaScript
// functions, and modules named for JavaScript (rb-js-abi-host).
func isJSGlue(module, name string) bool {
	switch module {
	case "wbg", "__wbindgen_placeholder__", "__wbindgen_externref_xform__":
		return true
	case "env":
		for _, p := range []string{"__wbindgen_", "__wbg_", "emscripten_", "_emscripten_", "__emscripten_", "invoke_"} {
			if strings.HasPrefix(name, p) {
				return true
			}
		}
	}
	words := strings.FieldsFunc(strings.ToLower(module), func(r rune) bool { return r == '-' || r == '_' || r == '.' || r == ':' })
	return slices.Contains(words, "js") || slices.Contains(words, "javascript")
}

// CheckImports reads the program at path, without compiling it, and
// returns an error wrapping an [*ImportError] when it needs what this host
// cannot provide, or any error reading it. `wasmtasks validate` uses it.
func CheckImports(path string) error {
	wasm, err := readProgram(path)
	if err != nil {
		return fmt.Errorf("runner: %w", err)
	}
	s, err := shapeOf(wasm)
	if err == nil {
		err = s.needs.importError()
	}
	if err != nil {
		kind, _ := kindOf(wasm)
		what := "program"
		if kind != KindUnknown {
			what = kind.String()
		}
		return fmt.Errorf("runner: %s %q: %w", what, path, err)
	}
	return nil
}
