package index

import (
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"
)

// MappingVersion changes whenever the mapping or the analysis changes; an index built with another
// version is rebuilt from the store on open.
const MappingVersion = "4-head-body"

const (
	analyzerName = "cd_cjk"
	bigramName   = "cd_bigram"

	fieldHead = "head" // title, questions and tags: the article's own wording of the need
	fieldBody = "body" // the summary, the full text and the legal basis
	fieldCat  = "category"
)

// Field boosts: the wording an article claims for itself ranks above what it merely mentions.
// The summary is searched as part of the body; the rerank weighs it with the head (docs/SEARCH.md).
var fieldBoosts = map[string]float64{fieldHead: 3, fieldBody: 1}

// newMapping builds the index mapping. Text is normalised (width, t2s) before it reaches Bleve, so
// the analyzer only tokenises: Unicode segmentation, lower case, then CJK bigrams that also keep
// unigrams, so that one-character words (税, 股) are found too. docs/SEARCH.md has the measurements
// behind this choice.
func newMapping() (mapping.IndexMapping, error) {
	im := bleve.NewIndexMapping()
	if err := im.AddCustomTokenFilter(bigramName, map[string]any{
		"type":           cjk.BigramName,
		"output_unigram": true,
	}); err != nil {
		return nil, err
	}
	if err := im.AddCustomAnalyzer(analyzerName, map[string]any{
		"type":          custom.Name,
		"tokenizer":     unicode.Name,
		"token_filters": []string{lowercase.Name, bigramName},
	}); err != nil {
		return nil, err
	}
	text := func() *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = analyzerName
		f.Store = false
		f.IncludeInAll = false
		f.IncludeTermVectors = false
		f.DocValues = false
		return f
	}
	kw := bleve.NewKeywordFieldMapping()
	kw.Store = false
	kw.IncludeInAll = false
	kw.DocValues = false

	doc := bleve.NewDocumentStaticMapping()
	doc.AddFieldMappingsAt(fieldHead, text())
	doc.AddFieldMappingsAt(fieldBody, text())
	doc.AddFieldMappingsAt(fieldCat, kw)
	im.DefaultMapping = doc
	im.DefaultAnalyzer = analyzerName
	im.StoreDynamic = false
	im.IndexDynamic = false
	im.DocValuesDynamic = false
	return im, nil
}
