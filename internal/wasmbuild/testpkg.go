package wasmbuild

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// TestPackages are the Debian packages whose programs the tests start:
// docker-registry is the real OCI registry that internal/testregistry
// runs on loopback, and nginx (built with http_dav_module) the real Bazel
// HTTP cache that internal/testcache runs. They are not installed:
// installing either on a machine with systemd enables a service that
// listens on every interface. [EnsureTestPackages] unpacks them into a
// cache folder instead.
const TestPackages = "docker-registry nginx"

// TestLibraries are the shared libraries the unpacked nginx links against
// (its package's Depends, less what a Debian system always has): they are
// installed like [DebianPackages], since unpacking cannot provide them.
const TestLibraries = "libcrypt1 libpcre2-8-0 libssl3 zlib1g"

// TestPackageDir is the folder into which the Debian package name is
// unpacked (its files under their paths, like usr/bin/…): the user cache
// folder's wasmtasks-test/debian/NAME.
func TestPackageDir(name string) (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("wasmbuild: no user cache folder for the test packages: %w", err)
	}
	return filepath.Join(base, "wasmtasks-test", "debian", name), nil
}

// EnsureTestPackages unpacks each of [TestPackages] that is not unpacked
// yet: 'apt-get download' (no root needed) and 'dpkg-deb -x' into
// [TestPackageDir], through a temporary folder renamed when complete. No
// maintainer script runs, so no service is enabled or started. When apt's
// package lists lack the package it runs 'apt-get update' as root, and
// otherwise says which command to run.
func EnsureTestPackages(log io.Writer) error {
	for _, name := range strings.Fields(TestPackages) {
		if err := ensureTestPackage(log, name); err != nil {
			return err
		}
	}
	return nil
}

func ensureTestPackage(log io.Writer, name string) error {
	dir, err := TestPackageDir(name)
	if err != nil {
		return err
	}
	if _, err := os.Stat(dir); err == nil {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), name+".tmp-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	fmt.Fprintf(log, "unpacking the Debian package %s into %s (not installed: no service)\n", name, dir)
	deb, err := downloadDeb(tmp, name)
	if err != nil {
		return err
	}
	root := filepath.Join(tmp, "root")
	if err := run(exec.Command("dpkg-deb", "-x", deb, root)); err != nil {
		return err
	}
	if err := os.Rename(root, dir); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	return nil
}

// downloadDeb fetches the package's .deb into dir and returns its path.
func downloadDeb(dir, name string) (string, error) {
	get := func() error {
		cmd := exec.Command("apt-get", "download", name)
		cmd.Dir = dir
		return run(cmd)
	}
	if err := get(); err != nil {
		if os.Geteuid() != 0 {
			return "", fmt.Errorf("cannot download the Debian package %s; refresh apt's lists and try again: sudo apt-get update && go tool mage deps: %w", name, err)
		}
		update := exec.Command("apt-get", "update")
		update.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		if err := run(update); err != nil {
			return "", err
		}
		if err := get(); err != nil {
			return "", err
		}
	}
	debs, err := filepath.Glob(filepath.Join(dir, name+"_*.deb"))
	if err != nil || len(debs) != 1 {
		return "", fmt.Errorf("apt-get download %s left %d .deb files in %s", name, len(debs), dir)
	}
	return debs[0], nil
}

// TestProgram returns the program at rel (slash-separated, like
// usr/sbin/nginx) in the unpacked Debian package name, or an error that
// says how to unpack it when it is missing.
func TestProgram(name, rel string) (string, error) {
	dir, err := TestPackageDir(name)
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, filepath.FromSlash(rel))
	if _, err := os.Stat(path); err != nil {
		return "", fmt.Errorf("%w; unpack the Debian package %s with `go tool mage deps`", err, name)
	}
	return path, nil
}
