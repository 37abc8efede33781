package i18n

func init() {
	for k, v := range map[string]string{
		"Import people": "Importer des personnes", "Import": "Importer", "Upload a file": "Envoyer un fichier",
		"CSV or XLSX file": "Fichier CSV ou XLSX", "Continue": "Continuer", "Latest imports": "Derniers imports",
		"Started": "Commencé", "Source": "Source", "New people": "Nouvelles personnes", "Invalid rows": "Lignes invalides", "Status": "État",
		"No import yet": "Aucun import pour l'instant",
		"Bring your contacts from a spreadsheet, a trade show list or another CRM.":                                                        "Importez vos contacts depuis un tableur, une liste de salon ou un autre CRM.",
		"Up to %d MB. The first row names the columns. Encoding (UTF-8, Windows-1252) and separator (comma, semicolon, tab) are detected.": "Jusqu'à %d Mo. La première ligne nomme les colonnes. L'encodage (UTF-8, Windows-1252) et le séparateur (virgule, point-virgule, tabulation) sont détectés.",
		"Map the columns": "Associer les colonnes", "Columns": "Colonnes",
		"Suggested from the column names: check them.": "Proposé d'après les noms des colonnes : vérifiez.",
		"Column of the file":                           "Colonne du fichier", "Field": "Champ", "(ignore this column)": "(ignorer cette colonne)",
		"Person": "Personne", "Consent (needs a proof reference)": "Consentement (preuve requise)", "Objections": "Oppositions",
		"Use a saved mapping":                                "Utiliser une association enregistrée",
		"Applied when you reload the page with it chosen.":   "Appliquée en rechargeant la page après l'avoir choisie.",
		"Save this mapping as":                               "Enregistrer cette association sous",
		"Optional: reuse it for the next file of this kind.": "Facultatif : pour réutiliser au prochain fichier de ce type.",
		"Reading the file":                                   "Lecture du fichier", "Encoding": "Encodage", "Separator": "Séparateur",
		"comma (,)": "virgule (,)", "semicolon (;)": "point-virgule (;)", "tab": "tabulation",
		"Detected from the file. If accents or columns look wrong above, change them and read the file again.": "Détectés dans le fichier. Si les accents ou les colonnes semblent faux, changez-les et relisez le fichier.",
		"Read again":                       "Relire",
		"Where do these people come from?": "D'où viennent ces personnes ?", "Which one": "Laquelle",
		"The show, the supplier, the partner or the old system: recorded on every person.": "Le salon, le fournisseur, le partenaire ou l'ancien logiciel : enregistré sur chaque personne.",
		"Legal basis": "Base légale", "With consent: what these people agreed to": "En cas de consentement : ce que ces personnes ont accepté",
		"Proof of consent": "Preuve du consentement",
		"Where the proof is kept (signed forms, the partner's record). Required for consent and consent columns.": "Où la preuve est conservée (bulletins signés, registre du partenaire). Obligatoire pour le consentement et les colonnes de consentement.",
		"People without a B2B/B2C column are":                       "Les personnes sans colonne B2B/B2C sont",
		"When an email is already known":                            "Quand l'e-mail est déjà connu",
		"Addresses on the suppression list are never brought back.": "Les adresses de la liste d'opposition ne sont jamais réintroduites.",
		"Progress": "Progression", "%s of %s rows read": "%s lignes lues sur %s", "Updated": "Mises à jour",
		"Already known, left as they were": "Déjà connues, laissées telles quelles", "Kept for review": "Mises de côté pour revue",
		"On the suppression list": "Sur la liste d'opposition", "Consent ledger events": "Événements du registre des consentements",
		"Download the report (rows not imported)": "Télécharger le rapport (lignes non importées)",
		"See the people": "Voir les personnes", "Declared source": "Source déclarée",
		"The file cannot be imported.":                                  "Le fichier ne peut pas être importé.",
		"This upload is not available any more: upload the file again.": "Ce fichier n'est plus disponible : envoyez-le à nouveau.",
		"choose a CSV or XLSX file":                                     "choisissez un fichier CSV ou XLSX",
		"target.first_name":                                             "Prénom", "target.last_name": "Nom", "target.email": "E-mail", "target.phone": "Téléphone",
		"target.mobile": "Portable", "target.job_title": "Fonction", "target.organisation": "Société",
		"target.address_line1": "Adresse", "target.address_line2": "Complément d'adresse", "target.postal_code": "Code postal",
		"target.city": "Ville", "target.region": "Région", "target.country": "Pays", "target.lifecycle": "Étape",
		"target.audience": "B2B ou B2C", "target.collected_at": "Date de collecte",
		"dedupe.update": "Mettre à jour la personne avec les valeurs du fichier", "dedupe.skip": "Laisser la personne telle quelle",
		"dedupe.review":  "Mettre la ligne de côté pour revue",
		"import.pending": "en attente", "import.running": "en cours", "import.done": "terminé", "import.failed": "échoué",
		"import.cancelled": "annulé",
		"Custom fields":    "Champs personnalisés",
	} {
		if _, taken := french[k]; !taken { // another page's wording wins
			french[k] = v
		}
	}
}
