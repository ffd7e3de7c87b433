package statute

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/courtdesk/courtdesk/knowledge"
)

// IsStatuteFile reports whether a file name is a statute text: Markdown, but not a README.
func IsStatuteFile(name string) bool {
	base := path.Base(name)
	return strings.EqualFold(path.Ext(base), ".md") && !strings.EqualFold(base, "README.md") &&
		!strings.HasPrefix(base, ".")
}

// ParseFS reads every statute file under the root of fsys and returns one document per statute
// version: the books of a split code (民法典-总则.md, 民法典-合同编.md …) become one document. It
// reads everything before it fails, so that the error lists every bad file at once; a directory
// without statute files is an error of its own.
func ParseFS(fsys fs.FS) ([]Document, error) {
	var names []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && p != "." && strings.HasPrefix(d.Name(), ".") {
			return fs.SkipDir
		}
		if !d.IsDir() && IsStatuteFile(p) {
			names = append(names, p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("no statute files (*.md other than README.md): %w", knowledge.ErrNotFound)
	}
	sort.Strings(names)
	problems := &knowledge.ValidationError{}
	var files []parsed
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		p, err := parseFile(path.Base(name), data)
		if err != nil {
			addProblem(problems, name, err)
			continue
		}
		p.doc.Source = name
		files = append(files, p)
	}
	docs := merge(files, problems)
	if err := problems.Err(); err != nil {
		return nil, err
	}
	return docs, nil
}

// addProblem records err against file, keeping the line numbers of a ValidationError.
func addProblem(problems *knowledge.ValidationError, file string, err error) {
	var ve *knowledge.ValidationError
	if !errors.As(err, &ve) {
		problems.Add(file, "file", "%v", err)
		return
	}
	for _, f := range ve.Fields {
		f.Item = file
		problems.Fields = append(problems.Fields, f)
	}
}

// merge joins the books of split codes and refuses two files with the same title and version.
func merge(files []parsed, problems *knowledge.ValidationError) []Document {
	var docs []Document
	books := map[string][]parsed{}
	var order []string
	for _, p := range files {
		if p.book == "" {
			docs = append(docs, p.doc)
			continue
		}
		k := TitleKey(p.doc.Title)
		if books[k] == nil {
			order = append(order, k)
		}
		books[k] = append(books[k], p)
	}
	for _, k := range order {
		d, err := mergeBooks(books[k])
		if err != nil {
			problems.Add(d.Source, "books", "%v", err)
			continue
		}
		docs = append(docs, d)
	}
	sort.SliceStable(docs, func(i, j int) bool {
		if a, b := TitleKey(docs[i].Title), TitleKey(docs[j].Title); a != b {
			return a < b
		}
		return docs[i].Version < docs[j].Version
	})
	for i := 1; i < len(docs); i++ {
		if TitleKey(docs[i].Title) == TitleKey(docs[i-1].Title) && docs[i].Version == docs[i-1].Version {
			problems.Add(docs[i].Source, "title", "与 %s 是同一部文件的同一版本", docs[i-1].Source)
		}
	}
	return docs
}

// mergeBooks makes one document of a code's books, ordered by their first article. The books
// share the title; the version is the latest any of them names.
func mergeBooks(books []parsed) (Document, error) {
	sort.SliceStable(books, func(i, j int) bool {
		return books[i].doc.Articles[0].Key().Less(books[j].doc.Articles[0].Key())
	})
	d := books[0].doc
	d.Info, d.Articles, d.Preamble, d.Notes = nil, nil, nil, nil
	var sources []string
	for _, p := range books {
		sources = append(sources, p.doc.Source)
		d.Articles = append(d.Articles, p.doc.Articles...)
		d.Preamble = append(d.Preamble, p.doc.Preamble...)
		d.Notes = append(d.Notes, p.doc.Notes...)
		if p.doc.Version > d.Version {
			d.Version = p.doc.Version
		}
		for _, l := range p.doc.Info {
			if !slices.Contains(d.Info, l) {
				d.Info = append(d.Info, l)
			}
		}
	}
	d.Source = strings.Join(sources, ", ")
	if err := sortArticles(d.Articles); err != nil {
		return d, err
	}
	return d, d.Validate()
}

// FileTitle returns the title of a statute file, its first '# title' line, without parsing the
// rest: the start-up check of which documents the library lacks reads only this much. It returns
// "" when the file does not start with a title.
func FileTitle(data []byte) string {
	text := string(data[:min(len(data), 4096)])
	for text != "" {
		var line string
		line, text, _ = strings.Cut(text, "\n")
		if line = cleanLine(line); line == "" {
			continue
		}
		if strings.HasPrefix(line, "# ") {
			return strings.TrimSpace(strings.TrimPrefix(line, "# "))
		}
		return ""
	}
	return ""
}
