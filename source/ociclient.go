package source

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// registryClient speaks the part of the OCI distribution API a pull
// needs (GET of a manifest and of a blob) to one repository, and answers
// a 401 once per client: with the account for a Basic challenge, or with
// a token from the registry's token service for a Bearer one (docker's
// flow: the account, or an identity token, buys a pull token; without a
// login the token is anonymous). Only localhost and 127.0.0.1 are spoken
// to in plain HTTP, as docker and crane do; every other registry over
// TLS, and so its token service: an https registry never leads a login
// to plain HTTP, not even on this machine.
type registryClient struct {
	http  *http.Client
	ref   ociRef
	base  string // scheme://registry
	creds func(context.Context) (credential, error)
	auth  string // the Authorization header once a challenge was answered
	login bool   // whether auth carries the user's login (not an anonymous token)
}

// maxTokenAnswer bounds a token service's answer.
const maxTokenAnswer = 1 << 20

// registryError is a registry's refusal of a request: its HTTP status, or
// no login in the docker config for a registry that wants one.
type registryError struct {
	Method, URL string
	Status      int
	noLogin     bool // 401 and the docker config has no login for it
	hadLogin    bool // a login (or token) was sent and refused
	elsewhere   bool // 401 from where the registry redirected to, not answered
}

func (e *registryError) Error() string {
	return fmt.Sprintf("%s %q: %d %s", e.Method, e.URL, e.Status, http.StatusText(e.Status))
}

func newRegistryClient(hc *http.Client, ref ociRef, creds func(context.Context) (credential, error)) *registryClient {
	scheme := "https"
	if isLoopbackName(ref.Registry) {
		scheme = "http"
	}
	c := *hc // a copy: its redirect rule is ours
	c.CheckRedirect = noDowngrade(hc.CheckRedirect)
	return &registryClient{http: &c, ref: ref, base: scheme + "://" + ref.Registry, creds: creds}
}

// noDowngrade refuses a redirect from https to plain http (a blob's bytes
// are checked, but a login is nobody else's business), then applies the
// client's own rule.
func noDowngrade(next func(*http.Request, []*http.Request) error) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		if req.URL.Scheme != "https" && via[0].URL.Scheme == "https" {
			return fmt.Errorf("redirect from https to %s refused", shownURL(req.URL))
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}
}

// sameHost refuses a redirect to another host[:port], then applies
// next: a login in a request's body (an identity token) would follow a
// 307 anywhere, where Go drops only the Authorization header.
func sameHost(next func(*http.Request, []*http.Request) error) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		if !strings.EqualFold(req.URL.Host, via[0].URL.Host) {
			return fmt.Errorf("redirect of a login from %s to %s refused", via[0].URL.Host, req.URL.Host)
		}
		return next(req, via)
	}
}

// get requests /v2/<repository>/<kind>/<ref> and returns the response of
// status 200, or a *registryError.
func (c *registryClient) get(ctx context.Context, kind, ref, accept string) (*http.Response, error) {
	u := c.base + "/v2/" + c.ref.Repository + "/" + kind + "/" + ref
	resp, err := c.do(ctx, u, accept)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode == http.StatusUnauthorized && c.auth == "" {
		if !strings.EqualFold(resp.Request.URL.Host, c.ref.Registry) {
			drain(resp)
			return nil, &registryError{Method: http.MethodGet, URL: shownURL(resp.Request.URL), Status: resp.StatusCode, elsewhere: true}
		}
		challenge := resp.Header.Get("WWW-Authenticate")
		drain(resp)
		if err := c.answer(ctx, u, challenge); err != nil {
			return nil, err
		}
		if resp, err = c.do(ctx, u, accept); err != nil {
			return nil, err
		}
	}
	if resp.StatusCode != http.StatusOK {
		drain(resp)
		unauthorized := resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden
		return nil, &registryError{Method: http.MethodGet, URL: u, Status: resp.StatusCode,
			hadLogin: unauthorized && c.login, noLogin: unauthorized && !c.login}
	}
	return resp, nil
}

func (c *registryClient) do(ctx context.Context, u, accept string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", accept)
	if c.auth != "" {
		req.Header.Set("Authorization", c.auth)
	}
	return send(c.http, req)
}

// drain reads a little of a body that is not wanted, so the connection
// can be used again, and closes it.
func drain(resp *http.Response) {
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
}

