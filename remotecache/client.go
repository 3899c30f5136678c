// Package remotecache is a client of a Bazel HTTP remote cache: the
// protocol that bazel-remote, nginx with WebDAV and many other servers
// speak. The cache has two parts under its URL: the action cache,
// /ac/<sha256 of a key>, which maps a key to an [ActionResult] (the REAPI
// protobuf), and the content-addressable store, /cas/<sha256 of the
// bytes>, which holds blobs named by the SHA-256 of their content.
//
// A remote cache only ever saves time, so the client never fails a
// caller: a server that is down, slow, answers 5xx or sends bytes that do
// not match their name is a miss, with one warning line per [Client] (per
// run), and after a server fault the client stops asking for the rest of
// the run. Every request is bounded in time and every response in size.
// Uploads ([Client.Upload]) go through a bounded queue in the background
// and never delay the caller; [Client.Close] waits a bounded time for
// them. A read-only client never sends anything but GET.
//
// The package knows nothing of tasks or wasm: callers choose the keys.
package remotecache

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/wasmtasks/wasmtasks/internal/hostport"
	"github.com/wasmtasks/wasmtasks/internal/sha256hex"
)

// Limits on what the client reads and how long it waits.
const (
	// MaxActionResultBytes bounds an action-cache entry.
	MaxActionResultBytes = 4 << 20
	// MaxBlobBytes bounds one blob of the CAS, which is read into memory.
	MaxBlobBytes = 1 << 30
	// DefaultTimeout bounds one request, from dialling to the last byte of
	// the body, when Config.Timeout is 0.
	DefaultTimeout = 60 * time.Second
	// connectTimeout bounds dialling and the TLS handshake.
	connectTimeout = 5 * time.Second
	// minRate is the slowest transfer, in bytes a second, that the
	// deadline of [Client.Blobs] allows for beyond the timeout.
	minRate = 1 << 20
)

// Config configures a [Client]. Only URL is required.
type Config struct {
	// URL is the cache's root: http(s)://host[:port][/prefix]. It carries
	// no credentials: those come from the environment ([Credentials]).
	URL string
	// ReadOnly makes the client only read: Upload does nothing, and no
	// request but GET is ever sent.
	ReadOnly bool
	// Timeout bounds each request as a whole; 0 means DefaultTimeout.
	// Dialling and the TLS handshake are bounded by 5 s within it.
	Timeout time.Duration
	// Logger receives the one warning of a run; nil means slog.Default().
	Logger *slog.Logger
	// Netrc is the netrc file to read credentials from; "" means $NETRC,
	// else ~/.netrc (see [Credentials]).
	Netrc string
	// URLFromSharedFile says URL came from a file that others can change,
	// such as a task file in a repository (a pull request can point it at
	// any server): then only a netrc "machine" entry for URL's very host
	// is sent, never $WASMTASKS_REMOTE_CACHE_CREDENTIALS or a netrc
	// "default" entry, which would follow the URL wherever it leads.
	URLFromSharedFile bool
}

// ErrBadURL is wrapped by the error of [New] and [ParseURL] for a URL
// that cannot name a cache.
var ErrBadURL = errors.New("not a remote cache URL")

// ParseURL checks a cache URL: http or https, a host, no credentials, no
// query or fragment. It returns the URL without a trailing slash.
func ParseURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return "", fmt.Errorf("%w: %v", ErrBadURL, err)
	case u.Scheme != "http" && u.Scheme != "https":
		return "", fmt.Errorf("%w: %q is not an http:// or https:// URL", ErrBadURL, raw)
	case hostport.Check(u) != nil:
		return "", fmt.Errorf("%w: %q %w", ErrBadURL, raw, hostport.Check(u))
	case u.User != nil:
		return "", fmt.Errorf("%w: %q carries credentials; put them in ~/.netrc or $%s instead", ErrBadURL, redact(u), EnvCredentials)
	case u.RawQuery != "" || u.Fragment != "" || u.Opaque != "":
		return "", fmt.Errorf("%w: %q has a query or fragment; give the cache's root", ErrBadURL, raw)
	}
	return strings.TrimRight(u.String(), "/"), nil
}

func redact(u *url.URL) string {
	c := *u
	c.User = nil
	return c.Scheme + "://…@" + c.Host + c.Path
}

