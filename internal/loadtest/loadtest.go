// Package loadtest drives a running CourtDesk server through its public interfaces (the chat
// WebSocket or POST /api/v1/ask, and /metrics) and reports what users would feel: the round trip
// from sending a question to receiving its answer. It connects only to the address it is given and
// stops by itself.
package loadtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Config is one load run.
type Config struct {
	// URL is the server's base URL (http or https); the chat socket is URL + /ws/chat.
	URL string
	// Mode is ModeWS (the chat socket; "" means it) or ModeHTTP (POST /api/v1/ask).
	Mode string
	// Conns is the number of chat connections, or of HTTP keep-alive connections (one request at
	// a time each); Ramp is how many open per second (0: all at once).
	Conns int
	Ramp  float64
	// Rate is questions per second over all connections together. A connection asks only when its
	// previous question is answered, as a user would, so a server that falls behind shows up as an
	// achieved rate below Rate ("behind" counts the questions no idle connection could send).
	// Rate 0 holds the chat connections open, asking nothing, for the idle-memory measure.
	Rate float64
	// Duration is how long questions are sent once the ramp has ended.
	Duration time.Duration
	// Questions are sent in turn; they must not be empty.
	Questions []string
	// MetricsToken is the bearer token for /metrics when the server requires one.
	MetricsToken string
	// Progress receives one line a second; nil is silent.
	Progress io.Writer
}

// Validate reports a configuration the run cannot use.
func (c *Config) Validate() error {
	u, err := url.Parse(c.URL)
	switch {
	case err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https"):
		return fmt.Errorf("url %q: need http://host:port or https://host:port", c.URL)
	case c.Mode != "" && c.Mode != ModeWS && c.Mode != ModeHTTP:
		return fmt.Errorf("mode %q: need %s or %s", c.Mode, ModeWS, ModeHTTP)
	case c.Conns < 1:
		return errors.New("conns must be at least 1")
	case c.Ramp < 0:
		return errors.New("ramp must not be negative")
	case c.Rate < 0:
		return errors.New("rate must not be negative")
	case c.Rate == 0 && c.Mode == ModeHTTP:
		return errors.New("rate must be above 0 in http mode")
	case c.Duration <= 0:
		return errors.New("duration must be above 0")
	case len(c.Questions) == 0:
		return errors.New("no questions to send")
	}
	return nil
}

// chatURL is the WebSocket address of the chat.
func (c *Config) chatURL() string {
	u, _ := url.Parse(c.URL)
	if u.Scheme == "https" {
		u.Scheme = "wss"
	} else {
		u.Scheme = "ws"
	}
	u.Path = strings.TrimRight(u.Path, "/") + "/ws/chat"
	return u.String()
}

// counters are shared by every connection.
type counters struct {
	sent, answers, errors, reconnects, behind, dialFailures atomic.Int64
	connected                                               atomic.Int64

	mu       sync.Mutex
	all      []time.Duration // every round trip of the run
	window   []time.Duration // round trips since the last progress line
	errCodes map[string]int64
}

func (s *counters) observe(d time.Duration) {
	s.answers.Add(1)
	s.mu.Lock()
	s.all = append(s.all, d)
	s.window = append(s.window, d)
	s.mu.Unlock()
}

func (s *counters) fail(code string) {
	s.errors.Add(1)
	s.mu.Lock()
	s.errCodes[code]++
	s.mu.Unlock()
}

