package wasmbuild

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
)

// TestPackages are the Debian packages the tests need besides the C
// toolchain: docker-registry is the real OCI registry that
// internal/testregistry starts on loopback.
const TestPackages = "docker-registry"

// EnsureDebian installs the Debian packages that compile C to WASI and
// those the tests need when they are missing and this process can (it runs
// as root and apt-get exists); otherwise it returns an error giving the
// exact command to run.
func EnsureDebian(log io.Writer) error {
	missing := missingDebian(strings.Fields(DebianPackages + " " + TestPackages))
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
		if err := run(cmd); err != nil {
			return err
		}
	}
	if still := missingDebian(missing); len(still) > 0 {
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
