package main

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// replica is one real `courtdesk serve` process of a cluster sharing one PostgreSQL database.
type replica struct {
	t       *testing.T
	name    string
	bin     string
	env     []string
	addr    string
	base    string
	logPath string
	cmd     *exec.Cmd
	exited  chan struct{}
}

// buildBinary compiles the service once into the test's temporary directory.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "courtdesk")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out.String())
	}
	return bin
}

// newReplica prepares a replica on a free loopback port with a data directory of its own; the
// settings every replica must share (database, secret) come from the caller.
func newReplica(t *testing.T, name, bin, dsn, secret string) *replica {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	dir := t.TempDir()
	r := &replica{t: t, name: name, bin: bin, addr: addr, base: "http://" + addr, logPath: filepath.Join(dir, "serve.log"),
		env: []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"),
			"COURTDESK_DB=postgres", "COURTDESK_DATABASE_URL=" + dsn, "COURTDESK_SECRET=" + secret,
			"COURTDESK_DATA=" + filepath.Join(dir, "data"), "COURTDESK_ADDR=" + addr,
			"COURTDESK_ADMIN_PASSWORD=correct-horse-battery", "COURTDESK_RATE_LIMIT=0", "COURTDESK_PASSWORD_COST=4",
			"COURTDESK_CALIBRATE=false", "COURTDESK_LOG_LEVEL=warn", "COURTDESK_ESCALATIONS_PER_ADDRESS=1000",
			"COURTDESK_ESCALATIONS_PER_TOKEN=1000"}}
	t.Cleanup(r.stop)
	return r
}

// start runs the process and waits until /readyz answers 200.
func (r *replica) start() {
	r.t.Helper()
	logf, err := os.OpenFile(r.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		r.t.Fatal(err)
	}
	r.cmd = exec.Command(r.bin, "serve")
	r.cmd.Env = r.env
	r.cmd.Stdout, r.cmd.Stderr = logf, logf
	if err := r.cmd.Start(); err != nil {
		r.t.Fatal(err)
	}
	r.exited = make(chan struct{})
	go func(cmd *exec.Cmd, done chan struct{}) { _ = cmd.Wait(); logf.Close(); close(done) }(r.cmd, r.exited)
	deadline := time.Now().Add(90 * time.Second)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for time.Now().Before(deadline) {
		select {
		case <-r.exited:
			r.t.Fatalf("replica %s exited while starting:\n%s", r.name, r.log())
		case <-tick.C:
		}
		resp, err := http.Get(r.base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
	}
	r.t.Fatalf("replica %s not ready after 90 s:\n%s", r.name, r.log())
}

// kill ends the process with SIGKILL, as a crash or an OOM kill would.
func (r *replica) kill() {
	r.t.Helper()
	if err := r.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		r.t.Fatal(err)
	}
	<-r.exited
}

// stop ends the process with SIGTERM, as an orchestrator does, and waits for it.
func (r *replica) stop() {
	if r.cmd == nil || r.exited == nil {
		return
	}
	select {
	case <-r.exited:
		return
	default:
	}
	_ = r.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-r.exited:
	case <-time.After(30 * time.Second):
		_ = r.cmd.Process.Kill()
		<-r.exited
	}
}

func (r *replica) log() string {
	b, _ := os.ReadFile(r.logPath)
	return string(b)
}

// srv lets the chat and judge socket helpers dial the replica.
func (r *replica) srv() *httptest.Server { return &httptest.Server{URL: r.base} }

// eventually waits, polling, until cond holds or the deadline passes; it reports whether cond held.
func eventually(ctx context.Context, within time.Duration, cond func() bool) bool {
	ctx, cancel := context.WithTimeout(ctx, within)
	defer cancel()
	tick := time.NewTicker(25 * time.Millisecond)
	defer tick.Stop()
	for {
		if cond() {
			return true
		}
		select {
		case <-ctx.Done():
			return cond()
		case <-tick.C:
		}
	}
}

// judgeOn creates a judge of the Shenyang court through the admin API and signs them in on r.
func judgeOn(t *testing.T, admin *apiClient, r *replica, name string) *apiClient {
	t.Helper()
	code, out := admin.do("POST", "/api/v1/admin/users", map[string]any{"username": name, "display_name": name,
		"role": "judge", "court": "沈阳市中级人民法院", "capacity": 20, "password": "pw-" + name + "-0001"})
	if code != 201 {
		t.Fatalf("create judge %s: %d %v", name, code, out)
	}
	c := newAPIClient(t, r.base)
	if code := c.login(name, "pw-"+name+"-0001"); code != 200 {
		t.Fatalf("judge %s login on %s: %d", name, r.name, code)
	}
	return c
}
