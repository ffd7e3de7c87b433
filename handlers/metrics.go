package handlers

import (
	"context"
	"runtime"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/courtdesk/courtdesk/knowledge/answer"
	"github.com/courtdesk/courtdesk/knowledge/conversation"
)

// Metrics are the service's Prometheus metrics, on a registry of their own (no global state).
type Metrics struct {
	reg        *prometheus.Registry
	asks       *prometheus.CounterVec
	escalation *prometheus.CounterVec
	askLatency *prometheus.HistogramVec
	msgWrite   prometheus.Histogram
}

// Channels an answer goes out on; every answer is counted once, labelled by its channel.
const (
	ChannelHTTP = "http"
	ChannelWS   = "ws"
)

// NewMetrics registers the metrics. indexDocs reports the number of searchable articles.
func NewMetrics(version string, indexDocs func() int) *Metrics {
	reg := prometheus.NewRegistry()
	m := &Metrics{
		reg: reg,
		asks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "courtdesk_asks_total", Help: "Questions answered, by channel (http, ws) and intent.",
		}, []string{"channel", "intent"}),
		escalation: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "courtdesk_escalations_suggested_total", Help: "Escalations suggested, by reason.",
		}, []string{"reason"}),
		askLatency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "courtdesk_ask_duration_seconds",
			Help:    "Time to answer one question, by channel and intent: over HTTP the engine, over WebSocket from the frame to the stored answer.",
			Buckets: []float64{.0005, .001, .002, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"channel", "intent"}),
		msgWrite: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "courtdesk_message_write_duration_seconds", Help: "Time of one chat message write transaction (a question and its answer are one).",
			Buckets: []float64{.0002, .0005, .001, .002, .005, .01, .025, .05, .1, .25, 1},
		}),
	}
	build := prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "courtdesk_build_info", Help: "Build information; the value is always 1.",
	}, []string{"version", "goversion"})
	build.WithLabelValues(version, runtime.Version()).Set(1)
	docs := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "courtdesk_index_documents", Help: "Published articles in the search index.",
	}, func() float64 { return float64(indexDocs()) })
	reg.MustRegister(m.asks, m.escalation, m.askLatency, m.msgWrite, build, docs,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Registry lets other packages (the WebSocket hub) add their own metrics.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// ObserveAsk records one answered question on a channel (ChannelHTTP, ChannelWS).
func (m *Metrics) ObserveAsk(channel string, r answer.Result, took time.Duration) {
	m.asks.WithLabelValues(channel, string(r.Intent)).Inc()
	if r.Escalation.Suggested {
		m.escalation.WithLabelValues(string(r.Escalation.Reason)).Inc()
	}
	m.askLatency.WithLabelValues(channel, string(r.Intent)).Observe(took.Seconds())
}

// ObserveWSAnswer records an answer delivered over the chat WebSocket; the hub calls it.
func (m *Metrics) ObserveWSAnswer(r answer.Result, took time.Duration) {
	m.ObserveAsk(ChannelWS, r, took)
}

// TimeMessageWrites wraps a conversation store so that every chat message write is timed.
func (m *Metrics) TimeMessageWrites(st conversation.Store) conversation.Store {
	return timedStore{Store: st, h: m.msgWrite}
}

type timedStore struct {
	conversation.Store
	h prometheus.Histogram
}

func (t timedStore) AppendMessage(ctx context.Context, msg conversation.Message, reopen bool) (conversation.Appended, error) {
	start := time.Now()
	ap, err := t.Store.AppendMessage(ctx, msg, reopen)
	t.h.Observe(time.Since(start).Seconds())
	return ap, err
}

func (t timedStore) AppendExchange(ctx context.Context, q, a conversation.Message) (conversation.Exchange, error) {
	start := time.Now()
	ex, err := t.Store.AppendExchange(ctx, q, a)
	t.h.Observe(time.Since(start).Seconds())
	return ex, err
}

func (s *common) metrics(c echo.Context) error {
	promhttp.HandlerFor(s.Metrics.reg, promhttp.HandlerOpts{}).ServeHTTP(c.Response(), c.Request())
	return nil
}
