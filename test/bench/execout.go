package main

import "os/exec"

// execOutput runs a command and returns what it printed (stdout and stderr), whatever
// its exit status: `-help` exits 0 or 2 depending on the flag package.
func execOutput(name string, args ...string) (string, error) {
	out, err := exec.Command(name, args...).CombinedOutput()
	return string(out), err
}
