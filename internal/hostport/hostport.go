// Package hostport checks the host and port of an http(s) URL, so that the
// task file and the remote cache client refuse the same nonsense: Go's URL
// parser takes "http://:8080" and "http://h:99999", which only fail when
// dialled, far from the line that wrote them.
package hostport

import (
	"errors"
	"net/url"
	"strconv"
)

// ErrNoHost is returned for a URL with a port but no host name.
var ErrNoHost = errors.New("names no host")

// ErrBadPort is returned for a port outside 1-65535.
var ErrBadPort = errors.New("has a port outside 1-65535")

// Check returns ErrNoHost or ErrBadPort for a URL that cannot be dialled.
func Check(u *url.URL) error {
	if u.Hostname() == "" {
		return ErrNoHost
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return ErrBadPort
		}
	}
	return nil
}
