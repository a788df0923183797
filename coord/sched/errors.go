package sched

import "errors"

// Sentinel errors. Every error this package returns wraps one of them with
// the field, the value and what was expected.
var (
	// ErrInvalidIP says a string is not an IPv4 or IPv6 address.
	ErrInvalidIP = errors.New("sched: invalid IP address")
	// ErrInvalidTask says a TaskView given to the Queue does not describe a
	// task the scheduler can place.
	ErrInvalidTask = errors.New("sched: invalid task")
	// ErrInvalidConfig says a Config field is out of its range.
	ErrInvalidConfig = errors.New("sched: invalid config")
	// ErrInvalidDomain says a DomainRate given to the Queue has no host or
	// a negative interval.
	ErrInvalidDomain = errors.New("sched: invalid domain rate")
)
