package loadtest

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// Latency holds round-trip percentiles.
type Latency struct {
	P50, P90, P99, Max time.Duration
}

// Server is what the server's /metrics said at the end of the run.
type Server struct {
	RSSBytes    float64 `json:"rss_bytes"`
	Goroutines  float64 `json:"goroutines"`
	Connections float64 `json:"ws_connections"`
}

// Summary is the result of a run.
type Summary struct {
	URL        string           `json:"url"`
	Mode       string           `json:"mode"`
	Conns      int              `json:"conns"`
	TargetRate float64          `json:"target_rate"`
	Elapsed    time.Duration    `json:"-"`
	Sent       int64            `json:"sent"`
	Answers    int64            `json:"answers"`
	Errors     int64            `json:"errors"`
	ErrorCodes map[string]int64 `json:"error_codes,omitempty"`
	Reconnects int64            `json:"reconnects"`
	Behind     int64            `json:"behind"`
	Rate       float64          `json:"achieved_rate"`
	Latency    Latency          `json:"-"`
	Server     Server           `json:"server"`
	// ServerStart is what /metrics said once the connections were open, before the first question.
	ServerStart *Server `json:"server_start,omitempty"`
	ServerErr   error   `json:"-"`
}

func (s *counters) summary(cfg *Config, elapsed time.Duration) Summary {
	s.mu.Lock()
	defer s.mu.Unlock()
	mode := cfg.Mode
	if mode == "" {
		mode = ModeWS
	}
	sum := Summary{URL: cfg.URL, Mode: mode, Conns: cfg.Conns, TargetRate: cfg.Rate, Elapsed: elapsed,
		Sent: s.sent.Load(), Answers: s.answers.Load(), Errors: s.errors.Load(),
		Reconnects: s.reconnects.Load(), Behind: s.behind.Load(), Latency: percentiles(s.all)}
	if len(s.errCodes) > 0 {
		sum.ErrorCodes = map[string]int64{}
		for k, v := range s.errCodes {
			sum.ErrorCodes[k] = v
		}
	}
	if elapsed > 0 {
		sum.Rate = float64(sum.Answers) / elapsed.Seconds()
	}
	return sum
}

// percentiles sorts d in place.
func percentiles(d []time.Duration) Latency {
	if len(d) == 0 {
		return Latency{}
	}
	slices.Sort(d)
	at := func(p float64) time.Duration { return d[min(len(d)-1, int(p*float64(len(d))))] }
	return Latency{P50: at(.50), P90: at(.90), P99: at(.99), Max: d[len(d)-1]}
}

func ms(d time.Duration) string { return strconv.FormatFloat(float64(d)/1e6, 'f', 1, 64) + "ms" }

// scrape reads the server's RSS, goroutines and chat connections from its /metrics.
func scrape(ctx context.Context, base, token string) (Server, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(base, "/")+"/metrics", nil)
	if err != nil {
		return Server{}, err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return Server{}, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return Server{}, fmt.Errorf("/metrics: %s (set --metrics-token if the server requires one)", resp.Status)
	}
	var s Server
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		name, val, ok := strings.Cut(sc.Text(), " ")
		if !ok {
			continue
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
		if err != nil {
			continue
		}
		switch name {
		case "process_resident_memory_bytes":
			s.RSSBytes = v
		case "go_goroutines":
			s.Goroutines = v
		case "courtdesk_ws_connections":
			s.Connections = v
		}
	}
	return s, sc.Err()
}

// Print writes the summary table.
func (s Summary) Print(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "mode\t%s\n", s.Mode)
	fmt.Fprintf(tw, "connections\t%d\n", s.Conns)
	fmt.Fprintf(tw, "duration\t%.1fs\n", s.Elapsed.Seconds())
	fmt.Fprintf(tw, "target rate\t%.0f/s\n", s.TargetRate)
	fmt.Fprintf(tw, "achieved rate\t%.1f answers/s\n", s.Rate)
	fmt.Fprintf(tw, "questions sent\t%d\n", s.Sent)
	fmt.Fprintf(tw, "answers\t%d\n", s.Answers)
	fmt.Fprintf(tw, "latency p50\t%s\n", ms(s.Latency.P50))
	fmt.Fprintf(tw, "latency p90\t%s\n", ms(s.Latency.P90))
	fmt.Fprintf(tw, "latency p99\t%s\n", ms(s.Latency.P99))
	fmt.Fprintf(tw, "latency max\t%s\n", ms(s.Latency.Max))
	errs := strconv.FormatInt(s.Errors, 10)
	if len(s.ErrorCodes) > 0 {
		var parts []string
		for k, v := range s.ErrorCodes {
			parts = append(parts, k+"="+strconv.FormatInt(v, 10))
		}
		slices.Sort(parts)
		errs += " (" + strings.Join(parts, ", ") + ")"
	}
	fmt.Fprintf(tw, "errors\t%s\n", errs)
	fmt.Fprintf(tw, "reconnects\t%d\n", s.Reconnects)
	fmt.Fprintf(tw, "behind (no idle connection)\t%d\n", s.Behind)
	if s.ServerErr != nil {
		fmt.Fprintf(tw, "server metrics\tunavailable: %v\n", s.ServerErr)
	} else {
		if st := s.ServerStart; st != nil {
			fmt.Fprintf(tw, "server RSS (start → end)\t%.1f → %.1f MiB\n", st.RSSBytes/(1<<20), s.Server.RSSBytes/(1<<20))
			fmt.Fprintf(tw, "server goroutines (start → end)\t%.0f → %.0f\n", st.Goroutines, s.Server.Goroutines)
		} else {
			fmt.Fprintf(tw, "server RSS\t%.1f MiB\n", s.Server.RSSBytes/(1<<20))
			fmt.Fprintf(tw, "server goroutines\t%.0f\n", s.Server.Goroutines)
		}
		fmt.Fprintf(tw, "server chat connections\t%.0f\n", s.Server.Connections)
	}
	tw.Flush()
}

// JSON is the machine-readable summary; latencies are in milliseconds.
func (s Summary) JSON() ([]byte, error) {
	type lat struct {
		P50 float64 `json:"p50"`
		P90 float64 `json:"p90"`
		P99 float64 `json:"p99"`
		Max float64 `json:"max"`
	}
	f := func(d time.Duration) float64 { return float64(d) / 1e6 }
	out := struct {
		Summary
		ElapsedS  float64 `json:"elapsed_seconds"`
		LatencyMS lat     `json:"latency_ms"`
		ServerErr string  `json:"server_error,omitempty"`
	}{Summary: s, ElapsedS: s.Elapsed.Seconds(),
		LatencyMS: lat{f(s.Latency.P50), f(s.Latency.P90), f(s.Latency.P99), f(s.Latency.Max)}}
	if s.ServerErr != nil {
		out.ServerErr = s.ServerErr.Error()
	}
	return json.MarshalIndent(out, "", "  ")
}
