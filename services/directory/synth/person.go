package synth

import "github.com/sas-platform/sas/services/directory/rpps"

// fillPerson draws the i-th professional into g.person: what every line of
// theirs repeats.
func (g *generator) fillPerson(i int, p *profession, skills picker, home *site) {
	r := g.rng
	a := &g.person
	*a = rpps.Activity{
		Profession: p.code.code, ProfessionLabel: p.label,
		Category: civilCode, CategoryLabel: civilLabel,
		RegistrationAuthority: p.authority,
	}
	g.fillID(a, i, p, home)
	female := chance(r, p.female)
	a.Civility, a.CivilityLabel = misterCode, misterLabel
	if female {
		a.Civility, a.CivilityLabel = madamCode, madamLabel
	}
	a.FamilyName, a.GivenName = g.names.draw(r, female)
	if chance(r, p.doctor) {
		a.PracticeCivility, a.PracticeCivilityLabel = doctorCode, doctorLabel
	}
	if len(p.skills) > 0 {
		if s := p.skills[skills.pick(r)]; s.code.code != "" {
			a.SkillType, a.SkillTypeLabel = skillTypeCode, skillTypeLabel
			a.Skill, a.SkillLabel = s.code.code, s.label
		}
	}
}

// fillID gives the professional an RPPS number, or for some an ADELI number
// from the département of their first site.
func (g *generator) fillID(a *rpps.Activity, i int, p *profession, home *site) {
	if chance(g.rng, p.adeli) && home.quirk != quirkForeign {
		if id := g.ids.adeliID(g.departementOf(home), p.code.code); id != "" {
			national := rpps.IDTypeADELI + id
			a.IDType, a.ID, a.NationalID = rpps.IDTypeADELI, national[1:], national
			a.RegistrationAuthority = adeliAuthority
			return
		}
	}
	national := rpps.IDTypeRPPS + g.ids.rppsID(i)
	a.IDType, a.ID, a.NationalID = rpps.IDTypeRPPS, national[1:], national
}
