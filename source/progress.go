package source

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/wasmtasks/wasmtasks/internal/bytesize"
)

// progress reports a download that takes more than a second: on a
// terminal one line rewritten in place, elsewhere one line at the end.
type progress struct {
	r           io.Reader
	w           io.Writer // nil: quiet
	term        bool
	name        string
	total, n    int64 // total is -1 when the server did not say
	start, last time.Time
}

func newProgress(r io.Reader, w io.Writer, name string, total int64) *progress {
	now := time.Now()
	return &progress{r: r, w: w, term: isTerminal(w), name: name, total: total, start: now, last: now}
}

func (p *progress) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.n += int64(n)
	if p.w != nil && p.term {
		if now := time.Now(); now.Sub(p.start) >= time.Second && now.Sub(p.last) >= 200*time.Millisecond {
			p.last = now
			fmt.Fprintf(p.w, "\r%s\x1b[K", p.line(now))
		}
	}
	return n, err
}

// done writes the last line of a download that took over a second.
func (p *progress) done() {
	now := time.Now()
	if p.w == nil || now.Sub(p.start) < time.Second {
		return
	}
	if p.term {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
	fmt.Fprintln(p.w, p.line(now))
}

func (p *progress) line(now time.Time) string {
	got := bytesize.Format(p.n)
	if p.total >= 0 {
		got += " of " + bytesize.Format(p.total)
	}
	rate := int64(float64(p.n) / now.Sub(p.start).Seconds())
	return fmt.Sprintf("download %s: %s, %s/s", p.name, got, bytesize.Format(rate))
}

// isTerminal reports whether w is a character device such as a terminal.
func isTerminal(w io.Writer) bool {
	file, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := file.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