// answer sets c.auth for the challenge of a 401 to the request for u.
func (c *registryClient) answer(ctx context.Context, u, header string) error {
	scheme, params := parseChallenge(header)
	cred, err := c.creds(ctx)
	if err != nil {
		return err
	}
	noLogin := &registryError{Method: http.MethodGet, URL: u, Status: http.StatusUnauthorized, noLogin: true}
	c.login = !cred.none()
	switch scheme {
	case "basic":
		if cred.username == "" && cred.password == "" {
			return noLogin
		}
		req := &http.Request{Header: http.Header{}}
		req.SetBasicAuth(cred.username, cred.password)
		c.auth = req.Header.Get("Authorization")
		return nil
	case "bearer":
		if cred.accessToken != "" {
			c.auth = "Bearer " + cred.accessToken
			return nil
		}
		token, err := c.token(ctx, params, cred)
		if err != nil {
			return err
		}
		c.auth = "Bearer " + token
		return nil
	}
	if !c.login {
		return noLogin
	}
	return &registryError{Method: http.MethodGet, URL: u, Status: http.StatusUnauthorized, hadLogin: true}
}

// token asks the token service a Bearer challenge names for a pull token:
// with the identity token (OAuth2 refresh), with the account, or
// anonymously.
func (c *registryClient) token(ctx context.Context, params map[string]string, cred credential) (string, error) {
	realm, err := url.Parse(params["realm"])
	plainOK := realm != nil && realm.Scheme == "http" && isLoopbackName(realm.Host) && isLoopbackName(c.ref.Registry)
	if err != nil || realm.Host == "" || (realm.Scheme != "https" && !plainOK) {
		return "", fmt.Errorf("the registry's token service %s is not an https URL; wasmtasks sends no login there", serverText(params["realm"]))
	}
	scope := params["scope"]
	if scope == "" {
		scope = "repository:" + c.ref.Repository + ":pull"
	}
	var req *http.Request
	if cred.refreshToken != "" {
		form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {cred.refreshToken},
			"service": {params["service"]}, "scope": {scope}, "client_id": {"wasmtasks"}}
		req, err = http.NewRequestWithContext(ctx, http.MethodPost, realm.String(), strings.NewReader(form.Encode()))
		if err == nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
	} else {
		q := realm.Query()
		q.Set("service", params["service"])
		for _, s := range strings.Fields(scope) {
			q.Add("scope", s)
		}
		realm.RawQuery = q.Encode()
		req, err = http.NewRequestWithContext(ctx, http.MethodGet, realm.String(), nil)
		if err == nil && (cred.username != "" || cred.password != "") {
			req.SetBasicAuth(cred.username, cred.password)
		}
	}
	if err != nil {
		return "", err
	}
	return c.fetchToken(req, !cred.none())
}

// fetchToken sends the token request and reads the token from its answer.
func (c *registryClient) fetchToken(req *http.Request, withLogin bool) (string, error) {
	hc := c.http
	if withLogin {
		keep := *hc
		keep.CheckRedirect = sameHost(hc.CheckRedirect)
		hc = &keep
	}
	resp, err := send(hc, req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", &registryError{Method: req.Method, URL: shownURL(req.URL), Status: resp.StatusCode, hadLogin: withLogin, noLogin: !withLogin && resp.StatusCode == http.StatusUnauthorized}
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxTokenAnswer+1))
	if err != nil {
		return "", err
	}
	if len(body) > maxTokenAnswer {
		return "", fmt.Errorf("the token service's answer is over %d bytes", maxTokenAnswer)
	}
	var answer struct {
		Token       string `json:"token"`
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(body, &answer); err != nil {
		return "", fmt.Errorf("the token service's answer does not decode: %w", err)
	}
	token := answer.Token
	if token == "" {
		token = answer.AccessToken
	}
	if token == "" || strings.ContainsAny(token, "\r\n") {
		return "", errors.New("the token service's answer holds no usable token")
	}
	return token, nil
}

// parseChallenge reads a WWW-Authenticate header: its scheme (lower case)
// and its parameters (realm="…", service="…", scope="…").
func parseChallenge(h string) (string, map[string]string) {
	scheme, rest, _ := strings.Cut(strings.TrimSpace(h), " ")
	params := map[string]string{}
	for rest = strings.TrimSpace(rest); rest != ""; {
		key, after, ok := strings.Cut(rest, "=")
		if !ok {
			break
		}
		key = strings.ToLower(strings.Trim(key, " ,"))
		value, tail := challengeValue(after)
		params[key] = value
		rest = strings.TrimLeft(tail, " ,")
	}
	return strings.ToLower(scheme), params
}

// challengeValue reads a quoted string (with \-escapes) or a token from
// the start of s and returns it and what follows.
func challengeValue(s string) (string, string) {
	if !strings.HasPrefix(s, `"`) {
		v, tail, _ := strings.Cut(s, ",")
		return strings.TrimSpace(v), tail
	}
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if i+1 < len(s) {
				i++
				b.WriteByte(s[i])
			}
		case '"':
			return b.String(), s[i+1:]
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String(), ""
}
