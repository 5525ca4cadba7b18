// Package rpps reads and writes the public extraction of the RPPS/ADELI directory of health
// professionals published daily by the Agence du numérique en santé
// (PS_LibreAcces_Personne_activite_<AAAAMMJJHHMM>.txt).
//
// The file is UTF-8 text with one header line; fields are separated by '|', every line also
// ends with '|', and there is no quoting. Each line is one activity of a professional. The
// Reader finds columns by header name, so reordered or added columns are tolerated; a bad
// line is reported as a *LineError and the Reader goes on with the next one.
package rpps
