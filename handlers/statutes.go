package handlers

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/courtdesk/courtdesk/knowledge"
	"github.com/courtdesk/courtdesk/knowledge/library"
	"github.com/courtdesk/courtdesk/knowledge/store"
)

// StatuteLookup finds the text of a cited article (library.Citations implements it).
type StatuteLookup interface {
	Lookup(ctx context.Context, cite string) (library.StatuteText, error)
}

// Statutes is the statute library and legal-basis service as admins maintain it
// (library.Citations implements it).
type Statutes interface {
	Documents(ctx context.Context) ([]store.StatuteDocument, error)
	ImportStatutes(ctx context.Context, files []library.StatuteFile, by string) ([]store.StatuteImport, error)
	Report(ctx context.Context) (library.CitationReport, error)
	Flags(ctx context.Context) ([]library.FlagView, error)
	AddFlag(ctx context.Context, in library.FlagInput, by string) (library.FlagView, error)
	ClearFlag(ctx context.Context, id int64, by string) (store.LegalFlag, error)
	Flagged(ctx context.Context, articles []knowledge.Article) (map[string]bool, error)
}

// statuteImportLimit caps a console import: the whole shared laws folder is about 2 MB, so this
// leaves room for every statute an admin could need while still bounding memory. The /api/v1
// group's body limit skips admin paths, so decodeJSON (readBody) enforces this one.
const statuteImportLimit = 32 << 20

// lookupStatute is GET /api/v1/statutes/lookup?cite=《中华人民共和国劳动合同法》第四十七条: the text
// of one cited article for the chat. Public: statute texts are public law.
func (s *publicAPI) lookupStatute(c echo.Context) error {
	t, err := s.d.Statutes.Lookup(c.Request().Context(), c.QueryParam("cite"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, t)
}

// adminListStatutes is GET /api/v1/admin/statutes: every imported version.
func (s *adminAPI) adminListStatutes(c echo.Context) error {
	ds, err := s.d.Statutes.Documents(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"documents": ds})
}

// adminImportStatutes is POST /api/v1/admin/statutes/import with {files: [{name, content}]}: all
// documents or none, every unparsable file listed.
func (s *adminAPI) adminImportStatutes(c echo.Context) error {
	var req struct {
		Files []library.StatuteFile `json:"files"`
	}
	if err := decodeJSON(c, statuteImportLimit, &req); err != nil {
		return err
	}
	res, err := s.d.Statutes.ImportStatutes(c.Request().Context(), req.Files, currentUser(c).Username)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"results": res})
}

// adminCitations is GET /api/v1/admin/citations: the citation report.
func (s *adminAPI) adminCitations(c echo.Context) error {
	rep, err := s.d.Statutes.Report(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, rep)
}

// adminListFlags is GET /api/v1/admin/legal-flags: flags in force with the articles they hit.
func (s *adminAPI) adminListFlags(c echo.Context) error {
	fs, err := s.d.Statutes.Flags(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"flags": fs})
}

// adminAddFlag is POST /api/v1/admin/legal-flags with {title, article, kind, note}.
func (s *adminAPI) adminAddFlag(c echo.Context) error {
	var in library.FlagInput
	if err := decodeJSON(c, 8<<10, &in); err != nil {
		return err
	}
	f, err := s.d.Statutes.AddFlag(c.Request().Context(), in, currentUser(c).Username)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, f)
}

// adminClearFlag is DELETE /api/v1/admin/legal-flags/:id.
func (s *adminAPI) adminClearFlag(c echo.Context) error {
	id, err := intParam(c, "id")
	if err != nil {
		return err
	}
	f, err := s.d.Statutes.ClearFlag(c.Request().Context(), id, currentUser(c).Username)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, f)
}
