// Package testenv finds the shared test material (../shared next to the repository) and decides
// whether a missing dependency skips a test or, under CI, fails it.
package testenv

import (
	"os"
	"path/filepath"
	"testing"
)

// SharedDir returns the shared folder (kb/, laws/) that sits beside the repository root, or the
// one named by COURTDESK_SHARED. Without it the test is skipped, except under CI.
func SharedDir(t testing.TB) string {
	t.Helper()
	if d := os.Getenv("COURTDESK_SHARED"); d != "" {
		return d
	}
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			shared := filepath.Join(filepath.Dir(dir), "shared")
			if _, err := os.Stat(filepath.Join(shared, "kb", "dev-questions.jsonl")); err == nil {
				return shared
			}
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	Require(t, "the shared test material (../shared beside the repository, or COURTDESK_SHARED)")
	return ""
}

// Require skips the test with a clear message, or fails it under CI where everything must be present.
func Require(t testing.TB, what string) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatalf("%s is required under CI but missing", what)
	}
	t.Skipf("skipped: %s is not available here", what)
}
