// Package kbfile reads and writes articles in their two interchange forms: Markdown files with YAML
// front matter (the seed and admins' folders) and a JSON array (import/export). It only decodes;
// knowledge.ValidateSet decides whether the articles are acceptable.
package kbfile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/courtdesk/courtdesk/knowledge"
)

// frontMatter is the YAML head of a Markdown article. The body is the rest of the file.
type frontMatter struct {
	Slug       string             `yaml:"slug"`
	Title      string             `yaml:"title"`
	Category   knowledge.Category `yaml:"category"`
	Kind       knowledge.Kind     `yaml:"kind"`
	Status     knowledge.Status   `yaml:"status,omitempty"`
	Questions  []string           `yaml:"questions"`
	Phrasings  []string           `yaml:"phrasings,omitempty"`
	Summary    string             `yaml:"summary"`
	LegalBasis []string           `yaml:"legal_basis"`
	Tags       []string           `yaml:"tags,flow"`
	Related    []string           `yaml:"related,flow"`
}

// MaxFileSize caps one article file; anything larger is not an article.
const MaxFileSize = 256 << 10

// ParseMarkdown decodes one Markdown article. name is used in error messages.
func ParseMarkdown(name string, data []byte) (knowledge.Article, error) {
	var a knowledge.Article
	if len(data) > MaxFileSize {
		return a, fmt.Errorf("%s: file larger than %d bytes: %w", name, MaxFileSize, knowledge.ErrInvalid)
	}
	data = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if !bytes.HasPrefix(data, []byte("---\n")) {
		return a, fmt.Errorf("%s: must start with a '---' front matter line: %w", name, knowledge.ErrInvalid)
	}
	head, body, ok := bytes.Cut(data[4:], []byte("\n---\n"))
	if !ok {
		return a, fmt.Errorf("%s: front matter has no closing '---' line: %w", name, knowledge.ErrInvalid)
	}
	var fm frontMatter
	dec := yaml.NewDecoder(bytes.NewReader(head))
	dec.KnownFields(true)
	if err := dec.Decode(&fm); err != nil {
		return a, fmt.Errorf("%s: front matter: %v: %w", name, err, knowledge.ErrInvalid)
	}
	a = knowledge.Article{
		Slug: fm.Slug, Title: strings.TrimSpace(fm.Title), Category: fm.Category, Kind: fm.Kind, Status: fm.Status,
		Questions: fm.Questions, Phrasings: fm.Phrasings, Summary: strings.TrimSpace(fm.Summary), Body: strings.TrimSpace(string(body)) + "\n",
		LegalBasis: fm.LegalBasis, Tags: fm.Tags, Related: fm.Related,
	}
	a.Normalize()
	return a, nil
}

// FormatMarkdown encodes an article in the form ParseMarkdown reads.
func FormatMarkdown(a knowledge.Article) ([]byte, error) {
	a.Normalize()
	fm := frontMatter{Slug: a.Slug, Title: a.Title, Category: a.Category, Kind: a.Kind, Status: a.Status,
		Questions: a.Questions, Phrasings: a.Phrasings, Summary: a.Summary, LegalBasis: a.LegalBasis, Tags: a.Tags, Related: a.Related}
	var buf bytes.Buffer
	buf.WriteString("---\n")
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(fm); err != nil {
		return nil, err
	}
	buf.WriteString("---\n")
	buf.WriteString(strings.TrimSpace(a.Body))
	buf.WriteString("\n")
	return buf.Bytes(), nil
}

// DefaultMaxArticles is how many articles one import may carry unless configured otherwise: more
// than ten times the seed, and few enough that validating them all stays quick and small.
const DefaultMaxArticles = 2000

// ErrTooMany means an import holds more articles than allowed; it is found while decoding, before
// the rest of the input is read.
var ErrTooMany = errors.New("too many articles")

// TooManyError says what the limit was.
type TooManyError struct{ Max int }

func (e *TooManyError) Error() string {
	return fmt.Sprintf("an import may hold at most %d articles", e.Max)
}

// Is makes errors.Is(err, ErrTooMany) true.
func (e *TooManyError) Is(target error) bool { return target == ErrTooMany }

// ReadFS reads every *.md article below root in fsys (README.md files excepted), sorted by path.
// All files are read; every decoding problem is reported together.
func ReadFS(fsys fs.FS, root string) ([]knowledge.Article, error) { return readFS(fsys, root, 0) }

// readFS is ReadFS refusing more than max files (0: no limit).
func readFS(fsys fs.FS, root string, max int) ([]knowledge.Article, error) {
	var paths []string
	err := fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(p, ".md") && !strings.EqualFold(path.Base(p), "README.md") {
			paths = append(paths, p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if max > 0 && len(paths) > max {
		return nil, &TooManyError{Max: max}
	}
	sort.Strings(paths)
	var out []knowledge.Article
	var errs []error
	for _, p := range paths {
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		a, err := ParseMarkdown(p, data)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, a)
	}
	return out, errors.Join(errs...)
}

// MaxJSONSize caps a JSON import.
const MaxJSONSize = 64 << 20

// ReadJSON decodes a JSON array of at most max articles (0: DefaultMaxArticles), refusing unknown
// fields. It decodes one element at a time, so an array of millions of tiny objects is refused
// after max+1 of them instead of being built in memory first.
func ReadJSON(r io.Reader, max int) ([]knowledge.Article, error) {
	if max <= 0 {
		max = DefaultMaxArticles
	}
	bad := func(err error) error { return fmt.Errorf("JSON articles: %v: %w", err, knowledge.ErrInvalid) }
	dec := json.NewDecoder(io.LimitReader(r, MaxJSONSize))
	dec.DisallowUnknownFields()
	tok, err := dec.Token()
	if err != nil {
		return nil, bad(err)
	}
	if tok != json.Delim('[') {
		return nil, bad(errors.New("expected an array of articles"))
	}
	var out []knowledge.Article
	for dec.More() {
		if len(out) == max {
			return nil, &TooManyError{Max: max}
		}
		var a knowledge.Article
		if err := dec.Decode(&a); err != nil {
			return nil, bad(fmt.Errorf("article #%d: %v", len(out)+1, err))
		}
		a.Normalize()
		out = append(out, a)
	}
	if _, err := dec.Token(); err != nil { // the closing bracket
		return nil, bad(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, bad(errors.New("content after the array"))
	}
	return out, nil
}

// WriteJSON encodes articles as the array ReadJSON accepts.
func WriteJSON(w io.Writer, as []knowledge.Article) error {
	if as == nil {
		as = []knowledge.Article{}
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(as)
}

// Load reads a JSON file or a folder of Markdown articles from disk, at most max articles (0:
// DefaultMaxArticles).
func Load(p string, max int) ([]knowledge.Article, error) {
	if max <= 0 {
		max = DefaultMaxArticles
	}
	st, err := os.Stat(p)
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return readFS(os.DirFS(p), ".", max)
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if strings.HasSuffix(strings.ToLower(p), ".md") {
		data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
		if err != nil {
			return nil, err
		}
		a, err := ParseMarkdown(p, data)
		if err != nil {
			return nil, err
		}
		return []knowledge.Article{a}, nil
	}
	return ReadJSON(f, max)
}
