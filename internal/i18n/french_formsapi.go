package i18n

// French for the forms API branch: the timeline's form author, the drift
// check's form fields, the confirmation of a submission without a fresh
// start time (the plain HTML embed code).
func init() {
	for k, v := range map[string]string{
		"Form “%s”": "Formulaire « %s »",
		"Without the script, a submission opens the hosted page filled in, asking the person to confirm with one more click: this keeps robots out without JavaScript.": "Sans le script, un envoi ouvre la page hébergée pré-remplie et demande à la personne de confirmer d'un clic de plus : les robots restent dehors sans JavaScript.",
		"Please confirm your submission: check your answers and send the form again.":                                                                                   "Merci de confirmer votre envoi : vérifiez vos réponses, puis envoyez à nouveau le formulaire.",
		"The form “%s” collects %s, %s data, which no active entry lists.":                                                                                              "Le formulaire « %s » collecte %s, des données « %s » qu'aucune fiche active ne mentionne.",
		"The form “%s” collects custom field %s, which has no category of personal data: classify it in the custom fields settings.":                                    "Le formulaire « %s » collecte le champ personnalisé %s, qui n'a pas de catégorie de données : classez-le dans les paramètres des champs personnalisés.",
	} {
		french[k] = v
	}
}
