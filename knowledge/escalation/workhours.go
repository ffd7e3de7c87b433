package escalation

import (
	"sort"
	"time"
)

// Calendar is the court's working time: weekdays within opening hours, minus public holidays,
// plus the weekend days worked in their place (调休). Response-time targets are counted in it.
type Calendar struct {
	Loc      *time.Location
	Open     time.Duration // since midnight, e.g. 9h
	Close    time.Duration // since midnight, e.g. 17h
	holidays map[string]bool
	makeup   map[string]bool
}

const dayKey = "2006-01-02"

// NewCalendar builds a calendar. holidays and makeup are dates as YYYY-MM-DD.
func NewCalendar(loc *time.Location, open, close time.Duration, holidays, makeup []string) *Calendar {
	if loc == nil {
		loc = time.FixedZone("CST", 8*3600)
	}
	c := &Calendar{Loc: loc, Open: open, Close: close, holidays: map[string]bool{}, makeup: map[string]bool{}}
	for _, d := range holidays {
		c.holidays[d] = true
	}
	for _, d := range makeup {
		c.makeup[d] = true
	}
	return c
}

// DefaultCalendar is Monday to Friday, 09:00–17:00 China Standard Time, with no holidays listed.
func DefaultCalendar() *Calendar {
	return NewCalendar(nil, 9*time.Hour, 17*time.Hour, nil, nil)
}

// Holidays and MakeupDays list the configured dates, sorted.
func (c *Calendar) Holidays() []string   { return sortedKeys(c.holidays) }
func (c *Calendar) MakeupDays() []string { return sortedKeys(c.makeup) }

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// IsWorkday reports whether the date of t (in the court's zone) is a working day.
func (c *Calendar) IsWorkday(t time.Time) bool {
	t = t.In(c.Loc)
	key := t.Format(dayKey)
	if c.makeup[key] {
		return true
	}
	if c.holidays[key] {
		return false
	}
	wd := t.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

func (c *Calendar) dayStart(t time.Time) time.Time {
	y, m, d := t.In(c.Loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, c.Loc)
}

// Working returns the working time between from and to (0 when to is not after from).
func (c *Calendar) Working(from, to time.Time) time.Duration {
	if !to.After(from) {
		return 0
	}
	var total time.Duration
	for day := c.dayStart(from); day.Before(to); day = day.AddDate(0, 0, 1) {
		if !c.IsWorkday(day) {
			continue
		}
		open, close := day.Add(c.Open), day.Add(c.Close)
		s, e := maxTime(open, from), minTime(close, to)
		if e.After(s) {
			total += e.Sub(s)
		}
	}
	return total
}

// Add returns the moment at which d of working time has passed after from: the deadline of a
// target such as "first response within 4 working hours".
func (c *Calendar) Add(from time.Time, d time.Duration) time.Time {
	if d <= 0 {
		return from
	}
	// Two years of calendar days is far beyond any target; it bounds the loop on a bad config.
	for day, i := c.dayStart(from), 0; i < 730; day, i = day.AddDate(0, 0, 1), i+1 {
		if !c.IsWorkday(day) {
			continue
		}
		open, close := day.Add(c.Open), day.Add(c.Close)
		s := maxTime(open, from)
		if !close.After(s) {
			continue
		}
		if avail := close.Sub(s); avail >= d {
			return s.Add(d)
		} else {
			d -= avail
		}
	}
	return from.Add(d)
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
