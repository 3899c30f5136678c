package tasks

import (
	"io"
	"os"
)

// liveLine is the status line at the bottom of a terminal: drawn over
// itself, and cleared before anything else is written so that it never
// mixes with output. Its methods are called with the console's lock held.
type liveLine struct {
	term      io.Writer  // stderr, a terminal
	stdout    io.Writer  // the console's stdout
	stdoutToo bool       // stdout shows on the same terminal
	width     func() int // the terminal's width in columns

	shown   bool   // the status line is on the terminal now
	text    string // what it shows
	midLine bool   // the last output on the terminal did not end a line
}

// Escape codes: the cursor to the start of the line, then erase from the
// cursor to the end of the line.
const (
	carriageReturn = "\r"
	eraseLine      = "\x1b[K"
)

// newLiveLine returns the status line for stderr, or nil when stderr is
// not a terminal that understands escape codes (a pipe, a file, TERM=dumb,
// or a platform where wasmtasks cannot tell).
func newLiveLine(stdout, stderr io.Writer) *liveLine {
	f, ok := stderr.(*os.File)
	if !ok || os.Getenv("TERM") == "dumb" || !isTerminal(f) {
		return nil
	}
	l := &liveLine{term: f, stdout: stdout, width: func() int {
		if w, ok := termWidth(f); ok && w > 0 {
			return w
		}
		return 80
	}}
	if o, ok := stdout.(*os.File); ok {
		l.stdoutToo = sameFile(o, f)
	}
	return l
}

// isTerminal reports a character device whose window size can be read:
// /dev/null is a character device too, but no terminal.
func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	if err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		return false
	}
	_, ok := termWidth(f)
	return ok
}

func sameFile(a, b *os.File) bool {
	ai, err := a.Stat()
	if err != nil {
		return false
	}
	bi, err := b.Stat()
	return err == nil && os.SameFile(ai, bi)
}

// onTerminal reports whether what is written to w shows on the terminal.
func (l *liveLine) onTerminal(w io.Writer) bool {
	return w == l.term || (l.stdoutToo && w == l.stdout)
}

// before clears the status line if w writes to the terminal.
func (l *liveLine) before(w io.Writer) {
	if l.onTerminal(w) {
		l.clear()
	}
}

// after notes whether output on the terminal stopped mid-line: the status
// line is not drawn over a partial line.
func (l *liveLine) after(w io.Writer, b []byte) {
	if l.onTerminal(w) && len(b) > 0 {
		l.midLine = b[len(b)-1] != '\n'
	}
}

func (l *liveLine) clear() {
	if l.shown {
		io.WriteString(l.term, carriageReturn+eraseLine)
		l.shown = false
	}
}

// show draws text as the status line, cut to the terminal's width (a line
// that wrapped could not be cleared), unless output stopped mid-line; an
// empty text clears it.
func (l *liveLine) show(text string) {
	if l.midLine {
		return
	}
	text = fit(text, l.width()-1)
	switch {
	case text == "":
		l.clear()
	case !l.shown || text != l.text:
		io.WriteString(l.term, carriageReturn+text+eraseLine)
		l.shown, l.text = true, text
	}
}

// fit cuts text to at most n characters, marking the cut with "…".
func fit(text string, n int) string {
	r := []rune(text)
	if len(r) <= n {
		return text
	}
	if n < 1 {
		return ""
	}
	return string(r[:n-1]) + "…"
}
