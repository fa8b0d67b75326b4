// Package metric defines releasegate's Prometheus metrics on a registry of
// its own (no global registry), so tests and several servers in one process
// never collide.
package metric

import (
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Metrics holds the collectors the HTTP layer and the worker update.
type Metrics struct {
	Registry     *prometheus.Registry
	HTTPDuration *prometheus.HistogramVec // route, method, code
	TaskOutcomes *prometheus.CounterVec   // task, outcome (ok, retry, failed, rejected)
	TaskDuration *prometheus.HistogramVec // task
}

// New creates the metrics. depth, when non-nil, reports tasks waiting per
// queue at scrape time.
func New(depth func() (map[string]int, error), log *slog.Logger) *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		HTTPDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "releasegate_http_request_duration_seconds",
			Help:    "HTTP request latency by route pattern, method and status code.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"route", "method", "code"}),
		TaskOutcomes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "releasegate_tasks_total",
			Help: "Tasks processed by type and outcome (ok, retry, failed, rejected).",
		}, []string{"task", "outcome"}),
		TaskDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "releasegate_task_duration_seconds",
			Help:    "Task processing time by type.",
			Buckets: []float64{.01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 120},
		}, []string{"task"}),
	}
	m.Registry.MustRegister(m.HTTPDuration, m.TaskOutcomes, m.TaskDuration,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if depth != nil {
		m.Registry.MustRegister(&depthCollector{depth: depth, log: log,
			desc: prometheus.NewDesc("releasegate_queue_depth", "Tasks waiting (pending, scheduled or retrying) per queue.", []string{"queue"}, nil)})
	}
	return m
}

type depthCollector struct {
	depth func() (map[string]int, error)
	desc  *prometheus.Desc
	log   *slog.Logger
}

func (c *depthCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c *depthCollector) Collect(ch chan<- prometheus.Metric) {
	d, err := c.depth()
	if err != nil {
		c.log.Warn("read queue depth", "err", err)
		return
	}
	for q, n := range d {
		ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, float64(n), q)
	}
}
