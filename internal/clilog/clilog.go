// Package clilog prints log records for a person at a terminal: one line
// each, "wasmtasks: warning: …", without times or key=value noise.
package clilog

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
)

// New returns a logger that writes records of level Warn and above to w,
// each line starting with prefix (such as "wasmtasks").
func New(w io.Writer, prefix string) *slog.Logger {
	return slog.New(&handler{w: w, prefix: prefix, mu: new(sync.Mutex)})
}

type handler struct {
	w      io.Writer
	prefix string
	mu     *sync.Mutex
}

func (h *handler) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelWarn }

func (h *handler) Handle(_ context.Context, r slog.Record) error {
	level := "warning"
	if r.Level >= slog.LevelError {
		level = "error"
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	_, err := fmt.Fprintf(h.w, "%s: %s: %s\n", h.prefix, level, r.Message)
	return err
}

func (h *handler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *handler) WithGroup(string) slog.Handler      { return h }
