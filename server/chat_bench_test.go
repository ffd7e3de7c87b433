package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"runtime"
	"syscall"
	"testing"
	"time"
)

// benchApp wires the real service like testApp, for benchmarks.
func benchApp(b *testing.B) *httptest.Server {
	b.Helper()
	cfg := DefaultConfig()
	cfg.DataDir = b.TempDir()
	cfg.AdminPassword = "correct-horse-battery"
	cfg.RateLimit = 0
	a, err := build(context.Background(), &cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), io.Discard)
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(a.http)
	b.Cleanup(func() { srv.Close(); a.close() })
	return srv
}

// BenchmarkChatAskOneConnection measures the questions one connection sustains end to end: the
// frame is decoded, the question stored (SQLite on disk), acknowledged, answered by the engine over
// the Bleve index, the answer stored and delivered. Every ask is a new question (new client id).
func BenchmarkChatAskOneConnection(b *testing.B) {
	srv := benchApp(b)
	c := dialChat(b, srv, "")
	c.hello()
	questions := []string{overtimeQ, "试用期可以随便辞退员工吗？", "公司银行账户被冻结了，还能发工资吗？", "合同对方迟迟不付款，怎么办？"}
	b.ResetTimer()
	start := time.Now()
	for i := range b.N {
		c.ask(fmt.Sprintf("b%d", i), questions[i%len(questions)])
		c.seen, c.backlog = c.seen[:0], c.backlog[:0]
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "asks/s")
}

// BenchmarkChatIdleConnection measures the memory an open, idle chat connection costs: run with
// -benchtime=1000x to hold 1,000 connections at once. Client and server share the process, so the
// figure covers both ends of each connection.
func BenchmarkChatIdleConnection(b *testing.B) {
	srv := benchApp(b) // RateLimit 0: no per-address cap
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	g0 := runtime.NumGoroutine()
	conns := make([]*chatConn, 0, b.N)
	for range b.N {
		c := dialChat(b, srv, "")
		c.hello()
		c.seen, c.backlog = nil, nil
		conns = append(conns, c)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.HeapInuse-before.HeapInuse)/float64(b.N), "heap-B/conn")
	b.ReportMetric(float64(after.StackInuse-before.StackInuse)/float64(b.N), "stack-B/conn")
	b.ReportMetric(float64(runtime.NumGoroutine()-g0)/float64(b.N), "goroutines/conn")
	for _, c := range conns {
		c.conn.Close()
	}
}

// BenchmarkTestAppStart is what one server test pays before its first request: a fresh start
// (seed import, statutes, index build) against a start on a copy of the seeded template. cpu-s/op
// is the process's CPU time, which other load on the machine disturbs less than the wall time.
func BenchmarkTestAppStart(b *testing.B) {
	for _, mode := range []struct {
		name         string
		fromTemplate bool
	}{{"fresh", false}, {"template", true}} {
		b.Run(mode.name, func(b *testing.B) {
			seededDir(b) // built once, outside the timing
			cpu0 := cpuTime()
			b.ResetTimer()
			for b.Loop() {
				cfg := testConfig(b.TempDir())
				a, srv := startTestApp(b, &cfg, mode.fromTemplate)
				srv.Close()
				a.close()
			}
			b.ReportMetric((cpuTime()-cpu0).Seconds()/float64(b.N), "cpu-s/op")
		})
	}
}

// cpuTime is the user and system CPU time of this process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
