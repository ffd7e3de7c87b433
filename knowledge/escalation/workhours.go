package escalation

import (
	"sort"
	"time"

	"github.com/courtdesk/courtdesk/knowledge"
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

// CalendarSettings is the editable form of a calendar.
type CalendarSettings struct {
	Open       string   `json:"open"`  // "09:00"
	Close      string   `json:"close"` // "17:00"
	Holidays   []string `json:"holidays"`
	MakeupDays []string `json:"makeup_days"`
}

// Settings returns the calendar's editable form.
func (c *Calendar) Settings() CalendarSettings {
	f := func(d time.Duration) string {
		return time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC).Add(d).Format("15:04")
	}
	return CalendarSettings{Open: f(c.Open), Close: f(c.Close), Holidays: c.Holidays(), MakeupDays: c.MakeupDays()}
}

// Build validates the settings and returns the calendar.
func (s CalendarSettings) Build() (*Calendar, error) {
	v := &knowledge.ValidationError{}
	parse := func(field, hm string) time.Duration {
		t, err := time.Parse("15:04", hm)
		if err != nil {
			v.Add("", field, "时间格式应为 HH:MM")
			return 0
		}
		return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute
	}
	open, close := parse("open", s.Open), parse("close", s.Close)
	if close <= open {
		v.Add("", "close", "下班时间须晚于上班时间")
	}
	seen := map[string]string{}
	for field, days := range map[string][]string{"holidays": s.Holidays, "makeup_days": s.MakeupDays} {
		if len(days) > 400 {
			v.Add("", field, "最多 400 个日期")
		}
		for _, d := range days {
			if _, err := time.Parse(dayKey, d); err != nil {
				v.Add("", field, "日期 %q 格式应为 YYYY-MM-DD", d)
			} else if other, dup := seen[d]; dup && other != field {
				v.Add("", field, "%s 不能既是节假日又是调休上班日", d)
			}
			seen[d] = field
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return NewCalendar(nil, open, close, s.Holidays, s.MakeupDays), nil
}
