package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"unsafe"

	"github.com/wasmtasks/wasmtasks/internal/testprog"
)

// openPTY opens a pseudo-terminal 80 columns wide: the master end the test
// reads, and the terminal end a command writes to.
func openPTY(t *testing.T) (master, term *os.File) {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	ioctl := func(req uintptr, arg unsafe.Pointer) {
		if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, master.Fd(), req, uintptr(arg)); errno != 0 {
			t.Fatalf("ioctl %#x: %v", req, errno)
		}
	}
	var unlock, n uint32
	ioctl(syscall.TIOCSPTLCK, unsafe.Pointer(&unlock))
	ioctl(syscall.TIOCGPTN, unsafe.Pointer(&n))
	ws := struct{ row, col, x, y uint16 }{24, 80, 0, 0}
	ioctl(syscall.TIOCSWINSZ, unsafe.Pointer(&ws))
	term, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	return master, term
}

// statusLine matches a drawing of the status line, or its clearing.
var statusLine = regexp.MustCompile(`\r[^\r\n]*?\x1b\[K`)

// TestLiveLineOnTerminal runs the command with stdout and stderr on a real
// pseudo-terminal: a status line is drawn, and once every drawing and
// clearing is taken out, what remains is the tasks' output and the lines
// that stay, whole, each on a line of its own.
func TestLiveLineOnTerminal(t *testing.T) {
	dir := taskDir(t, `version: 1
components:
  probe: {path: PROBE}
tasks:
  a: {component: probe, args: [lines, "3", a]}
  b: {component: probe, args: [lines, "2", b], deps: [a]}
`)
	master, term := openPTY(t)
	defer master.Close()
	cmd := exec.Command(binary, "run", "-j", "1", "--cache-dir", t.TempDir(), "b")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "TERM=xterm")
	cmd.Stdout, cmd.Stderr = term, term
	var got bytes.Buffer
	read := make(chan struct{})
	go func() {
		io.Copy(&got, master) // ends with EIO once the terminal end is closed
		close(read)
	}()
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	term.Close()
	<-read
	raw := strings.ReplaceAll(got.String(), "\r\n", "\n") // the terminal's newline translation
	if !strings.Contains(raw, "0 of 2 done, running: a") {
		t.Errorf("no status line drawn:\n%q", raw)
	}
	plain := timeText.ReplaceAllString(statusLine.ReplaceAllString(raw, ""), "T")
	plain = strings.ReplaceAll(plain, testprog.Component(t, "probe"), "PROBE")
	plain = sizeText.ReplaceAllString(plain, "SIZE")
	want := `wasmtasks: [a] compiled PROBE in T
a line 0 of the output of a
a line 1 of the output of a
a line 2 of the output of a
wasmtasks: [a] ok in T
b line 0 of the output of b
b line 1 of the output of b
wasmtasks: [b] ok in T
2 tasks: 2 ran
`
	if plain != want {
		t.Errorf("without the status line the terminal shows\n%s\nwant\n%s\nall of it: %q", plain, want, raw)
	}
	if strings.Contains(plain, "\x1b") || strings.Contains(plain, "\r") {
		t.Errorf("escape codes left outside the status line: %q", plain)
	}
}