// Client talks to one remote cache. It is safe for concurrent use. Close
// it at the end of the run, which waits for its uploads.
type Client struct {
	base     string
	readOnly bool
	timeout  time.Duration
	http     *http.Client
	user     string // basic auth, when credentials were found
	pass     string
	log      *slog.Logger

	warned  atomic.Bool // the run's one warning was given
	down    atomic.Bool // a server fault: ask no more in this run
	faults  atomic.Int64
	uploads *uploader
}

// New makes a client for the cache at cfg.URL; it sends nothing yet. The
// error matches [ErrBadURL] for a URL that names no cache.
func New(cfg Config) (*Client, error) {
	base, err := ParseURL(cfg.URL)
	if err != nil {
		return nil, err
	}
	c := &Client{base: base, readOnly: cfg.ReadOnly, timeout: cfg.Timeout, log: cfg.Logger}
	if c.timeout <= 0 {
		c.timeout = DefaultTimeout
	}
	if c.log == nil {
		c.log = slog.Default()
	}
	c.http = newHTTPClient()
	u, _ := url.Parse(base)
	if cred, ok := Credentials(u, cfg.Netrc, cfg.URLFromSharedFile); ok {
		if mayAuthenticate(u) {
			c.user, c.pass = cred.User, cred.Password
		} else {
			c.log.Warn(fmt.Sprintf("remote cache %s: its account (from $%s or netrc) is not sent in clear text over http to another machine; use https", base, EnvCredentials))
		}
	}
	c.uploads = newUploader(c)
	return c, nil
}

func newHTTPClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DialContext = (&net.Dialer{Timeout: connectTimeout, KeepAlive: 30 * time.Second}).DialContext
	t.TLSHandshakeTimeout = connectTimeout
	t.MaxIdleConnsPerHost = 8
	return &http.Client{
		Transport: t,
		// A cache answers or it does not: following a redirect could hand
		// the credentials or the content to another host.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// mayAuthenticate reports whether credentials may be sent to u: over
// https, or over plain http only to this machine.
func mayAuthenticate(u *url.URL) bool {
	if u.Scheme == "https" {
		return true
	}
	ip := net.ParseIP(u.Hostname())
	return u.Hostname() == "localhost" || ip != nil && ip.IsLoopback()
}

// URL returns the cache's root URL.
func (c *Client) URL() string { return c.base }

// ReadOnly reports whether the client only reads.
func (c *Client) ReadOnly() bool { return c.readOnly }

// Faults counts the requests of this run that failed for a reason other
// than a miss: the server was down, slow or wrong, or its bytes were.
func (c *Client) Faults() int64 { return c.faults.Load() }

// ActionResult returns the action cache's entry for key (64 hex digits:
// the SHA-256 of whatever the caller's key covers), or false on a miss or
// a fault.
func (c *Client) ActionResult(ctx context.Context, key string) (*ActionResult, bool) {
	b, ok := c.get(ctx, "ac", key, MaxActionResultBytes)
	if !ok {
		return nil, false
	}
	r, err := UnmarshalActionResult(b)
	if err != nil {
		c.fault(fmt.Errorf("action cache entry %s: %w", key, err), false)
		return nil, false
	}
	return r, true
}

// Blob returns the CAS blob d names, checked against its size and
// SHA-256, or false on a miss or a fault (a blob that does not match its
// name is one).
func (c *Client) Blob(ctx context.Context, d Digest) ([]byte, bool) {
	if !d.valid() {
		return nil, false
	}
	b, ok := c.get(ctx, "cas", d.Hash, d.Size)
	if !ok {
		return nil, false
	}
	if got := DigestOf(b); got != d {
		c.fault(fmt.Errorf("blob %s: the server sent %d bytes with SHA-256 %s; refused", d.Hash, got.Size, got.Hash), false)
		return nil, false
	}
	return b, true
}

// Blobs returns the CAS blobs ds name, each checked as [Client.Blob]
// checks one, or false on the first miss or fault. They share one
// deadline: the client's timeout plus a second for every MiB they hold
// (by their digests), so that a server answering each request just in
// time cannot hold the caller for a timeout per blob; running out of it
// is a server fault.
func (c *Client) Blobs(ctx context.Context, ds []Digest) (map[Digest][]byte, bool) {
	var size int64
	for _, d := range ds {
		size += max(d.Size, 0)
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout+time.Duration(size/minRate)*time.Second)
	defer cancel()
	blobs := make(map[Digest][]byte, len(ds))
	for _, d := range ds {
		if _, ok := blobs[d]; ok || d.IsZero() {
			continue
		}
		b, ok := c.Blob(ctx, d)
		if !ok {
			return nil, false
		}
		blobs[d] = b
	}
	return blobs, true
}

// get reads /kind/hash, at most limit bytes; a 404 is a quiet miss.
func (c *Client) get(ctx context.Context, kind, hash string, limit int64) ([]byte, bool) {
	if c.down.Load() || !sha256hex.Valid(hash) {
		return nil, false
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	resp, err := c.do(ctx, http.MethodGet, kind, hash, nil)
	if err != nil {
		c.requestFault(ctx, err)
		return nil, false
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotFound:
		return nil, false
	case resp.StatusCode != http.StatusOK:
		err := &statusError{method: http.MethodGet, path: kind + "/" + hash, status: resp.Status, code: resp.StatusCode}
		c.fault(err, serverFault(err))
		return nil, false
	case resp.ContentLength > limit:
		c.fault(fmt.Errorf("GET %s/%s: %d bytes, more than the %d expected", kind, hash, resp.ContentLength, limit), false)
		return nil, false
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		c.requestFault(ctx, err)
		return nil, false
	}
	if int64(len(b)) > limit {
		c.fault(fmt.Errorf("GET %s/%s: more than the %d bytes expected", kind, hash, limit), false)
		return nil, false
	}
	return b, true
}

// put writes body to /kind/hash.
func (c *Client) put(ctx context.Context, kind, hash string, body []byte) error {
	if c.readOnly {
		panic("remotecache: a read-only client must not write") // a bug in this package
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	resp, err := c.do(ctx, http.MethodPut, kind, hash, body)
	if err != nil {
		return err
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return &statusError{method: http.MethodPut, path: kind + "/" + hash, status: resp.Status, code: resp.StatusCode}
	}
	return nil
}

func (c *Client) do(ctx context.Context, method, kind, hash string, body []byte) (*http.Response, error) {
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+"/"+kind+"/"+hash, r)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", "wasmtasks")
	if c.user != "" || c.pass != "" {
		req.SetBasicAuth(c.user, c.pass)
	}
	resp, err := c.http.Do(req)
	var ue *url.Error
	if errors.As(err, &ue) {
		// The warning names the cache once already: say what failed.
		err = fmt.Errorf("%s %s/%s: %w", method, kind, hash, ue.Err)
	}
	return resp, err
}

// statusError is an unexpected status in answer to a request.
type statusError struct {
	method, path, status string
	code                 int
}

func (e *statusError) Error() string { return e.method + " " + e.path + ": " + e.status }

// serverFault reports whether err shows the server unable to serve: then
// the client asks no more in this run.
func serverFault(err error) bool {
	var s *statusError
	if errors.As(err, &s) {
		return s.code >= 500 || s.code == http.StatusUnauthorized || s.code == http.StatusForbidden
	}
	return true // the request itself failed: down, slow, refused
}

// requestFault records a request that failed on the way: the server is
// down or slow, unless ctx was the caller's and ended.
func (c *Client) requestFault(ctx context.Context, err error) {
	if ctx.Err() != nil && !errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return // the caller gave up: not the cache's fault
	}
	c.fault(err, true)
}

// Refuse records that the caller refused what the cache sent (an entry
// naming a path it may not write, say): a fault like bytes that do not
// match their name, with the run's one warning.
func (c *Client) Refuse(err error) { c.fault(err, false) }

// fault counts a failure and gives the run's one warning; a server fault
// also stops the client asking.
func (c *Client) fault(err error, server bool) {
	c.faults.Add(1)
	if server {
		c.down.Store(true)
	}
	if c.warned.CompareAndSwap(false, true) {
		then := "running without it where it failed"
		if server {
			then = "not asking it again in this run"
		}
		c.log.Warn(fmt.Sprintf("remote cache %s: %v; %s (one warning per run)", c.base, err, then))
	}
}
