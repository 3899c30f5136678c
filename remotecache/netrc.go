package remotecache

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/wasmtasks/wasmtasks/internal/safefs"
)

// EnvCredentials names the environment variable that holds the cache's
// basic-auth credentials as USER:PASSWORD (a CI secret). It wins over the
// netrc file.
const EnvCredentials = "WASMTASKS_REMOTE_CACHE_CREDENTIALS"

// maxNetrc bounds what is read of a netrc file.
const maxNetrc = 1 << 20

// Credential is a basic-auth account.
type Credential struct {
	User, Password string
}

// Credentials finds the account for the cache at u: $WASMTASKS_REMOTE_CACHE_CREDENTIALS
// (USER:PASSWORD), else the netrc file (netrc; "" means $NETRC, else
// ~/.netrc), whose "machine" entry for u's host, or else its "default"
// entry, gives login and password. A task file never holds credentials.
// They are sent only over https or to a loopback host.
//
// hostBound (u came from a file others can change, see
// [Config.URLFromSharedFile]) leaves out what is not tied to u's host:
// the environment's account and the netrc "default" entry would go to
// whatever host the file names; only a "machine" entry for it is used.
func Credentials(u *url.URL, netrc string, hostBound bool) (Credential, bool) {
	if v := os.Getenv(EnvCredentials); v != "" && !hostBound {
		user, pass, _ := strings.Cut(v, ":")
		return Credential{User: user, Password: pass}, true
	}
	if netrc == "" {
		netrc = os.Getenv("NETRC")
	}
	if netrc == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return Credential{}, false
		}
		netrc = filepath.Join(home, ".netrc")
	}
	b, err := safefs.ReadRegular(netrc, maxNetrc, false)
	if err != nil {
		return Credential{}, false
	}
	return netrcLookup(string(b), u.Hostname(), !hostBound)
}

// netrcLookup reads the entry for host out of a netrc file's text (or
// its "default" entry, when withDefault): the tokens "machine NAME",
// "default", "login", "password", "account" and "macdef" (whose macro, up
// to a blank line, is skipped).
func netrcLookup(text, host string, withDefault bool) (Credential, bool) {
	var found, def Credential
	var inHost, inDefault, hostSeen, defSeen bool
	for len(text) > 0 {
		var tok string
		tok, text = nextToken(text)
		switch tok {
		case "machine":
			var name string
			name, text = nextToken(text)
			inHost, inDefault = strings.EqualFold(name, host) && !hostSeen, false
			hostSeen = hostSeen || inHost
		case "default":
			inHost, inDefault = false, !defSeen
			defSeen = true
		case "login", "password", "account":
			var v string
			v, text = nextToken(text)
			target := &found
			if !inHost {
				if !inDefault {
					continue
				}
				target = &def
			}
			switch tok {
			case "login":
				target.User = v
			case "password":
				target.Password = v
			}
		case "macdef":
			if i := strings.Index(text, "\n\n"); i >= 0 {
				text = text[i+2:]
			} else {
				text = ""
			}
		}
	}
	switch {
	case hostSeen:
		return found, true
	case defSeen && withDefault:
		return def, true
	}
	return Credential{}, false
}

// nextToken splits off the first whitespace-separated token of s; a token
// may be quoted with double quotes.
func nextToken(s string) (tok, rest string) {
	s = strings.TrimLeft(s, " \t\r\n")
	if strings.HasPrefix(s, `"`) {
		if end := strings.IndexByte(s[1:], '"'); end >= 0 {
			return s[1 : end+1], s[end+2:]
		}
		return s[1:], ""
	}
	end := strings.IndexAny(s, " \t\r\n")
	if end < 0 {
		return s, ""
	}
	return s[:end], s[end:]
}
