package source

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// stallTimeout is how long a server may send nothing (no connection, no
// answer, no byte of the body) before its request is given up: a broken
// or hostile server must not hold a run for ever, while a large program
// on a slow link goes on as long as bytes come.
var stallTimeout = 30 * time.Second

// errStalled is the cause of a request given up after stallTimeout.
var errStalled = errors.New("the server sent nothing")

// send does req with client, gives up when the server sends nothing for
// stallTimeout, and keeps the query of any URL out of its errors. The
// caller closes the body.
func send(client *http.Client, req *http.Request) (*http.Response, error) {
	d := stallTimeout
	ctx, cancel := context.WithCancelCause(req.Context())
	timer := time.AfterFunc(d, func() { cancel(fmt.Errorf("%w for %s", errStalled, d)) })
	resp, err := client.Do(req.WithContext(ctx))
	if err != nil {
		timer.Stop()
		cause := context.Cause(ctx)
		cancel(nil)
		return nil, quietURLError(err, cause)
	}
	timer.Reset(d)
	resp.Body = &watchedBody{ReadCloser: resp.Body, ctx: ctx, cancel: cancel, timer: timer, d: d}
	return resp, nil
}

// quietURLError puts the stall, if that was the cause, into a request's
// error and drops the query of the URL it names.
func quietURLError(err, cause error) error {
	var ue *url.Error
	if !errors.As(err, &ue) {
		return err
	}
	if errors.Is(cause, errStalled) {
		ue.Err = cause
	}
	if u, perr := url.Parse(ue.URL); perr == nil {
		ue.URL = shownURL(u)
	}
	return err
}

// shownURL is u as messages show it: without a password, and with "?…"
// for its query, which may carry a token (signed URLs of blob stores).
func shownURL(u *url.URL) string {
	v := *u
	v.Fragment, v.RawFragment = "", ""
	if v.RawQuery != "" || v.ForceQuery {
		v.RawQuery, v.ForceQuery = "…", false
	}
	return v.Redacted()
}

// watchedBody is a response body that fails with errStalled when no byte
// came for d; closing it stops the watch.
type watchedBody struct {
	io.ReadCloser
	ctx    context.Context
	cancel context.CancelCauseFunc
	timer  *time.Timer
	d      time.Duration
}

func (b *watchedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if n > 0 {
		b.timer.Reset(b.d)
	}
	if err != nil && err != io.EOF {
		if cause := context.Cause(b.ctx); errors.Is(cause, errStalled) {
			err = cause
		}
	}
	return n, err
}

func (b *watchedBody) Close() error {
	b.timer.Stop()
	b.cancel(nil)
	return b.ReadCloser.Close()
}
