package index

import (
	"strings"
	"unicode"
)

// foldings maps the accented letters of French place names (and a few
// neighbours) to their base letters.
var foldings = map[rune]string{
	'à': "a", 'á': "a", 'â': "a", 'ä': "a", 'ã': "a", 'å': "a",
	'ç': "c", 'é': "e", 'è': "e", 'ê': "e", 'ë': "e",
	'í': "i", 'ì': "i", 'î': "i", 'ï': "i", 'ñ': "n",
	'ó': "o", 'ò': "o", 'ô': "o", 'ö': "o", 'õ': "o",
	'ú': "u", 'ù': "u", 'û': "u", 'ü': "u", 'ý': "y", 'ÿ': "y",
	'œ': "oe", 'æ': "ae", 'ß': "ss",
}

// FoldName returns name lowercased, without accents, its words made of letters
// and digits only and separated by one space: "L'Haÿ-les-Roses" and
// "l hay les roses" both give "l hay les roses".
func FoldName(name string) string {
	var b strings.Builder
	b.Grow(len(name))
	space := false
	for _, r := range strings.ToLower(name) {
		s, ok := foldings[r]
		if !ok && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		if ok {
			b.WriteString(s)
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}
