// Package server serves the directory over gRPC: lookups of professionals,
// sites and code tables, the opt-out, the change feed, and import jobs.
package server

import (
	"errors"
	"regexp"
	"strings"

	directoryv1 "github.com/sas-platform/sas/gen/sas/directory/v1"
	"github.com/sas-platform/sas/services/directory/store"
	"github.com/sas-platform/sas/services/platform/apierr"
	"github.com/sas-platform/sas/services/platform/pagetoken"
	platformstore "github.com/sas-platform/sas/services/platform/store"
)

// Page sizes of the List methods, as the API documents them.
const (
	defaultPageSize = 50
	maxPageSize     = 1000
	maxBatchGet     = 1000
)

// nationalID is "8" + 11-digit RPPS or "0" + 9-character ADELI.
var nationalID = regexp.MustCompile(`^(8[0-9]{11}|0[0-9A-Z]{9})$`)

// Directory implements directoryv1.DirectoryServiceServer.
type Directory struct {
	directoryv1.UnimplementedDirectoryServiceServer
	store *store.DB
	pages *pagetoken.Sealer
}

// NewDirectory serves the directory kept in st.
func NewDirectory(st *store.DB, pages *pagetoken.Sealer) *Directory {
	return &Directory{store: st, pages: pages}
}

// professionalID checks a professional's resource name and returns its national id.
func professionalID(field, name string) (string, error) {
	id, ok := strings.CutPrefix(name, "professionals/")
	if !ok || !nationalID.MatchString(id) {
		return "", apierr.InvalidArgument(apierr.Violation{Field: field,
			Description: `want professionals/{national id}: "8" + 11-digit RPPS or "0" + 9-character ADELI, got ` + quote(name)})
	}
	return id, nil
}

func checkName(field, name, prefix string) error {
	id, ok := strings.CutPrefix(name, prefix)
	if !ok || id == "" || strings.Contains(id, "/") {
		return apierr.InvalidArgument(apierr.Violation{Field: field, Description: "want " + prefix + "{id}, got " + quote(name)})
	}
	return nil
}

// notFound turns the store's ErrNotFound into NOT_FOUND naming the resource.
func notFound(name string, err error) error {
	if errors.Is(err, platformstore.ErrNotFound) {
		return apierr.NotFound(name)
	}
	return err
}

func quote(s string) string {
	if len(s) > 64 {
		s = s[:64] + "…"
	}
	return `"` + s + `"`
}
