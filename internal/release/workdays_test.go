package release

import (
	"testing"
	"time"
)

func TestAddWorkingDays(t *testing.T) {
	uk := ukLocation()
	at := func(s string, hour int) time.Time {
		d, err := time.ParseInLocation(time.DateOnly, s, uk)
		if err != nil {
			t.Fatal(err)
		}
		return d.Add(time.Duration(hour) * time.Hour)
	}
	tests := []struct {
		name string
		from string
		n    int
		want string
	}{
		{"same week", "2026-11-23", 3, "2026-11-26"},                   // Monday → Thursday
		{"over a weekend", "2026-11-26", 3, "2026-12-01"},              // Thursday → Tuesday
		{"from a Saturday", "2026-11-28", 1, "2026-11-30"},             // the weekend counts for nothing
		{"over Christmas 2026", "2026-12-23", 3, "2026-12-30"},         // 25 and 28 December are holidays
		{"over New Year 2027", "2026-12-30", 3, "2027-01-05"},          // 1 January
		{"over Easter 2027", "2027-03-25", 2, "2027-03-31"},            // Good Friday, Easter Monday
		{"over Christmas 2027", "2027-12-24", 1, "2027-12-29"},         // 27 and 28 December substitute days
		{"early May 2026", "2026-05-01", 1, "2026-05-05"},              // Friday, then the bank holiday Monday
		{"summer 2026", "2026-08-28", 1, "2026-09-01"},                 // 31 August
		{"zero days is the day itself", "2026-11-24", 0, "2026-11-24"}, // midnight of the same day
		{"after the list only weekends", "2028-12-22", 1, "2028-12-25"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := addWorkingDays(at(tt.from, 15), tt.n)
			if want := at(tt.want, 0); !got.Equal(want) {
				t.Errorf("addWorkingDays(%s, %d) = %s, want %s", tt.from, tt.n, got, want)
			}
		})
	}
}

func TestWorkingDay(t *testing.T) {
	for day, want := range map[string]bool{
		"2026-11-23": true,  // Monday
		"2026-11-28": false, // Saturday
		"2026-11-29": false, // Sunday
		"2026-12-25": false, // Christmas Day
		"2026-12-28": false, // substitute Boxing Day
		"2026-12-29": true,
		"2027-05-31": false, // Spring bank holiday
	} {
		d, _ := time.ParseInLocation(time.DateOnly, day, ukLocation())
		if got := workingDay(d.Add(12 * time.Hour)); got != want {
			t.Errorf("workingDay(%s) = %v, want %v", day, got, want)
		}
	}
}

// Every listed bank holiday falls on a weekday: a typo in a date would
// otherwise quietly put a Saturday in the list.
func TestBankHolidaysAreWeekdays(t *testing.T) {
	for day := range bankHolidays {
		d, err := time.Parse(time.DateOnly, day)
		if err != nil {
			t.Fatalf("%q: %v", day, err)
		}
		if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
			t.Errorf("bank holiday %s is a %s", day, wd)
		}
	}
}

func TestEndOfUKDay(t *testing.T) {
	uk := ukLocation()
	from := time.Date(2026, 11, 23, 10, 0, 0, 0, uk)
	got := endOfUKDay(from, 14)
	if got.Format(time.DateOnly) != "2026-12-07" || !got.Add(time.Second).Equal(time.Date(2026, 12, 8, 0, 0, 0, 0, uk)) {
		t.Errorf("endOfUKDay = %s", got)
	}
}
