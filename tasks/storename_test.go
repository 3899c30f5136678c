package tasks

import (
	"testing"

	"github.com/wasmtasks/wasmtasks/schema"
)

// TestShownName: cache info prints a program's name as text a terminal
// cannot take for commands (a task file could name its program with
// escape sequences), and shortens a long one to its end.
func TestShownName(t *testing.T) {
	for name, want := range map[string]string{
		"":                                 "?",
		"/p/tool.wasm":                     "/p/tool.wasm",
		"/p/\x1b]0;pwned\x07\x1b[2Jx.wasm": "/p/?]0;pwned??[2Jx.wasm",
		"bad\xffutf8":                      "bad?utf8",
		"/home/someone/projects/a-very-long-project-name/tools/bin/tool.wasm":  "…/a-very-long-project-name/tools/bin/tool.wasm",
		"go:github.com/some-organisation/some-long-repository/cmd/tool@v1.2.3": "go:…/some-long-repository/cmd/tool@v1.2.3",
	} {
		if got := shownName(name); got != want {
			t.Errorf("shownName(%q) = %q, want %q", name, got, want)
		}
	}
	u := &schema.Component{URL: "https://user:pw@host.example/t.tgz?sig=secret#x", File: "bin/t.wasm"}
	if got, want := sourceName(u), "url:https://host.example/t.tgz file:bin/t.wasm"; got != want {
		t.Errorf("sourceName = %q, want %q", got, want)
	}
}
