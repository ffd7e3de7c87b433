package escalation

import (
	"testing"
	"time"
)

var cst = time.FixedZone("CST", 8*3600)

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, cst)
	if err != nil {
		panic(err)
	}
	return t
}

// The 2025 National Day week: 10-01..10-08 off, Sunday 09-28 and Saturday 10-11 worked (调休).
func nationalDay() *Calendar {
	return NewCalendar(cst, 9*time.Hour, 17*time.Hour,
		[]string{"2025-10-01", "2025-10-02", "2025-10-03", "2025-10-06", "2025-10-07", "2025-10-08"},
		[]string{"2025-09-28", "2025-10-11"})
}

func TestWorkingHoursAcrossWeekendsHolidaysAndMakeupDays(t *testing.T) {
	c := nationalDay()
	cases := []struct {
		from, to string
		want     time.Duration
	}{
		{"2025-09-22 10:00", "2025-09-22 12:30", 150 * time.Minute},                          // same morning
		{"2025-09-22 08:00", "2025-09-22 18:00", 8 * time.Hour},                              // outside hours do not count
		{"2025-09-26 16:00", "2025-09-29 10:00", 1*time.Hour + 8*time.Hour + time.Hour},      // Fri 1h, Sun 09-28 makeup 8h, Mon 1h
		{"2025-09-30 16:00", "2025-10-09 10:00", 2 * time.Hour},                              // the holiday week counts nothing (10-04/05 weekend)
		{"2025-10-10 16:00", "2025-10-13 09:30", 1*time.Hour + 8*time.Hour + 30*time.Minute}, // Sat 10-11 makeup
		{"2025-10-04 10:00", "2025-10-05 15:00", 0},                                          // weekend inside the holiday
		{"2025-09-22 12:00", "2025-09-22 11:00", 0},                                          // reversed
	}
	for _, k := range cases {
		if got := c.Working(at(k.from), at(k.to)); got != k.want {
			t.Errorf("Working(%s, %s) = %v, want %v", k.from, k.to, got, k.want)
		}
	}
}

func TestDeadlineInWorkingHours(t *testing.T) {
	c := nationalDay()
	cases := []struct {
		from string
		d    time.Duration
		want string
	}{
		{"2025-09-22 10:00", 4 * time.Hour, "2025-09-22 14:00"},
		{"2025-09-22 15:00", 4 * time.Hour, "2025-09-23 11:00"}, // overnight
		{"2025-09-26 15:00", 4 * time.Hour, "2025-09-28 11:00"}, // Friday → the Sunday makeup day
		{"2025-09-30 15:00", 4 * time.Hour, "2025-10-09 11:00"}, // over the holiday
		{"2025-10-03 20:00", 2 * time.Hour, "2025-10-09 11:00"}, // asked during the holiday
		{"2025-09-22 07:00", 1 * time.Hour, "2025-09-22 10:00"}, // before opening
	}
	for _, k := range cases {
		if got := c.Add(at(k.from), k.d); !got.Equal(at(k.want)) {
			t.Errorf("Add(%s, %v) = %s, want %s", k.from, k.d, got.In(cst).Format("2006-01-02 15:04"), k.want)
		}
	}
	// Add and Working agree.
	from := at("2025-09-26 15:00")
	if w := c.Working(from, c.Add(from, 4*time.Hour)); w != 4*time.Hour {
		t.Errorf("round trip %v", w)
	}
}
