//go:build unix

package loadtest

import "syscall"

// FileLimit is the process's open-file limit (soft, hard); ok is false where it is unknown. Go
// raises the soft limit to the hard one at start, so the hard limit is what counts.
func FileLimit() (soft, hard uint64, ok bool) {
	var r syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &r); err != nil {
		return 0, 0, false
	}
	return uint64(r.Cur), uint64(r.Max), true
}
