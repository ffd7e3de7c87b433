package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The load tool, run as a user would against a real server for a second, reports every question
// answered, no errors, and the server's own figures from /metrics.
func TestLoadtestAgainstRealServer(t *testing.T) {
	_, srv := testApp(t, nil)
	var sum struct {
		Sent, Answers, Errors, Reconnects int64
		Server                            struct {
			RSS        float64 `json:"rss_bytes"`
			Goroutines float64 `json:"goroutines"`
			Conns      float64 `json:"ws_connections"`
		}
		Latency struct{ P50, Max float64 } `json:"latency_ms"`
	}
	stdout, b := runLoadtest(t, &sum, "--url", srv.URL, "--conns", "4", "--ramp", "0",
		"--rate", "20", "--duration", "1s")
	for _, want := range []string{"latency p99", "achieved rate", "server goroutines"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("summary table lacks %q:\n%s", want, stdout)
		}
	}
	if sum.Sent == 0 || sum.Answers != sum.Sent || sum.Errors != 0 || sum.Reconnects != 0 {
		t.Fatalf("want every question answered without errors, got %s", b)
	}
	if sum.Latency.P50 <= 0 || sum.Latency.Max < sum.Latency.P50 {
		t.Errorf("latencies not recorded: %s", b)
	}
	if sum.Server.RSS <= 0 || sum.Server.Goroutines <= 0 || sum.Server.Conns != 4 {
		t.Errorf("server figures from /metrics missing: %s", b)
	}
}

// With --rate 0 the tool holds its chat connections open and asks nothing: the idle measure.
func TestLoadtestHoldsIdleConnections(t *testing.T) {
	_, srv := testApp(t, nil)
	var sum struct {
		Sent, Errors int64
		Server       struct {
			Conns float64 `json:"ws_connections"`
		}
	}
	_, b := runLoadtest(t, &sum, "--url", srv.URL, "--conns", "5", "--ramp", "0",
		"--rate", "0", "--duration", "1s")
	if sum.Sent != 0 || sum.Errors != 0 || sum.Server.Conns != 5 {
		t.Fatalf("want 5 connections held and nothing asked, got %s", b)
	}
}

// In HTTP mode the tool asks through POST /api/v1/ask on keep-alive connections and reports the
// same figures: every request answered, none failed.
func TestLoadtestHTTPMode(t *testing.T) {
	_, srv := testApp(t, nil)
	var sum struct {
		Mode                  string
		Sent, Answers, Errors int64
		Latency               struct{ P50, P99 float64 } `json:"latency_ms"`
		Server                struct {
			Goroutines float64 `json:"goroutines"`
		}
	}
	_, b := runLoadtest(t, &sum, "--mode", "http", "--url", srv.URL, "--conns", "4", "--ramp", "0",
		"--rate", "40", "--duration", "1s")
	if sum.Mode != "http" || sum.Sent == 0 || sum.Answers != sum.Sent || sum.Errors != 0 {
		t.Fatalf("want every request answered without errors, got %s", b)
	}
	if sum.Latency.P50 <= 0 || sum.Latency.P99 < sum.Latency.P50 || sum.Server.Goroutines <= 0 {
		t.Errorf("latencies or server figures missing: %s", b)
	}
}

// Bad flags and a questions file without questions are usage errors, with nothing sent.
func TestLoadtestRefusesBadInput(t *testing.T) {
	empty := filepath.Join(t.TempDir(), "q.jsonl")
	if err := os.WriteFile(empty, []byte("{\"other\": 1}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"loadtest", "--conns", "0"},
		{"loadtest", "--url", "ftp://127.0.0.1:1"},
		{"loadtest", "--rate", "-1"},
		{"loadtest", "--mode", "http", "--rate", "0"},
		{"loadtest", "--mode", "grpc"},
	} {
		if code, _, _ := runCLI(t, nil, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
	if code, _, errOut := runCLI(t, nil, "loadtest", "--questions", empty); code != 1 || !strings.Contains(errOut, "question") {
		t.Errorf("questions file without questions: exit %d %q", code, errOut)
	}
}

// runLoadtest runs the loadtest command with a --json summary, fails the test unless it exits 0,
// and decodes the summary into sum; it returns the printed table and the summary as written.
func runLoadtest(t *testing.T, sum any, args ...string) (string, []byte) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "summary.json")
	code, stdout, stderr := runCLI(t, nil, append(append([]string{"loadtest"}, args...), "--json", out)...)
	if code != 0 {
		t.Fatalf("loadtest exited %d: %s %s", code, stdout, stderr)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, sum); err != nil {
		t.Fatalf("--json: %v\n%s", err, b)
	}
	return stdout, b
}
