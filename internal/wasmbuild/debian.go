package wasmbuild

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
)

// EnsureDebian installs the Debian packages that compile C to WASI and the
// libraries of the test servers ([TestLibraries]) when they are missing and
// this process can (it runs as root and apt-get exists), otherwise it
// returns an error giving the exact command to run; then it unpacks,
// without installing, the packages the tests need ([EnsureTestPackages]).
func EnsureDebian(log io.Writer) error {
	if err := ensureInstalled(log); err != nil {
		return err
	}
	return EnsureTestPackages(log)
}

func ensureInstalled(log io.Writer) error {
	missing := missingDebian(strings.Fields(DebianPackages + " " + TestLibraries))
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
