package synth

import (
	"strings"
	"unicode/utf8"
)

// texts holds the words addresses and site names are made of.
type texts struct {
	streets      []string // street names as La Poste writes them
	streetTypes  []code   // TRE_R35 street types
	streetPick   picker   // over streetTypes
	repeats      []string // street number repeat: none, bis, ter
	repeatPick   picker
	places       []string // ends of site names: "du Centre"
	hospitals    []string // ends of hospital names
	complements  []string // geographic complements
	foreignCodes []string // London postcodes
	fold         *strings.Replacer
}

// newTexts returns the word lists.
func newTexts() *texts {
	return &texts{
		streets: []string{
			"DE LA REPUBLIQUE", "JEAN JAURES", "VICTOR HUGO", "DU GENERAL DE GAULLE", "PASTEUR",
			"DE LA GARE", "DE L EGLISE", "DES ECOLES", "DU MARCHE", "NATIONALE", "GAMBETTA",
			"JULES FERRY", "DE LA MAIRIE", "DU CHATEAU", "DE LA LIBERATION", "DU 8 MAI 1945",
			"DU 11 NOVEMBRE", "FOCH", "CARNOT", "DES LILAS", "DES TILLEULS", "DU MOULIN",
			"DE LA PAIX", "GEORGES CLEMENCEAU", "JEAN MOULIN", "EMILE ZOLA", "DE VERDUN",
			"DE LA FONTAINE", "SAINT MARTIN", "DES ACACIAS", "DU STADE", "DE PARIS",
			"ARISTIDE BRIAND", "DU MARECHAL LECLERC", "DES PRES", "DU PORT", "DES VIGNES",
			"DE LA POSTE", "PIERRE ET MARIE CURIE", "SAINT ETIENNE",
		},
		streetTypes: []code{{"R", "Rue"}, {"AV", "Avenue"}, {"BD", "Boulevard"}, {"PL", "Place"},
			{"CHE", "Chemin"}, {"ALL", "Allée"}, {"RTE", "Route"}, {"IMP", "Impasse"},
			{"QUAI", "Quai"}, {"FG", "Faubourg"}},
		streetPick: newPicker(55, 15, 6, 8, 5, 3, 4, 2, 1, 1),
		repeats:    []string{"", "B", "T"},
		repeatPick: newPicker(965, 30, 5),
		places: []string{"du Centre", "de la Gare", "des Tilleuls", "du Parc", "Pasteur",
			"de la Mairie", "des Lilas", "du Marché", "de l'Église", "Saint-Joseph", "des Arcades",
			"du Port", "des Halles", "de la Poste", "du Soleil", "des Écoles"},
		hospitals: []string{"Saint-Joseph", "Sainte-Anne", "Saint-Louis", "Pasteur", "Jeanne d'Arc",
			"Saint-Augustin", "de l'Espérance", "des Cèdres"},
		complements:  []string{"BATIMENT A", "RESIDENCE LES PINS", "CENTRE COMMERCIAL", "ZONE ARTISANALE", "1ER ETAGE"},
		foreignCodes: []string{"SW1A 1AA", "W1G 9PF", "SE1 7EH"},
		fold: strings.NewReplacer("É", "E", "È", "E", "Ê", "E", "Ë", "E", "À", "A", "Â", "A", "Ä", "A",
			"Î", "I", "Ï", "I", "Ô", "O", "Ö", "O", "Ù", "U", "Û", "U", "Ü", "U", "Ÿ", "Y", "Ç", "C",
			"Œ", "OE", "Æ", "AE", "-", " ", "'", " "),
	}
}

// place returns the end of a site name chosen by n.
func (t *texts) place(n uint8) string { return t.places[int(n)%len(t.places)] }

// routing returns a commune name as La Poste's routing line writes it: upper
// case, without accents, hyphens or apostrophes ("SAINT ETIENNE").
func (t *texts) routing(city string) string {
	return t.fold.Replace(strings.ToUpper(city))
}

// ofPlace returns "de" followed by a place name, contracted as French does:
// "de Nantes", "du Mans", "des Sables-d'Olonne", "de La Rochelle", "d'Ajaccio".
func ofPlace(name string) string {
	if rest, ok := strings.CutPrefix(name, "Le "); ok {
		return "du " + rest
	}
	if rest, ok := strings.CutPrefix(name, "Les "); ok {
		return "des " + rest
	}
	if first, _ := utf8.DecodeRuneInString(name); strings.ContainsRune("AEIOUYÂÉÈÊÎÔ", first) {
		return "d'" + name
	}
	return "de " + name
}

// cityOf returns the name of the city of a commune, that of the whole city for
// an arrondissement ("Paris 15e Arrondissement" → "Paris").
func cityOf(name string) string {
	if strings.HasSuffix(name, " Arrondissement") {
		city, _, _ := strings.Cut(name, " ")
		return city
	}
	return name
}
