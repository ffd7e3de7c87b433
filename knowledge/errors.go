package knowledge

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Sentinel errors. Callers wrap them with %w; handlers map them to HTTP statuses in one place.
var (
	ErrNotFound     = errors.New("not found")
	ErrInvalid      = errors.New("invalid input")
	ErrConflict     = errors.New("conflict")
	ErrUnauthorized = errors.New("unauthorized")
	ErrForbidden    = errors.New("forbidden")
	ErrRateLimited  = errors.New("rate limited")
	ErrUnavailable  = errors.New("unavailable")
	// ErrLastAdmin refuses a change that would leave no active admin (demotion, deactivation or
	// deletion of the last one): nobody could then manage accounts or articles.
	ErrLastAdmin = errors.New("the last active admin must remain")
)

// FieldError names one bad field of one item, so that an import of many articles can report every
// problem by slug and field at once.
type FieldError struct {
	Item    string `json:"item,omitempty"` // slug or position of the item, when there are several
	Field   string `json:"field"`
	Message string `json:"message"`
}

func (e FieldError) String() string {
	if e.Item != "" {
		return fmt.Sprintf("%s: %s: %s", e.Item, e.Field, e.Message)
	}
	return fmt.Sprintf("%s: %s", e.Field, e.Message)
}

// ValidationError lists every field problem found. It matches ErrInvalid with errors.Is.
type ValidationError struct {
	Fields []FieldError
}

func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.String()
	}
	return "invalid input: " + strings.Join(parts, "; ")
}

// Is makes errors.Is(err, ErrInvalid) true for a ValidationError.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

// Add records a problem.
func (e *ValidationError) Add(item, field, format string, args ...any) {
	e.Fields = append(e.Fields, FieldError{Item: item, Field: field, Message: fmt.Sprintf(format, args...)})
}

// Length records a problem when s, the form field labelled label, is not valid text or its length
// in characters is outside minN..maxN; minN 0 leaves it optional.
func (e *ValidationError) Length(field, s, label string, minN, maxN int) {
	switch n := utf8.RuneCountInString(s); {
	case !utf8.ValidString(s):
		e.Add("", field, "%s不是有效的文本", label)
	case n == 0 && minN > 0:
		e.Add("", field, "请填写%s", label)
	case n < minN:
		e.Add("", field, "%s至少 %d 个字", label, minN)
	case n > maxN:
		e.Add("", field, "%s不能超过 %d 个字", label, maxN)
	}
}

// Err returns nil when nothing was recorded, so a validator can end with `return v.Err()`.
func (e *ValidationError) Err() error {
	if e == nil || len(e.Fields) == 0 {
		return nil
	}
	return e
}
