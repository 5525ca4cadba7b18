package fhir

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// MaxSearchProfessionals is the most professionals of one pull request, as
// the SAS guide allows.
const MaxSearchProfessionals = 25

// queryEscaper keeps ':' and ',' readable in query values, as the guide
// writes them; '|' is escaped as in the guide's self links.
var queryEscaper = strings.NewReplacer("%3A", ":", "%2C", ",")

// SearchQuery returns the pull request of the free slots of 1 to 25
// professionals (national ids "8"+RPPS or "0"+ADELI) starting within
// [start, end], on the vendor's FHIR base URL:
//
//	[base]/Slot?_include=Slot:schedule&_include:iterate=Schedule:actor
//	  &start=ge…&start=le…
//	  &schedule.actor:Practitioner.identifier=urn:oid:1.2.250.1.71.4.2.1|8…,…
//	  &status=free
//
// Times are written in UTC.
func SearchQuery(base string, nationalIDs []string, start, end time.Time) (*url.URL, error) {
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("search query: base %s is not an http(s) URL", q(base))
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("search query: base %s has a query or a fragment", q(base))
	}
	ids, err := searchIdentifiers(nationalIDs)
	if err != nil {
		return nil, err
	}
	if !end.After(start) {
		return nil, errors.New("search query: end is not after start")
	}
	u = u.JoinPath("Slot")
	u.RawQuery = "_include=Slot:schedule&_include:iterate=Schedule:actor" +
		"&start=ge" + searchTime(start) + "&start=le" + searchTime(end) +
		"&schedule.actor:Practitioner.identifier=" + queryEscaper.Replace(url.QueryEscape(ids)) +
		"&status=free"
	return u, nil
}

// searchIdentifiers joins the checked national ids as FHIR tokens.
func searchIdentifiers(nationalIDs []string) (string, error) {
	if len(nationalIDs) == 0 || len(nationalIDs) > MaxSearchProfessionals {
		return "", fmt.Errorf("search query: %d professionals, want 1 to %d", len(nationalIDs), MaxSearchProfessionals)
	}
	seen := make(map[string]bool, len(nationalIDs))
	tokens := make([]string, len(nationalIDs))
	for i, id := range nationalIDs {
		if reason := nationalIDReason(id); reason != "" {
			return "", fmt.Errorf("search query: professional %d: %s", i, reason)
		}
		if seen[id] {
			return "", fmt.Errorf("search query: professional %d: %s given twice", i, id)
		}
		seen[id] = true
		tokens[i] = SystemProfessional + "|" + id
	}
	return strings.Join(tokens, ","), nil
}

// searchTime writes t for a date search parameter, in UTC.
func searchTime(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05Z")
}
