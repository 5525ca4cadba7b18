package regulators

import (
	"maps"
	"net/url"
	"strings"
	"time"

	accountsv1 "github.com/sas-platform/sas/gen/sas/accounts/v1"
)

// Systems and link relations of the FHIR answers.
const (
	// SystemAccount identifies a Practitioner by its SAS account id. Not
	// the RPPS OID (urn:oid:1.2.250.1.71.4.2.1): ARMs and OSNPs have no
	// RPPS number, and the booking handoff names the account.
	SystemAccount = "https://sas.sante.fr/accounts"
	// SystemTerritory tags a Practitioner (meta.tag) with its territory id
	// ("SAS-44"): a tag, not an extension, so that no profile is needed.
	SystemTerritory = "https://sas.sante.fr/territories"
	// RelationSync is the Bundle link, on the last page, to the changes
	// from then on. FHIR R4 allows any relation string and the IANA
	// registry has none for this.
	RelationSync = "sync"
)

// bundle is a FHIR R4 searchset Bundle of Practitioner resources.
type bundle struct {
	ResourceType string  `json:"resourceType"`
	Type         string  `json:"type"`
	Link         []link  `json:"link"`
	Entry        []entry `json:"entry,omitempty"`
}

type link struct {
	Relation string `json:"relation"`
	URL      string `json:"url"`
}

type entry struct {
	// FullURL is "urn:uuid:{account id}": no read of one Practitioner is served.
	FullURL  string       `json:"fullUrl"`
	Resource practitioner `json:"resource"`
	Search   struct {
		Mode string `json:"mode"`
	} `json:"search"`
}

type practitioner struct {
	ResourceType string         `json:"resourceType"`
	ID           string         `json:"id"`
	Meta         meta           `json:"meta"`
	Identifier   []coded        `json:"identifier"`
	Active       bool           `json:"active"`
	Name         []humanName    `json:"name,omitempty"`
	Telecom      []contactPoint `json:"telecom,omitempty"`
}

type meta struct {
	LastUpdated string  `json:"lastUpdated,omitempty"`
	Tag         []coded `json:"tag,omitempty"`
}

// coded is an Identifier (system, value) or a Coding (system, code).
type coded struct {
	System string `json:"system"`
	Value  string `json:"value,omitempty"`
	Code   string `json:"code,omitempty"`
}

type humanName struct {
	Family string   `json:"family,omitempty"`
	Given  []string `json:"given,omitempty"`
}

type contactPoint struct {
	System string `json:"system"`
	Value  string `json:"value"`
}

// newBundle is the searchset of resp, for a search with parameters q. Links
// are relative to the server's base, which a proxy may rewrite.
func newBundle(q url.Values, resp *accountsv1.SyncRegulatorsResponse) bundle {
	b := bundle{ResourceType: "Bundle", Type: "searchset", Link: []link{{"self", searchURL(q)}}}
	if resp.GetNextPageToken() != "" {
		next := url.Values{}
		maps.Copy(next, q) // Set below replaces a slice, never changes q's
		next.Set(paramPage, resp.GetNextPageToken())
		b.Link = append(b.Link, link{"next", searchURL(next)})
	}
	if resp.GetNextSyncToken() != "" {
		sync := url.Values{paramSync: {resp.GetNextSyncToken()}}
		if c := q.Get(paramCount); c != "" {
			sync.Set(paramCount, c)
		}
		b.Link = append(b.Link, link{RelationSync, searchURL(sync)})
	}
	for _, id := range resp.GetRegulators() {
		e := entry{FullURL: "urn:uuid:" + accountID(id), Resource: newPractitioner(id)}
		e.Search.Mode = "match"
		b.Entry = append(b.Entry, e)
	}
	return b
}

// newPractitioner is the Practitioner of id: inactive, with no name nor
// e-mail, when removed.
func newPractitioner(id *accountsv1.RegulatorIdentity) practitioner {
	p := practitioner{ResourceType: "Practitioner", ID: accountID(id), Active: !id.GetRemoved(),
		Identifier: []coded{{System: SystemAccount, Value: accountID(id)}}}
	if t := id.GetUpdateTime(); t != nil {
		p.Meta.LastUpdated = t.AsTime().UTC().Format(time.RFC3339Nano)
	}
	if t := strings.TrimPrefix(id.GetTerritory(), "territories/"); t != "" {
		p.Meta.Tag = []coded{{System: SystemTerritory, Code: t}}
	}
	if id.GetFamilyName() != "" || id.GetGivenName() != "" {
		n := humanName{Family: id.GetFamilyName()}
		if id.GetGivenName() != "" {
			n.Given = []string{id.GetGivenName()}
		}
		p.Name = []humanName{n}
	}
	if id.GetEmail() != "" {
		p.Telecom = []contactPoint{{System: "email", Value: id.GetEmail()}}
	}
	return p
}

func accountID(id *accountsv1.RegulatorIdentity) string {
	return strings.TrimPrefix(id.GetAccount(), "accounts/")
}

func searchURL(q url.Values) string {
	if len(q) == 0 {
		return PractitionerPath
	}
	return PractitionerPath + "?" + q.Encode()
}
