package logmask

import (
	"context"
	"fmt"
	"log/slog"
)

// Handler masks personal data in the message and the attributes of every record, then passes the
// record on. Attribute keys and group names are the program's own words and stay as they are.
type Handler struct {
	inner slog.Handler
}

// New wraps h.
func New(h slog.Handler) *Handler { return &Handler{inner: h} }

// Enabled implements slog.Handler.
func (h *Handler) Enabled(ctx context.Context, l slog.Level) bool { return h.inner.Enabled(ctx, l) }

// Handle implements slog.Handler.
func (h *Handler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, Mask(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(maskAttr(a))
		return true
	})
	return h.inner.Handle(ctx, out)
}

// WithAttrs implements slog.Handler; the attributes are masked once, here.
func (h *Handler) WithAttrs(as []slog.Attr) slog.Handler {
	masked := make([]slog.Attr, len(as))
	for i, a := range as {
		masked[i] = maskAttr(a)
	}
	return &Handler{inner: h.inner.WithAttrs(masked)}
}

// WithGroup implements slog.Handler.
func (h *Handler) WithGroup(name string) slog.Handler {
	return &Handler{inner: h.inner.WithGroup(name)}
}

// maskAttr masks a string value, every attribute of a group, and any other value whose printed
// form holds personal data: an error's text, a struct with a form in it. Such a value is replaced
// by its masked printed form, which is what a text handler would write anyway.
func maskAttr(a slog.Attr) slog.Attr {
	a.Value = a.Value.Resolve()
	switch a.Value.Kind() {
	case slog.KindString:
		a.Value = slog.StringValue(Mask(a.Value.String()))
	case slog.KindGroup:
		g := a.Value.Group()
		masked := make([]slog.Attr, len(g))
		for i, x := range g {
			masked[i] = maskAttr(x)
		}
		a.Value = slog.GroupValue(masked...)
	case slog.KindAny:
		var printed string
		switch v := a.Value.Any().(type) {
		case nil:
			return a
		case error:
			printed = v.Error()
		case []byte:
			printed = string(v)
		default:
			printed = fmt.Sprintf("%+v", v)
		}
		if m := Mask(printed); m != printed {
			a.Value = slog.StringValue(m)
		}
	}
	return a
}
