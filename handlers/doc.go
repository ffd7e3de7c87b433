// Package handlers is CourtDesk's HTTP layer on Echo: one table of routes, one file per resource,
// and exactly one HTTPErrorHandler that maps domain errors to statuses and the JSON error shape
// {"error": {"code", "message"}}. It depends on the domain packages through small interfaces and
// never on a store driver or on Bleve.
package handlers
