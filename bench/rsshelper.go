package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
)

// rssFlag makes the bench binary a small parent that runs one command and
// writes its peak RSS to a file. On Linux a child's ru_maxrss starts at
// the RSS of the process that forked it (exec records the old address
// space's high-water mark), so measuring from the bench itself, which holds
// a few hundred MB, would floor every figure at that.
const rssFlag = "-rss-of"

// rssMain is main for rssFlag: bench -rss-of FILE COMMAND [ARGS…]. It
// exits with the command's status.
func rssMain(args []string) {
	if len(args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: bench -rss-of FILE COMMAND [ARGS…]")
		os.Exit(2)
	}
	cmd := exec.Command(args[1], args[2:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	err := cmd.Run()
	if cmd.ProcessState != nil {
		os.WriteFile(args[0], []byte(strconv.FormatInt(peakRSS(cmd.ProcessState), 10)), 0o644)
	}
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		os.Exit(exit.ExitCode())
	case err != nil:
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(2)
	}
}

// underRSSHelper wraps args to run under rssMain, writing to file.
func underRSSHelper(file string, args []string) ([]string, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	return append([]string{self, rssFlag, file}, args...), nil
}

// readRSS reads what rssMain wrote; 0 if nothing.
func readRSS(file string) int64 {
	b, err := os.ReadFile(file)
	if err != nil {
		return 0
	}
	n, _ := strconv.ParseInt(string(b), 10, 64)
	return n
}
