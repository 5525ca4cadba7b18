package rpps

// Columns lists the columns of the current format, in file order.
var Columns = []string{
	colIDType, colID, colNationalID,
	"Code civilité d'exercice", "Libellé civilité d'exercice", "Code civilité", "Libellé civilité",
	colFamilyName, colGivenName,
	colProfession, colProfessionLabel,
	"Code catégorie professionnelle", "Libellé catégorie professionnelle",
	"Code type savoir-faire", "Libellé type savoir-faire", colSkill, colSkillLabel,
	colPracticeMode, "Libellé mode exercice",
	colSIRET, "Numéro SIREN site", colFINESS, "Numéro FINESS établissement juridique",
	colTechnicalID, colCompanyName, "Enseigne commerciale site",
	"Complément destinataire (coord. structure)",
	"Complément point géographique (coord. structure)",
	"Numéro Voie (coord. structure)", "Indice répétition voie (coord. structure)",
	"Code type de voie (coord. structure)", "Libellé type de voie (coord. structure)",
	"Libellé Voie (coord. structure)", "Mention distribution (coord. structure)",
	"Bureau cedex (coord. structure)", colPostalCode, colCommuneCode, colCommuneLabel,
	"Code pays (coord. structure)", "Libellé pays (coord. structure)",
	"Téléphone (coord. structure)", "Téléphone 2 (coord. structure)",
	"Télécopie (coord. structure)", "Adresse e-mail (coord. structure)",
	"Code Département (structure)", "Libellé Département (structure)",
	"Ancien identifiant de la structure", "Autorité d'enregistrement",
	"Code secteur d'activité", "Libellé secteur d'activité",
	"Code section tableau pharmaciens", "Libellé section tableau pharmaciens",
}

// RoleColumns lists the optional role columns that newer files append.
var RoleColumns = []string{ColumnRole, ColumnRoleLabel}

// RequiredColumns lists the columns a file must have; the others are empty when absent.
var RequiredColumns = []string{
	colIDType, colID, colNationalID, colFamilyName, colGivenName,
	colProfession, colProfessionLabel, colSkill, colSkillLabel, colPracticeMode,
	colSIRET, colFINESS, colTechnicalID, colCompanyName,
	colPostalCode, colCommuneCode, colCommuneLabel,
}

// Names of the role columns.
const (
	ColumnRole      = "Code rôle"
	ColumnRoleLabel = "Libellé rôle"
)

// Names of the columns the package refers to.
const (
	colIDType          = "Type d'identifiant PP"
	colID              = "Identifiant PP"
	colNationalID      = "Identification nationale PP"
	colFamilyName      = "Nom d'exercice"
	colGivenName       = "Prénom d'exercice"
	colProfession      = "Code profession"
	colProfessionLabel = "Libellé profession"
	colSkill           = "Code savoir-faire"
	colSkillLabel      = "Libellé savoir-faire"
	colPracticeMode    = "Code mode exercice"
	colSIRET           = "Numéro SIRET site"
	colFINESS          = "Numéro FINESS site"
	colTechnicalID     = "Identifiant technique de la structure"
	colCompanyName     = "Raison sociale site"
	colPostalCode      = "Code postal (coord. structure)"
	colCommuneCode     = "Code commune (coord. structure)"
	colCommuneLabel    = "Libellé commune (coord. structure)"
)
