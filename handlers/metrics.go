package handlers

import (
	"runtime"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/courtdesk/courtdesk/knowledge/answer"
)

// Metrics are the service's Prometheus metrics, on a registry of their own (no global state).
type Metrics struct {
	reg        *prometheus.Registry
	asks       *prometheus.CounterVec
	escalation *prometheus.CounterVec
	askLatency prometheus.Histogram
}

// NewMetrics registers the metrics. indexDocs reports the number of searchable articles.
func NewMetrics(version string, indexDocs func() int) *Metrics {
	reg := prometheus.NewRegistry()
	m := &Metrics{
		reg: reg,
		asks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "courtdesk_asks_total", Help: "Questions answered, by intent.",
		}, []string{"intent"}),
		escalation: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "courtdesk_escalations_suggested_total", Help: "Escalations suggested, by reason.",
		}, []string{"reason"}),
		askLatency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "courtdesk_ask_duration_seconds", Help: "Time to answer one question.",
			Buckets: []float64{.0005, .001, .002, .005, .01, .025, .05, .1, .25, .5, 1},
		}),
	}
	build := prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "courtdesk_build_info", Help: "Build information; the value is always 1.",
	}, []string{"version", "goversion"})
	build.WithLabelValues(version, runtime.Version()).Set(1)
	docs := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "courtdesk_index_documents", Help: "Published articles in the search index.",
	}, func() float64 { return float64(indexDocs()) })
	reg.MustRegister(m.asks, m.escalation, m.askLatency, build, docs,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Registry lets other packages (the WebSocket hub) add their own metrics.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// ObserveAsk records one answered question.
func (m *Metrics) ObserveAsk(r answer.Result, took time.Duration) {
	m.asks.WithLabelValues(string(r.Intent)).Inc()
	if r.Escalation.Suggested {
		m.escalation.WithLabelValues(string(r.Escalation.Reason)).Inc()
	}
	m.askLatency.Observe(took.Seconds())
}

func (s *Server) metrics(c echo.Context) error {
	promhttp.HandlerFor(s.d.Metrics.reg, promhttp.HandlerOpts{}).ServeHTTP(c.Response(), c.Request())
	return nil
}
