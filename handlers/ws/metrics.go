package ws

import "github.com/prometheus/client_golang/prometheus"

type metrics struct {
	connections prometheus.Gauge
	framesIn    *prometheus.CounterVec
	framesOut   *prometheus.CounterVec
	errors      *prometheus.CounterVec
	dropped     *prometheus.CounterVec
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		connections: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "courtdesk_ws_connections", Help: "Open chat WebSocket connections on this replica.",
		}),
		framesIn: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "courtdesk_ws_frames_received_total", Help: "Client frames handled, by type.",
		}, []string{"type"}),
		framesOut: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "courtdesk_ws_messages_delivered_total", Help: "Stored messages and states delivered to sockets, by frame type.",
		}, []string{"type"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "courtdesk_ws_errors_total", Help: "Error frames sent or suppressed, by code.",
		}, []string{"code"}),
		dropped: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "courtdesk_ws_dropped_total", Help: "Connections dropped by the server, by reason.",
		}, []string{"reason"}),
	}
	if reg != nil {
		reg.MustRegister(m.connections, m.framesIn, m.framesOut, m.errors, m.dropped)
	}
	return m
}

// registerQueue adds the send-queue depth, read from the hub at scrape time: frames waiting for
// slow sockets show a replica falling behind before clients are dropped as too slow.
func (m *metrics) registerQueue(reg prometheus.Registerer, depth func() (total, fullest int)) {
	if reg == nil {
		return
	}
	reg.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "courtdesk_ws_send_queue_frames", Help: "Frames queued for the chat sockets of this replica, all together.",
		}, func() float64 { t, _ := depth(); return float64(t) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "courtdesk_ws_send_queue_max_frames", Help: "Frames queued for the fullest chat socket (dropped as too slow at the send buffer size).",
		}, func() float64 { _, f := depth(); return float64(f) }),
	)
}
