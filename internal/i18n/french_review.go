package i18n

// The review of rows an import held apart, and the cancellation of an
// import.
func init() {
	for k, v := range map[string]string{
		"Rows kept for review": "Lignes mises de côté pour revue", "Waiting": "En attente", "Resolved": "Traitées",
		"These rows of the file match a person who already exists (same email address, or same phone number for rows without one). Compare the two and decide for each row.":                                                                                                                                                           "Ces lignes du fichier correspondent à une personne qui existe déjà (même adresse e-mail, ou même numéro de téléphone pour les lignes sans e-mail). Comparez les deux et décidez pour chaque ligne.",
		"Highlighted: the file's value differs from the person's. Updating writes the file's non-empty values, adds its phone numbers and records its consents and objections in the consent ledger (source: this import, with its proof reference); it never changes email addresses. The values of a resolved row are then deleted.": "En surbrillance : la valeur du fichier diffère de celle de la fiche. La mise à jour écrit les valeurs non vides du fichier, ajoute ses numéros de téléphone et inscrit ses consentements et oppositions au registre des consentements (source : cet import, avec sa référence de preuve) ; elle ne change jamais les adresses e-mail. Les valeurs d'une ligne traitée sont ensuite supprimées.",
		"Every remaining row:":                                  "Toutes les lignes restantes :",
		"Update every person concerned with the file's values?": "Mettre à jour chaque personne concernée avec les valeurs du fichier ?",
		"Update them all":                                       "Toutes les mettre à jour", "Discard them all": "Toutes les écarter",
		"Discard every remaining row? The people stay as they are.": "Écarter toutes les lignes restantes ? Les personnes restent telles quelles.",
		"Line": "Ligne", "Line %d": "Ligne %d", "Decision": "Décision", "By": "Par", "Now": "Actuellement", "In the file": "Dans le fichier",
		"differs": "diffère", "The new person": "La nouvelle fiche", "The existing person": "La fiche existante",
		"resolution.update": "fiche mise à jour", "resolution.create": "nouvelle fiche créée", "resolution.discard": "ligne écartée",
		"No row resolved yet":                                                       "Aucune ligne traitée pour l'instant",
		"An address is on the suppression list":                                     "Une adresse est sur la liste repoussoir",
		"Applied, the person will be marked suppressed: never contacted.":           "Appliquée, la personne sera marquée « liste repoussoir » : jamais contactée.",
		"This row can only be discarded: the suppression list refuses its address.": "Cette ligne ne peut qu'être écartée : la liste repoussoir refuse son adresse.",
		"It cannot become a separate person: its email address belongs to a person, and two people cannot share an email address.": "Elle ne peut pas devenir une fiche distincte : son adresse e-mail appartient à une personne, et deux personnes ne peuvent pas partager une adresse e-mail.",
		"Update the person with the file's values": "Mettre à jour la fiche avec les valeurs du fichier",
		"Create a separate person":                 "Créer une fiche distincte", "Discard the row": "Écarter la ligne",
		"No row waiting for review":                      "Aucune ligne en attente de revue",
		"Every row of this import has been resolved.":    "Toutes les lignes de cet import ont été traitées.",
		"Review the rows kept apart (%s)":                "Revoir les lignes mises de côté (%s)",
		"This row had already been resolved.":            "Cette ligne avait déjà été traitée.",
		"The person was updated with the file's values.": "La fiche a été mise à jour avec les valeurs du fichier.",
		"The row was created as a separate person.":      "La ligne a été créée comme une fiche distincte.",
		"The row was discarded.":                         "La ligne a été écartée.",
		"The remaining rows were resolved.":              "Les lignes restantes ont été traitées.",
		"Some rows were left waiting: an address of theirs is on the suppression list. They can only be discarded.":                                                          "Des lignes restent en attente : une de leurs adresses est sur la liste repoussoir. Elles ne peuvent qu'être écartées.",
		"An address of this row is on the suppression list (the person objected or was erased): it cannot be imported. Discard the row.":                                     "Une adresse de cette ligne est sur la liste repoussoir (la personne s'est opposée ou a été effacée) : elle ne peut pas être importée. Écartez la ligne.",
		"This row's email address already belongs to a person, and two people cannot share an email address: update that person with the file's values, or discard the row.": "L'adresse e-mail de cette ligne appartient déjà à une personne, et deux personnes ne peuvent pas partager une adresse e-mail : mettez à jour cette fiche avec les valeurs du fichier, ou écartez la ligne.",
		"This row has already been resolved otherwise.":                                         "Cette ligne a déjà été traitée autrement.",
		"The person this row matched no longer exists.":                                         "La personne à laquelle correspondait cette ligne n'existe plus.",
		"Held row not found.":                                                                   "Ligne mise de côté introuvable.",
		"Import not found.":                                                                     "Import introuvable.",
		"The import has already finished.":                                                      "L'import est déjà terminé.",
		"Stop this import? The rows already imported stay.":                                     "Arrêter cet import ? Les lignes déjà importées restent.",
		"The import stops after its current batch; the rows already imported stay.":             "L'import s'arrête après le lot en cours ; les lignes déjà importées restent.",
		"Cancelling: the import stops after its current batch; the rows already imported stay.": "Annulation en cours : l'import s'arrête après le lot en cours ; les lignes déjà importées restent.",
		"The import was cancelled. %s rows were imported before the cancellation: they stay.":   "L'import a été annulé. %s lignes avaient été importées avant l'annulation : elles restent.",
	} {
		if _, taken := french[k]; !taken { // another page's wording wins
			french[k] = v
		}
	}
}
