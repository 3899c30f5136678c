package schema

import (
	"net/url"
	"strings"

	"github.com/wasmtasks/wasmtasks/internal/hostport"
	"go.yaml.in/yaml/v3"
)

// remoteCacheGrammar is the root URL of a Bazel HTTP remote cache: http or
// https, a host without credentials (those come from the environment or
// ~/.netrc, never from the task file), an optional path, no query or
// fragment.
var remoteCacheGrammar = newGrammar(`^https?://[^\s/@?#]+(/[^\s?#]*)?$`)

// RemoteCache is the remote_cache: key: a Bazel HTTP cache shared by a
// team's machines, as a URL or {url: URL, read_only: true}.
type RemoteCache struct {
	URL      string
	ReadOnly bool
	Pos      Pos `hash:"ignore"`
}

// IsSet reports whether the file names a remote cache.
func (r RemoteCache) IsSet() bool { return r.URL != "" }

func (r *RemoteCache) decode(d *decoder, n *yaml.Node) {
	r.Pos = posOf(n)
	if n.Kind == yaml.MappingNode {
		var spec struct {
			URL      remoteCacheURL `yaml:"url" required:"true" doc:"The cache's root URL."`
			ReadOnly bool           `yaml:"read_only" doc:"Only read from the cache, never write."`
		}
		d.decodeStruct(n, reflectValue(&spec), nil)
		r.URL, r.ReadOnly = string(spec.URL), spec.ReadOnly
		return
	}
	var u remoteCacheURL
	u.decode(d, n)
	r.URL = string(u)
}

func (*RemoteCache) jsonSchema() object {
	return object{"oneOf": []any{
		(*remoteCacheURL)(nil).jsonSchema(),
		object{"type": "object", "required": []string{"url"}, "additionalProperties": false,
			"properties": object{"url": (*remoteCacheURL)(nil).jsonSchema(), "read_only": object{"type": "boolean"}}},
	}}
}

// remoteCacheURL is the URL of a remote cache.
type remoteCacheURL string

func (u *remoteCacheURL) decode(d *decoder, n *yaml.Node) {
	v, ok := decodeWord(d, n, "a remote cache URL like https://cache.example/team or {url: …, read_only: true}")
	switch {
	case !ok:
	case remoteCacheGrammar.match(v) && parses(v):
		*u = remoteCacheURL(v)
	case urlGrammar.match(v) && credentialsIn(v):
		d.errorf(n, "remote_cache %q carries credentials; a task file is shared, so put them in ~/.netrc or $WASMTASKS_REMOTE_CACHE_CREDENTIALS and write the URL without them", redactURL(v))
	default:
		d.errorf(n, "remote_cache %q is not the root URL of an HTTP cache; write http(s)://host[:port][/path], without query or fragment, like https://cache.example/team", v)
	}
}

func (*remoteCacheURL) jsonSchema() object {
	return object{"type": "string", "pattern": remoteCacheGrammar.pattern}
}

// parses reports whether Go's URL parser, which the client uses, reads v
// and its host and port can be dialled: the grammar lets through a port
// that is not a number or out of range, no host before the port, an
// unclosed IPv6 bracket and bad escapes in the host.
func parses(v string) bool {
	u, err := url.Parse(v)
	return err == nil && hostport.Check(u) == nil
}

// credentialsIn reports whether an http(s) URL has user info before its
// host.
func credentialsIn(u string) bool {
	_, rest, _ := strings.Cut(u, "://")
	host, _, _ := strings.Cut(rest, "/")
	return strings.Contains(host, "@")
}

// redactURL drops the user info of a URL, so that an error message does
// not repeat a password.
func redactURL(u string) string {
	scheme, rest, _ := strings.Cut(u, "://")
	host, path, slash := strings.Cut(rest, "/")
	host = "…@" + host[strings.LastIndex(host, "@")+1:]
	if slash {
		path = "/" + path
	}
	return scheme + "://" + host + path
}
