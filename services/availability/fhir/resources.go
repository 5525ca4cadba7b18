package fhir

import "encoding/json"

// The FHIR R4 JSON elements this package reads and writes: only the subset the
// SAS profiles use. Unknown elements are ignored on decoding.

type bundle struct {
	ResourceType string            `json:"resourceType"`
	ID           string            `json:"id,omitempty"`
	Meta         *meta             `json:"meta,omitempty"`
	Type         string            `json:"type"`
	Total        *int              `json:"total,omitempty"`
	Link         []link            `json:"link,omitempty"`
	Entry        []json.RawMessage `json:"entry,omitempty"`
}

type link struct {
	Relation string `json:"relation"`
	URL      string `json:"url"`
}

type entry struct {
	FullURL  string          `json:"fullUrl,omitempty"`
	Resource json.RawMessage `json:"resource,omitempty"`
	Search   *entrySearch    `json:"search,omitempty"`
	Request  *entryRequest   `json:"request,omitempty"`
	Response *entryResponse  `json:"response,omitempty"`
}

type entrySearch struct {
	Mode string `json:"mode,omitempty"`
}

type entryRequest struct {
	Method string `json:"method"`
	URL    string `json:"url"`
}

type entryResponse struct {
	Status   string            `json:"status"`
	Location string            `json:"location,omitempty"`
	Outcome  *operationOutcome `json:"outcome,omitempty"`
}

type meta struct {
	LastUpdated string   `json:"lastUpdated,omitempty"`
	Profile     []string `json:"profile,omitempty"`
	Security    []coding `json:"security,omitempty"`
}

type coding struct {
	System string `json:"system,omitempty"`
	Code   string `json:"code,omitempty"`
}

type codeableConcept struct {
	Coding []coding `json:"coding,omitempty"`
	Text   string   `json:"text,omitempty"`
}

type identifier struct {
	Type   *codeableConcept `json:"type,omitempty"`
	System string           `json:"system,omitempty"`
	Value  string           `json:"value,omitempty"`
}

type reference struct {
	Reference  string      `json:"reference,omitempty"`
	Identifier *identifier `json:"identifier,omitempty"`
}

type address struct {
	Line       []string `json:"line,omitempty"`
	City       string   `json:"city,omitempty"`
	PostalCode string   `json:"postalCode,omitempty"`
}

// head is what every resource has.
type head struct {
	ResourceType string `json:"resourceType"`
	ID           string `json:"id,omitempty"`
	Meta         *meta  `json:"meta,omitempty"`
}

type slotResource struct {
	head
	ServiceType     []codeableConcept `json:"serviceType,omitempty"`
	Specialty       []codeableConcept `json:"specialty,omitempty"`
	AppointmentType *codeableConcept  `json:"appointmentType,omitempty"`
	Schedule        *reference        `json:"schedule,omitempty"`
	Status          string            `json:"status,omitempty"`
	Start           string            `json:"start,omitempty"`
	End             string            `json:"end,omitempty"`
	Comment         string            `json:"comment,omitempty"`
}

type scheduleResource struct {
	head
	Actor []reference `json:"actor,omitempty"`
}

// identified is a Practitioner or an Organization: only identifiers are read.
type identified struct {
	head
	Identifier []identifier `json:"identifier,omitempty"`
}

type roleResource struct {
	head
	Contained    []json.RawMessage `json:"contained,omitempty"`
	Practitioner *reference        `json:"practitioner,omitempty"`
	Organization *reference        `json:"organization,omitempty"`
	Location     []reference       `json:"location,omitempty"`
}

type locationResource struct {
	head
	Identifier           []identifier `json:"identifier,omitempty"`
	Address              *address     `json:"address,omitempty"`
	ManagingOrganization *reference   `json:"managingOrganization,omitempty"`
}

type appointmentResource struct {
	head
	Contained   []json.RawMessage `json:"contained,omitempty"`
	Identifier  []identifier      `json:"identifier,omitempty"`
	BasedOn     []reference       `json:"basedOn,omitempty"`
	Status      string            `json:"status,omitempty"`
	Start       string            `json:"start,omitempty"`
	End         string            `json:"end,omitempty"`
	Slot        []reference       `json:"slot,omitempty"`
	Participant []participant     `json:"participant,omitempty"`
}

type participant struct {
	Actor  *reference `json:"actor,omitempty"`
	Status string     `json:"status,omitempty"`
}

type operationOutcome struct {
	ResourceType string  `json:"resourceType"`
	Issue        []issue `json:"issue"`
}

type issue struct {
	Severity    string   `json:"severity"`
	Code        string   `json:"code"`
	Diagnostics string   `json:"diagnostics,omitempty"`
	Expression  []string `json:"expression,omitempty"`
}
