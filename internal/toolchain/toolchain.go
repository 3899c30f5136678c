// Package toolchain makes sure the tools that build the example and test
// programs are installed: Debian's clang and wasi-libc, and the npm packages
// pinned in package-lock.json. The magefile calls it so that a fresh clone
// needs nothing installed by hand.
package toolchain

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// DebianPackages are the Debian packages that compile C to WASI.
var DebianPackages = []string{"clang", "lld", "wasi-libc", "libclang-rt-dev-wasm32"}

// EnsureDebian installs the missing ones of pkgs with apt-get when this
// process can (it runs as root and apt-get exists); otherwise it returns an
// error giving the exact command to run.
func EnsureDebian(log io.Writer, pkgs ...string) error {
	missing := missingDebian(pkgs)
	if len(missing) == 0 {
		return nil
	}
	install := "apt-get install -y " + strings.Join(missing, " ")
	if _, err := exec.LookPath("apt-get"); err != nil || os.Geteuid() != 0 {
		return fmt.Errorf("missing Debian packages %s; install them: sudo apt-get update && sudo %s",
			strings.Join(missing, ", "), install)
	}
	fmt.Fprintf(log, "installing %s with apt-get\n", strings.Join(missing, " "))
	for _, args := range [][]string{{"update"}, append([]string{"install", "-y", "--no-install-recommends"}, missing...)} {
		cmd := exec.Command("apt-get", args...)
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("apt-get %s: %v\n%s", args[0], err, tail(out))
		}
	}
	if still := missingDebian(pkgs); len(still) > 0 {
		return fmt.Errorf("apt-get did not install %s", strings.Join(still, ", "))
	}
	return nil
}

func missingDebian(pkgs []string) []string {
	var missing []string
	for _, p := range pkgs {
		out, err := exec.Command("dpkg-query", "-W", "-f=${Status}", p).Output()
		if err != nil || !strings.Contains(string(out), "install ok installed") {
			missing = append(missing, p)
		}
	}
	return missing
}

// EnsureNPM runs `npm ci` in root when node_modules is missing or older
// than package-lock.json.
func EnsureNPM(log io.Writer, root string) error {
	lock, err := os.Stat(filepath.Join(root, "package-lock.json"))
	if err != nil {
		return err
	}
	marker, err := os.Stat(filepath.Join(root, "node_modules", ".package-lock.json"))
	if err == nil && !marker.ModTime().Before(lock.ModTime()) {
		return nil
	}
	if _, err := exec.LookPath("npm"); err != nil {
		return errors.New("npm not found; install Node.js 20 or later with npm (Debian: apt-get install -y nodejs npm)")
	}
	fmt.Fprintln(log, "installing the pinned npm packages (npm ci)")
	cmd := exec.Command("npm", "ci", "--no-audit", "--no-fund")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("npm ci: %v\n%s", err, tail(out))
	}
	return nil
}

// tail keeps the end of a long command output, where the error usually is.
func tail(out []byte) string {
	const keep = 2000
	if len(out) > keep {
		out = out[len(out)-keep:]
	}
	return string(out)
}
