package engine

import (
	"fmt"
	"time"

	"github.com/expr-lang/expr"
	"github.com/saferpath/pathway/referral"
)

// function is a helper rules may call. It has a typed signature for expr's
// checker, an implementation for expr's VM, and one for the closures.
type function struct {
	name string
	doc  string
	args []Kind
	ret  Kind
	vm   func(params ...any) (any, error)
	sig  any // new(func(...) ...) for the checker
	// eval1 or eval2 evaluates the function for the closures, by arity.
	eval1 func(a Value) (Value, error)
	eval2 func(a, b Value) (Value, error)
	// between, for the helpers counting from one date to another, is
	// that count: deciders (decide.go) call it, as it cannot fail.
	between func(a, b referral.Date) int
}

func dateArg(v any) referral.Date { return referral.DateOf(v.(time.Time)) }

func addMonths(d referral.Date, n int) referral.Date {
	t := d.Time()
	return referral.NewDate(t.Year(), t.Month()+time.Month(n), t.Day())
}

func yearsBetween(a, b referral.Date) int {
	ta, tb := a.Time(), b.Time()
	years := tb.Year() - ta.Year()
	if tb.Month() < ta.Month() || (tb.Month() == ta.Month() && tb.Day() < ta.Day()) {
		years--
	}
	return years
}

func between(name, doc string, f func(a, b referral.Date) int) *function {
	return &function{
		name: name, doc: doc, args: []Kind{KindDate, KindDate}, ret: KindInt,
		sig: new(func(time.Time, time.Time) int),
		vm: func(p ...any) (any, error) {
			return f(dateArg(p[0]), dateArg(p[1])), nil
		},
		eval2: func(a, b Value) (Value, error) {
			return Int(int64(f(a.Date(), b.Date()))), nil
		},
		between: f,
	}
}

// Dates a rule may compute: the years 1000 to 9999, as dates are written.
var (
	firstDay = referral.NewDate(1000, time.January, 1).Days()
	lastDay  = referral.NewDate(9999, time.December, 31).Days()
)

// errDateRange is the error of date arithmetic that leaves the calendar a
// rule may use: never a wrapped date.
func errDateRange(name string) error {
	return fmt.Errorf("%s gave a date outside the years 1000 to 9999; check the number it adds", name)
}

// add makes a helper adding n units to a date; unit is the most units
// that can be added without leaving the years 1000 to 9999 whatever the
// date, so larger counts are refused before any arithmetic can overflow.
func add(name, doc string, limit int64, f func(d referral.Date, n int) referral.Date) *function {
	apply := func(d referral.Date, n int64) (referral.Date, error) {
		if n > limit || n < -limit {
			return referral.Date{}, errDateRange(name)
		}
		out := f(d, int(n))
		if out.Days() < firstDay || out.Days() > lastDay {
			return referral.Date{}, errDateRange(name)
		}
		return out, nil
	}
	return &function{
		name: name, doc: doc, args: []Kind{KindDate, KindInt}, ret: KindDate,
		sig: new(func(time.Time, int) time.Time),
		vm: func(p ...any) (any, error) {
			d, err := apply(dateArg(p[0]), int64(p[1].(int)))
			if err != nil {
				return nil, err
			}
			return d.Time(), nil
		},
		eval2: func(a, b Value) (Value, error) {
			d, err := apply(a.Date(), b.I)
			if err != nil {
				return Missing, err
			}
			return DateValue(d), nil
		},
	}
}

// functions are the helpers every rule may call. There is no now(): the
// evaluation date is `today`, an input, so decisions are reproducible.
var functions = map[string]*function{
	"daysBetween": between("daysBetween", "daysBetween(a, b): the number of days from date a to date b (negative when b is earlier)",
		func(a, b referral.Date) int { return b.Days() - a.Days() }),
	"weeksBetween": between("weeksBetween", "weeksBetween(a, b): the number of whole weeks from date a to date b",
		func(a, b referral.Date) int { return (b.Days() - a.Days()) / 7 }),
	"yearsBetween": between("yearsBetween", "yearsBetween(a, b): the number of whole years from date a to date b (an age, with a date of birth)",
		yearsBetween),
	"addDays": add("addDays", "addDays(d, n): the date n days after d", 9000*366,
		func(d referral.Date, n int) referral.Date { return d.AddDays(n) }),
	"addWeeks": add("addWeeks", "addWeeks(d, n): the date n weeks after d", 9000*53,
		func(d referral.Date, n int) referral.Date { return d.AddDays(7 * n) }),
	"addMonths": add("addMonths", "addMonths(d, n): the date n calendar months after d", 9000*12,
		addMonths),
	"addYears": add("addYears", "addYears(d, n): the date n years after d", 9000,
		func(d referral.Date, n int) referral.Date { return addMonths(d, 12*n) }),
	"date": {
		name: "date", doc: `date("YYYY-MM-DD"): a fixed date`, args: []Kind{KindText}, ret: KindDate,
		sig: new(func(string) time.Time),
		vm: func(p ...any) (any, error) {
			d, err := referral.ParseDate(p[0].(string))
			if err != nil {
				return nil, err
			}
			return d.Time(), nil
		},
		eval1: func(a Value) (Value, error) {
			d, err := referral.ParseDate(a.S)
			if err != nil {
				return Missing, fmt.Errorf("%v", err)
			}
			return DateValue(d), nil
		},
	},
}

// disabled are expr builtins rules may not use: now() would make
// decisions depend on the clock; duration() and date() with formats fail
// at run time on bad text (date is replaced by a checked helper).
var disabled = []string{"now", "duration", "date", "timezone"}

func exprOptions() []expr.Option {
	var opts []expr.Option
	for _, b := range disabled {
		opts = append(opts, expr.DisableBuiltin(b))
	}
	for _, f := range functions {
		opts = append(opts, expr.Function(f.name, f.vm, f.sig))
	}
	return opts
}
