// Package territory serves the geographic reference of the platform: régions,
// départements and SAS territories with their search radii.
package territory

import (
	"embed"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
	"unicode"

	commonv1 "github.com/sas-platform/sas/gen/sas/common/v1"
)

//go:embed data/*.csv
var data embed.FS

// Reference is the shipped reference data.
type Reference struct {
	Regions      []*commonv1.Region
	Departements []*commonv1.Departement
	Territories  []*commonv1.Territory
}

// LoadReference reads the shipped CSV files.
func LoadReference() (*Reference, error) {
	var ref Reference
	var err error
	if ref.Regions, err = readRegions(); err != nil {
		return nil, err
	}
	if ref.Departements, err = readDepartements(); err != nil {
		return nil, err
	}
	if ref.Territories, err = readTerritories(ref.Regions); err != nil {
		return nil, err
	}
	return &ref, nil
}

func readRegions() ([]*commonv1.Region, error) {
	var out []*commonv1.Region
	err := readCSV("regions.csv", func(r row) error {
		centre, err := r.point("lat", "lon")
		out = append(out, &commonv1.Region{
			Name: "regions/" + r.get("region_code"), Code: r.get("region_code"), DisplayName: r.get("name"),
			Centre: centre, CapitalInseeCode: r.get("capital_insee_code"),
		})
		return err
	})
	return out, err
}

func readDepartements() ([]*commonv1.Departement, error) {
	var out []*commonv1.Departement
	err := readCSV("departements.csv", func(r row) error {
		centre, err := r.point("lat", "lon")
		out = append(out, &commonv1.Departement{
			Name: "departements/" + r.get("departement_code"), Code: r.get("departement_code"),
			DisplayName: r.get("name"), Region: "regions/" + r.get("region_code"),
			Centre: centre, CapitalInseeCode: r.get("capital_insee_code"),
		})
		return err
	})
	return out, err
}

func readTerritories(regions []*commonv1.Region) ([]*commonv1.Territory, error) {
	byName := map[string]string{}
	for _, r := range regions {
		byName[fold(r.DisplayName)] = r.Name
	}
	var out []*commonv1.Territory
	err := readCSV("sas_territories.csv", func(r row) error {
		t, err := territoryFromRow(r, byName)
		out = append(out, t)
		return err
	})
	return out, err
}

func territoryFromRow(r row, regions map[string]string) (*commonv1.Territory, error) {
	code := DepartementCode(r.get("departement_code"))
	region, ok := regions[fold(r.get("region"))]
	if !ok {
		return nil, fmt.Errorf("line %d: unknown region %q", r.line, r.get("region"))
	}
	bary, err := r.point("barycentre_lat", "barycentre_lon")
	if err != nil {
		return nil, err
	}
	var km [3]int
	for i, col := range []string{"default_radius_km", "enlargement_km", "departement_radius_km"} {
		if km[i], err = r.int(col); err != nil {
			return nil, err
		}
	}
	return &commonv1.Territory{
		Name: "territories/SAS-" + code, DisplayName: "SAS " + r.get("departement_name"),
		Region: region, Departements: []string{"departements/" + code},
		DefaultRadiusMeters: int32(km[0] * 1000), RadiusStepMeters: int32(km[1] * 1000),
		CoverageRadiusMeters: int32(km[2] * 1000), Barycentre: bary, Active: km[0] > 0,
	}, nil
}

// DepartementCode normalises a département code as the SAS files write it
// ("7", "20A") into its INSEE form ("07", "2A").
func DepartementCode(code string) string {
	switch code {
	case "20A":
		return "2A"
	case "20B":
		return "2B"
	}
	if len(code) == 1 {
		return "0" + code
	}
	return code
}

// fold lowercases and strips accents, so "Ile-de-France" matches "Île-de-France".
func fold(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		return strings.ToLower(s)
	}
	return strings.ToLower(out)
}

type row struct {
	line   int
	header map[string]int
	fields []string
}

func (r row) get(col string) string { return strings.TrimSpace(r.fields[r.header[col]]) }

func (r row) float(col string) (float64, error) {
	v, err := strconv.ParseFloat(r.get(col), 64)
	if err != nil {
		return 0, fmt.Errorf("line %d, column %s: %w", r.line, col, err)
	}
	return v, nil
}

func (r row) int(col string) (int, error) {
	v, err := strconv.Atoi(r.get(col))
	if err != nil {
		return 0, fmt.Errorf("line %d, column %s: %w", r.line, col, err)
	}
	return v, nil
}

func (r row) point(lat, lon string) (*commonv1.GeoPoint, error) {
	la, err := r.float(lat)
	if err != nil {
		return nil, err
	}
	lo, err := r.float(lon)
	return &commonv1.GeoPoint{Latitude: la, Longitude: lo}, err
}

func readCSV(name string, each func(row) error) error {
	f, err := data.Open("data/" + name)
	if err != nil {
		return fmt.Errorf("reference %s: %w", name, err)
	}
	defer f.Close()
	rd := csv.NewReader(f)
	head, err := rd.Read()
	if err != nil {
		return fmt.Errorf("reference %s: header: %w", name, err)
	}
	header := map[string]int{}
	for i, h := range head {
		header[h] = i
	}
	for line := 2; ; line++ {
		fields, err := rd.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("reference %s: %w", name, err)
		}
		if err := each(row{line: line, header: header, fields: fields}); err != nil {
			return fmt.Errorf("reference %s: %w", name, err)
		}
	}
}
