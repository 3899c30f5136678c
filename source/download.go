package source

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
)

// download fetches rawURL into a new temporary file in dir (for target)
// and checks that its SHA-256 is want. The caller renames or removes the
// file it returns.
func (f *Fetcher) download(ctx context.Context, rawURL, want, dir, target string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return "", failf(ErrSpec, rawURL, err, "not a URL that can be fetched")
	}
	resp, err := send(f.client(), req)
	if err != nil {
		return "", failf(ErrDownload, rawURL, err, "the request failed; check the URL and the network, then try again")
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		e := failf(ErrDownload, rawURL, nil, "the server answered %s%s; check the URL", resp.Status, redirected(rawURL, resp))
		e.Status = resp.StatusCode
		return "", e
	}
	p := newProgress(resp.Body, f.Progress, rawURL, resp.ContentLength)
	tmp, got, n, err := writeTemp(dir, target, p, maxDownload)
	p.done()
	if err != nil {
		return "", downloadBroke(rawURL, resp, n, err)
	}
	if got != want {
		os.Remove(tmp)
		return "", failf(ErrDigest, rawURL, nil, "the download has sha256 %s, but the task file says %s; if you trust the new content, put its digest in sha256:", got, want)
	}
	return tmp, nil
}

// downloadBroke describes a body that could not be read whole: cut short,
// or a disk that failed.
func downloadBroke(rawURL string, resp *http.Response, n int64, err error) error {
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	total := "an unknown number of"
	if resp.ContentLength >= 0 {
		total = fmt.Sprint(resp.ContentLength)
	}
	de := failf(ErrDownload, rawURL, err, "the download stopped after %d of %s bytes (status %s%s); try again", n, total, resp.Status, redirected(rawURL, resp))
	de.Status = resp.StatusCode
	return de
}

// redirected names where a redirect led, if anywhere.
func redirected(rawURL string, resp *http.Response) string {
	if u := shownURL(resp.Request.URL); resp.Request.URL.String() != rawURL {
		return " at " + u
	}
	return ""
}
