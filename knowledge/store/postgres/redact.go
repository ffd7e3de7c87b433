package postgres

import (
	"net/url"
	"regexp"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
)

// The DSN may hold a password. pgx names the user, database and host in its connection errors
// and masks a URL's password itself, but not every form (a password in the query string, or in
// a key=value DSN it failed to parse), so every error Open returns passes through redactErr,
// which removes the DSN and its password from the message. The original stays reachable with
// errors.As (IsUnavailable needs it), but nothing prints it: the edge logs Error().

// redactedError is err with secrets removed from its message.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

var kvPassword = regexp.MustCompile(`(?i)password\s*=\s*('(?:[^'\\]|\\.)*'|\S+)`)

// secrets returns the strings of dsn that must never be shown: the DSN itself and its password,
// found by pgx's parser or, when it cannot parse the DSN, by hand.
func secrets(dsn string) []string {
	out := []string{dsn}
	if cfg, err := pgconn.ParseConfig(dsn); err == nil && cfg.Password != "" {
		out = append(out, cfg.Password)
	}
	if u, err := url.Parse(dsn); err == nil {
		if pw, ok := u.User.Password(); ok && pw != "" {
			out = append(out, pw, url.QueryEscape(pw), url.PathEscape(pw))
		}
		if pw := u.Query().Get("password"); pw != "" {
			out = append(out, pw, url.QueryEscape(pw))
		}
	}
	for _, m := range kvPassword.FindAllStringSubmatch(dsn, -1) {
		out = append(out, strings.Trim(m[1], "'"), m[1])
	}
	return out
}

// redactErr returns err with the DSN and its password replaced by xxxxx in the message.
func redactErr(err error, dsn string) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	for _, s := range secrets(dsn) {
		if len(s) >= 1 && s != "xxxxx" {
			msg = strings.ReplaceAll(msg, s, "xxxxx")
		}
	}
	return &redactedError{msg: msg, err: err}
}