// Run opens the connections, sends questions at the target rate for the duration and returns the
// summary. It returns early, with what it has, when ctx ends.
func Run(ctx context.Context, cfg Config) (Summary, error) {
	if err := cfg.Validate(); err != nil {
		return Summary{}, err
	}
	st := &counters{errCodes: map[string]int64{}}
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	// tokens hands each question to one idle connection. Its buffer is a tenth of a second of
	// questions, so a question waits at most that long for a connection before it counts as behind.
	tokens := make(chan struct{}, max(1, int(cfg.Rate/10)))
	worker := func(ctx context.Context, i int) { newConn(i, &cfg, st).run(ctx, tokens) }
	if cfg.Mode == ModeHTTP {
		a := newHTTPAsker(&cfg)
		defer a.close()
		worker = func(ctx context.Context, i int) { a.worker(ctx, i, tokens, st) }
	}
	start := time.Now()
	var wg sync.WaitGroup
	rampDone := make(chan struct{})
	go func() {
		defer close(rampDone)
		for i := 0; i < cfg.Conns; i++ {
			if cfg.Ramp > 0 && i > 0 {
				next := start.Add(time.Duration(float64(i) / cfg.Ramp * float64(time.Second)))
				if !sleepUntil(runCtx, next) {
					return
				}
			}
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				worker(runCtx, i)
			}(i)
		}
	}()
	stopProgress := make(chan struct{})
	progressDone := make(chan struct{})
	go progress(&cfg, st, start, stopProgress, progressDone)

	var sendStart time.Time
	select {
	case <-rampDone:
		sendStart = time.Now()
	case <-runCtx.Done():
	}
	// The server's figures once every connection is open and before any question: the start of
	// a soak, to compare with the end.
	var srvStart Server
	var srvStartErr error
	if !sendStart.IsZero() {
		// The connections dial on their own goroutines: wait (briefly) for them to be open.
		for wait := time.Now().Add(10 * time.Second); st.connected.Load() < int64(cfg.Conns) && time.Now().Before(wait) && runCtx.Err() == nil; {
			time.Sleep(10 * time.Millisecond)
		}
		srvStart, srvStartErr = scrape(runCtx, cfg.URL, cfg.MetricsToken)
		sendStart = time.Now()
		pace(runCtx, cfg.Rate, sendStart.Add(cfg.Duration), tokens, st)
	}
	// Answers still on their way get a short grace, then everything stops.
	deadline := time.Now().Add(2 * time.Second)
	for st.sent.Load() > st.answers.Load()+st.errors.Load() && time.Now().Before(deadline) && ctx.Err() == nil {
		time.Sleep(10 * time.Millisecond)
	}
	elapsed := time.Since(sendStart)
	if sendStart.IsZero() {
		elapsed = 0
	}
	// The server is read while the connections are still open, so its figures are those under load.
	srv, srvErr := scrape(ctx, cfg.URL, cfg.MetricsToken)
	cancel()
	wg.Wait()
	close(stopProgress)
	<-progressDone

	sum := st.summary(&cfg, elapsed)
	sum.Server, sum.ServerErr = srv, srvErr
	if srvStartErr == nil && !sendStart.IsZero() {
		sum.ServerStart = &srvStart
	}
	return sum, ctx.Err()
}

// pace puts questions on tokens at rate per second until the deadline. A question no idle
// connection takes within the buffer counts as behind.
func pace(ctx context.Context, rate float64, until time.Time, tokens chan<- struct{}, st *counters) {
	t0 := time.Now()
	var issued int64
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-tick.C:
			if now.After(until) {
				return
			}
			due := int64(now.Sub(t0).Seconds() * rate)
			for ; issued < due; issued++ {
				select {
				case tokens <- struct{}{}:
				default:
					st.behind.Add(1)
				}
			}
		}
	}
}

func sleepUntil(ctx context.Context, t time.Time) bool {
	d := time.Until(t)
	if d <= 0 {
		return ctx.Err() == nil
	}
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-tm.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// progress writes one line a second until stop is closed.
func progress(cfg *Config, st *counters, start time.Time, stop <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	if cfg.Progress == nil {
		return
	}
	t := time.NewTicker(time.Second)
	defer t.Stop()
	var lastAnswers int64
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		st.mu.Lock()
		w := st.window
		st.window = nil
		st.mu.Unlock()
		p := percentiles(w)
		a := st.answers.Load()
		fmt.Fprintf(cfg.Progress, "%4ds conns %d/%d  answers/s %d  p50 %s  p99 %s  sent %d  answers %d  errors %d  reconnects %d  behind %d\n",
			int(time.Since(start).Seconds()), st.connected.Load(), cfg.Conns, a-lastAnswers,
			ms(p.P50), ms(p.P99), st.sent.Load(), a, st.errors.Load(), st.reconnects.Load(), st.behind.Load())
		lastAnswers = a
	}
}

// FileAdvice returns a line of `ulimit -n` advice when this process may not open conns sockets
// (plus some room for everything else), or "" when it may.
func FileAdvice(conns int) string {
	soft, _, ok := FileLimit()
	need := uint64(conns) + 64
	if !ok || soft >= need {
		return ""
	}
	return fmt.Sprintf("the open-file limit is %d but %d connections need about %d: run `ulimit -n %d` "+
		"(in the shells of both the load tool and the server) or lower --conns", soft, conns, need, need)
}
