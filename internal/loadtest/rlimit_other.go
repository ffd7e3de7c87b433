//go:build !unix

package loadtest

// FileLimit is unknown on this system.
func FileLimit() (soft, hard uint64, ok bool) { return 0, 0, false }
