package source

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// credential is what the user's docker config holds for one registry:
// an account, an identity token (exchanged for access tokens), or a
// registry token (sent as it is). The zero value is no login.
type credential struct {
	username, password string
	refreshToken       string
	accessToken        string
}

func (c credential) none() bool { return c == credential{} }

// dockerConfig is the part of docker's config.json that says where logins
// are: inline in auths, or in a credential helper for every registry
// (credsStore) or for some (credHelpers).
type dockerConfig struct {
	Auths       map[string]dockerAuth `json:"auths"`
	CredsStore  string                `json:"credsStore"`
	CredHelpers map[string]string     `json:"credHelpers"`
}

type dockerAuth struct {
	Auth          string `json:"auth"` // base64 of user:password
	Username      string `json:"username"`
	Password      string `json:"password"`
	IdentityToken string `json:"identitytoken"`
	RegistryToken string `json:"registrytoken"`
}

// maxDockerConfig bounds config.json and a helper's answer.
const maxDockerConfig = 4 << 20

// dockerConfigPath is $DOCKER_CONFIG/config.json, else ~/.docker/config.json.
func dockerConfigPath() (string, error) {
	if dir := os.Getenv("DOCKER_CONFIG"); dir != "" {
		return filepath.Join(dir, "config.json"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(home, ".docker", "config.json"), nil
}

// loadDockerConfig reads the docker config; a missing one is empty.
func loadDockerConfig() (dockerConfig, error) {
	var c dockerConfig
	path, err := dockerConfigPath()
	if err != nil {
		return c, nil // no home folder: no config either
	}
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return c, nil
	}
	if err != nil {
		return c, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxDockerConfig+1))
	switch {
	case err != nil:
		return c, err
	case len(b) > maxDockerConfig:
		return c, fmt.Errorf("%s is over %d bytes", path, maxDockerConfig)
	}
	if err := json.Unmarshal(b, &c); err != nil {
		return c, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// dockerHubServer is the name docker keeps Docker Hub's login under.
const dockerHubServer = "https://index.docker.io/v1/"

// serverName is the name a registry's login is kept under.
func serverName(host string) string {
	switch host {
	case "docker.io", "registry-1.docker.io", "index.docker.io":
		return dockerHubServer
	}
	return host
}

// credentialFor finds the login for host: a credential helper named for
// it, else the helper for every registry, else the inline auths entry.
func (c dockerConfig) credentialFor(ctx context.Context, host string) (credential, error) {
	server := serverName(host)
	if helper := c.CredHelpers[server]; helper != "" {
		return helperCredential(ctx, helper, server)
	}
	if c.CredsStore != "" {
		return helperCredential(ctx, c.CredsStore, server)
	}
	return c.inline(server)
}

// inline reads the auths entry for server, also when it was written as a
// URL (https://host or https://host/v1/, as older docker versions did).
func (c dockerConfig) inline(server string) (credential, error) {
	a, ok := c.Auths[server]
	if !ok {
		for key, v := range c.Auths {
			if hostOf(key) == hostOf(server) {
				a, ok = v, true
				break
			}
		}
	}
	if !ok {
		return credential{}, nil
	}
	cred := credential{username: a.Username, password: a.Password, refreshToken: a.IdentityToken, accessToken: a.RegistryToken}
	if a.Auth != "" {
		b, err := base64.StdEncoding.DecodeString(a.Auth)
		user, pass, ok := strings.Cut(string(b), ":")
		if err != nil || !ok {
			return credential{}, fmt.Errorf("the auth of %s is not base64 of user:password", server)
		}
		cred.username, cred.password = user, pass
	}
	return cred, nil
}

// hostOf strips a scheme and a path from a server name.
func hostOf(server string) string {
	if _, rest, ok := strings.Cut(server, "://"); ok {
		server = rest
	}
	host, _, _ := strings.Cut(server, "/")
	return host
}

// helperNotFound is what docker's credential helpers print when they hold
// no login for the server (their protocol; not an error's text).
const helperNotFound = "credentials not found in native keychain"

// helperCredential asks docker-credential-NAME for server's login.
func helperCredential(ctx context.Context, name, server string) (credential, error) {
	if name == "" || strings.ContainsAny(name, `/\`) || name[0] == '.' {
		return credential{}, fmt.Errorf("credential helper %q: not a helper name", name)
	}
	cmd := exec.CommandContext(ctx, "docker-credential-"+name, "get")
	cmd.Stdin = strings.NewReader(server)
	var out, stderr limitedBuffer // the answer is stdout alone; stderr may hold warnings
	cmd.Stdout, cmd.Stderr = &out, &stderr
	err := cmd.Run()
	text := strings.TrimSpace(out.String())
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit) && text == helperNotFound:
		return credential{}, nil
	case err != nil:
		return credential{}, fmt.Errorf("credential helper docker-credential-%s: %w (%s)", name, err,
			serverText(strings.TrimSpace(text+" "+stderr.String())))
	}
	var answer struct{ Username, Secret string }
	if err := json.Unmarshal(out.Bytes(), &answer); err != nil {
		return credential{}, fmt.Errorf("credential helper docker-credential-%s: its answer does not decode: %w", name, err)
	}
	if answer.Username == "<token>" {
		return credential{refreshToken: answer.Secret}, nil
	}
	return credential{username: answer.Username, password: answer.Secret}, nil
}

// limitedBuffer keeps the first maxDockerConfig bytes written to it and
// drops the rest, so a helper cannot fill memory.
type limitedBuffer struct{ bytes.Buffer }

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if room := maxDockerConfig - b.Len(); room > 0 {
		b.Buffer.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}
