package rpps

// Activity is one line of the extraction: one activity of a professional at one site.
type Activity struct {
	// Line is the 1-based line number in the file (the header is line 1).
	Line int64

	// IDType is "8" (RPPS) or "0" (ADELI); ID is the RPPS number (11 digits) or the ADELI
	// number (9 characters); NationalID is IDType followed by ID.
	IDType, ID, NationalID string

	PracticeCivility, PracticeCivilityLabel, Civility, CivilityLabel string
	FamilyName, GivenName                                            string

	Profession, ProfessionLabel, Category, CategoryLabel string

	// SkillType, Skill and their labels describe the savoir-faire (such as a specialty).
	SkillType, SkillTypeLabel, Skill, SkillLabel string

	PracticeMode, PracticeModeLabel string

	SIRET, SIREN, FINESS, LegalFINESS, TechnicalID, CompanyName, BrandName string

	AddressComplement, GeoComplement                     string
	StreetNumber, StreetRepeat                           string
	StreetTypeCode, StreetTypeLabel, StreetName          string
	Distribution, Cedex, PostalCode                      string
	CommuneCode, CommuneLabel, CountryCode, CountryLabel string

	Phone, Phone2, Fax, Email, DepartementCode, DepartementLabel string

	FormerStructureID, RegistrationAuthority  string
	Sector, SectorLabel                       string
	PharmacistSection, PharmacistSectionLabel string

	// Role and RoleLabel are empty when the file has no role columns.
	Role, RoleLabel string
}
