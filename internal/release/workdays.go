package release

import "time"

// Working days in England and Wales, for chasing consent requests: Monday
// to Friday, except bank holidays.

// bankHolidays are England and Wales bank holidays for 2026 and 2027, as
// published on gov.uk/bank-holidays (substitute days included: Boxing Day
// 2026 and Christmas and Boxing Day 2027 fall at weekends). Outside these
// years only weekends are skipped; extend the list each year.
var bankHolidays = map[string]bool{
	// 2026
	"2026-01-01": true, // New Year's Day
	"2026-04-03": true, // Good Friday
	"2026-04-06": true, // Easter Monday
	"2026-05-04": true, // Early May bank holiday
	"2026-05-25": true, // Spring bank holiday
	"2026-08-31": true, // Summer bank holiday
	"2026-12-25": true, // Christmas Day
	"2026-12-28": true, // Boxing Day (substitute day)
	// 2027
	"2027-01-01": true, // New Year's Day
	"2027-03-26": true, // Good Friday
	"2027-03-29": true, // Easter Monday
	"2027-05-03": true, // Early May bank holiday
	"2027-05-31": true, // Spring bank holiday
	"2027-08-30": true, // Summer bank holiday
	"2027-12-27": true, // Christmas Day (substitute day)
	"2027-12-28": true, // Boxing Day (substitute day)
}

// ukLocation is Europe/London, or UTC where the time zone database is
// missing (the dates then shift by an hour in summer at most).
func ukLocation() *time.Location {
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		return time.UTC
	}
	return loc
}

// workingDay reports whether the UK date of t is a working day.
func workingDay(t time.Time) bool {
	t = t.In(ukLocation())
	if wd := t.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return false
	}
	return !bankHolidays[t.Format(time.DateOnly)]
}

// addWorkingDays returns the start (midnight, UK time) of the n-th working
// day after the UK date of t; the day of t itself is not counted, so a
// letter sent on a Monday is 3 working days old on Thursday.
func addWorkingDays(t time.Time, n int) time.Time {
	loc := ukLocation()
	t = t.In(loc)
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
	for n > 0 {
		d = d.AddDate(0, 0, 1)
		if workingDay(d) {
			n--
		}
	}
	return d
}

// endOfUKDay returns the last second (23:59:59, UK time) of the UK date
// that is days after the UK date of t: links "work until 7 December" work
// all that day. Whole seconds survive both engines' timestamps unchanged.
func endOfUKDay(t time.Time, days int) time.Time {
	loc := ukLocation()
	t = t.In(loc)
	return time.Date(t.Year(), t.Month(), t.Day()+days+1, 0, 0, 0, 0, loc).Add(-time.Second)
}
