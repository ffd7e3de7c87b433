// Package knowledge holds CourtDesk's domain types and rules: articles, their categories and kinds,
// validation, users and the sentinel errors shared by every layer. It imports only the standard
// library so that the rules can be tested without a database, an index or HTTP.
package knowledge
