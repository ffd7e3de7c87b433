// Package handlers is CourtDesk's HTTP layer on Echo: one table of routes, one file per resource,
// and exactly one HTTPErrorHandler that maps domain errors to statuses and the JSON error shape
// {"error": {"code", "message"}}. It depends on the domain packages through small interfaces and
// never on a store driver or on Bleve. Its dependencies come per surface (public API, chat, sign-in,
// judge console, admin console; see Deps), and each surface's handlers see only their own.
package handlers
