package report

import (
	"context"
	"sort"
	"time"
)

// Response is first-response performance of a court or a judge.
type Response struct {
	Court        string  `json:"court"`
	Judge        string  `json:"judge,omitempty"`
	Tickets      int     `json:"tickets"`
	Responded    int     `json:"responded"`
	WithinTarget int     `json:"within_target"`
	Share        float64 `json:"share_within_target"` // of the responded
	AvgHours     float64 `json:"avg_first_response_hours"`
	MedianHours  float64 `json:"median_first_response_hours"`
}

// Judges is response performance by court and by judge, in working hours.
type Judges struct {
	TargetHours float64    `json:"target_hours"`
	ByCourt     []Response `json:"by_court"`
	ByJudge     []Response `json:"by_judge"`
}

// Judges computes first-response times of the tickets created in the period.
func (s *Service) Judges(ctx context.Context, from, to time.Time) (Judges, error) {
	rows, err := s.src.TicketsBetween(ctx, from, to)
	if err != nil {
		return Judges{}, err
	}
	cal := s.cal()
	type acc struct {
		r     Response
		hours []float64
	}
	courts, judges := map[string]*acc{}, map[string]*acc{}
	add := func(m map[string]*acc, key, court, judge string, responded bool, h float64) {
		a := m[key]
		if a == nil {
			a = &acc{r: Response{Court: court, Judge: judge}}
			m[key] = a
		}
		a.r.Tickets++
		if responded {
			a.r.Responded++
			a.hours = append(a.hours, h)
			if h <= s.target.Hours() {
				a.r.WithinTarget++
			}
		}
	}
	for _, t := range rows {
		responded := !t.FirstResponseAt.IsZero()
		h := 0.0
		if responded {
			h = cal.Working(t.CreatedAt, t.FirstResponseAt).Hours()
		}
		add(courts, t.Court, t.Court, "", responded, h)
		if t.JudgeID != 0 {
			add(judges, t.Court+"|"+t.Judge, t.Court, t.Judge, responded, h)
		}
	}
	finish := func(m map[string]*acc) []Response {
		out := make([]Response, 0, len(m))
		for _, a := range m {
			if n := len(a.hours); n > 0 {
				sum := 0.0
				for _, h := range a.hours {
					sum += h
				}
				sort.Float64s(a.hours)
				a.r.AvgHours = round1(sum / float64(n))
				a.r.MedianHours = round1(a.hours[n/2])
				if n%2 == 0 {
					a.r.MedianHours = round1((a.hours[n/2-1] + a.hours[n/2]) / 2)
				}
				a.r.Share = float64(a.r.WithinTarget) / float64(n)
			}
			out = append(out, a.r)
		}
		sort.Slice(out, func(i, j int) bool {
			if out[i].Court != out[j].Court {
				return out[i].Court < out[j].Court
			}
			return out[i].Judge < out[j].Judge
		})
		return out
	}
	return Judges{TargetHours: s.target.Hours(), ByCourt: finish(courts), ByJudge: finish(judges)}, nil
}

func round1(f float64) float64 { return float64(int(f*10+0.5)) / 10 }
