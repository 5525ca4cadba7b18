package synth

// code is a code of a nomenclature with its label.
type code struct {
	code, label string
}

// skill is an ordinal specialty (TRE_R38) with its weight among the
// professionals of a profession; an empty code means no savoir-faire.
type skill struct {
	code
	weight int64
}

// profession is a profession (TRE_G15) with the make-up of its professionals.
type profession struct {
	code
	weight    int64  // share of professionals, per mille
	female    int    // share of women, per mille
	adeli     int    // share identified by ADELI rather than RPPS, per mille
	doctor    int    // share with the practice civility DR, per mille
	authority string // registration authority of RPPS professionals
	pharmacy  bool   // practises in pharmacies rather than care sites
	skills    []skill
}

// Labels are those of the ANS nomenclatures (nos_codes.tsv), the specialty tag
// "(SM)", "(SCD)" or "(SI)" left out as in the published file.
const (
	medecin     = "10"
	pharmacien  = "21"
	dentiste    = "40"
	sageFemme   = "50"
	infirmier   = "60"
	kine        = "70"
	noSkillRate = 5 // médecins without a savoir-faire, per mille
)

// professions returns the professions generated: about 45% médecins, half of
// them in general practice.
func professions() []profession {
	return []profession{
		{code{medecin, "Médecin"}, 450, 500, 0, 1000, "CNOM/CNOM/CNOM", false, medecinSkills()},
		{code{infirmier, "Infirmier"}, 200, 870, 100, 0, "ONI/ONI/ONI", false, []skill{
			{code{}, 995}, {code{"SI01", "Exercice infirmier en pratique avancée pathologies chroniques stabilisées"}, 3},
			{code{"SI04", "Exercice infirmier en pratique avancée santé mentale"}, 2},
		}},
		{code{kine, "Masseur-Kinésithérapeute"}, 120, 500, 100, 0, "CNOMK/CNOMK/CNOMK", false, nil},
		{code{pharmacien, "Pharmacien"}, 110, 680, 0, 0, "CNOP/CNOP/CNOP", true, nil},
		{code{dentiste, "Chirurgien-Dentiste"}, 80, 480, 0, 600, "CNOCD/CNOCD/CNOCD", false, []skill{
			{code{}, 960}, {code{"SCD01", "Orthopédie dento-faciale"}, 25},
			{code{"SCD02", "Chirurgie orale"}, 10}, {code{"SCD03", "Médecine bucco-dentaire"}, 5},
		}},
		{code{sageFemme, "Sage-Femme"}, 40, 970, 0, 0, "CNOSF/CNOSF/CNOSF", false, nil},
	}
}

// medecinSkills returns the specialties of médecins, weights per ten thousand.
func medecinSkills() []skill {
	return []skill{
		{code{}, noSkillRate * 10},
		{code{"SM54", "Médecine générale"}, 4300},
		{code{"SM26", "Qualifié en Médecine générale"}, 300},
		{code{"SM53", "Spécialiste en Médecine générale"}, 500},
		{code{"SM04", "Cardiologie et Maladies vasculaires"}, 400},
		{code{"SM42", "Psychiatrie"}, 550},
		{code{"SM02", "Anesthésie-réanimation"}, 500},
		{code{"SM40", "Pédiatrie"}, 400},
		{code{"SM44", "Radio-diagnostic"}, 400},
		{code{"SM20", "Gynécologie-obstétrique"}, 300},
		{code{"SM38", "Ophtalmologie"}, 300},
		{code{"SM59", "Médecine d'urgence"}, 300},
		{code{"SM15", "Dermatologie et Vénéréologie"}, 200},
		{code{"SM24", "Gastro-entérologie et Hépatologie"}, 200},
		{code{"SM08", "Chirurgie orthopédique et Traumatologie"}, 200},
		{code{"SM41", "Pneumologie"}, 150},
		{code{"SM32", "Neurologie"}, 150},
		{code{"SM48", "Rhumatologie"}, 150},
		{code{"SM39", "Oto-rhino-laryngologie"}, 150},
		{code{"SM18", "Gériatrie"}, 100},
		{code{"SM03", "Biologie médicale"}, 100},
	}
}

// Codes of the lines that do not depend on a table.
const (
	skillTypeCode, skillTypeLabel = "S", "Spécialité ordinale"
	civilCode, civilLabel         = "C", "Civil"
	doctorCode, doctorLabel       = "DR", "Docteur"
	misterCode, misterLabel       = "M", "Monsieur"
	madamCode, madamLabel         = "MME", "Madame"
	adeliAuthority                = "ARS/ARS/ARS"
)

// Practice modes (TRE_R23), indexes into modes.
const (
	modeLiberal = iota
	modeSalaried
	modeVolunteer
)

// modes returns the practice modes with the labels of the published file.
func modes() [3]code {
	return [3]code{{"L", "Libéral"}, {"S", "Salarié"}, {"B", "Bénévole"}}
}
