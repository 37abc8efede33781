package i18n

// French for segments, bulk actions and exports.
func init() {
	for k, v := range map[string]string{
		"Segments": "Segments", "Segment": "Segment", "New segment": "Nouveau segment", "Saved segments": "Segments enregistrés",
		"Start from a template": "Partir d'un modèle", "Recent bulk actions": "Actions groupées récentes", "State": "État",
		"No segment yet": "Aucun segment pour l'instant",
		"A segment is a saved search that stays up to date. Start from a template or build your own.": "Un segment est une requête enregistrée, toujours à jour. Partez d'un modèle ou construisez la vôtre.",
		"Criteria": "Critères", "Group of criteria": "Groupe de critères", "People who match": "Les personnes qui remplissent",
		"all of these criteria (AND)": "tous ces critères (ET)", "any of these criteria (OR)": "au moins un de ces critères (OU)",
		"Add a criterion": "Ajouter un critère", "Add a group": "Ajouter un groupe", "Remove this criterion": "Retirer ce critère",
		"Remove this group": "Retirer ce groupe", "No criterion: everyone matches.": "Aucun critère : tout le monde correspond.",
		"No criterion: no one matches.": "Aucun critère : personne ne correspond.",
		"Field":                         "Champ", "Operator": "Opérateur", "Value": "Valeur", "Date": "Date", "Number": "Nombre", "Unit": "Unité",
		"Subject or form (optional)": "Objet ou formulaire (facultatif)", "person matches": "personne correspond",
		"people match": "personnes correspondent", "Columns of the list and of exports": "Colonnes de la liste et des exports",
		"Description": "Description", "Contactable": "Contactable", "Export": "Exporter",
		"CSV for Excel (;, UTF-8 with BOM)": "CSV pour Excel (;, UTF-8 avec BOM)", "CSV (,, UTF-8)": "CSV (,, UTF-8)",
		"Excel workbook (XLSX)": "Classeur Excel (XLSX)", "JSON Lines": "JSON Lines",
		"Act on these people": "Agir sur ces personnes", "Consent change": "Changement de consentement", "Lift": "Lever",
		"Account status": "Statut du compte", "New value": "Nouvelle valeur", "Confirm": "Confirmer",
		"Consent changes need a justification; consumers (B2C) cannot be marked as consenting without a proof reference. You confirm on the next page, which shows how many people the action touches.": "Un changement de consentement exige une justification ; un particulier (B2C) ne peut être marqué consentant sans référence de preuve. Vous confirmerez à la page suivante, qui indique combien de personnes l'action touche.",
		"Delete the segment": "Supprimer le segment", "Delete this segment? Its people stay.": "Supprimer ce segment ? Ses personnes restent.",
		"Deleting removes these people, their emails, phones and activities. Their consent ledger stays, as the law requires.":                                                                                        "La suppression efface ces personnes, leurs e-mails, téléphones et activités. Leur registre des consentements reste, comme la loi l'exige.",
		"The action applies to the people of the segment as it is now, runs in the background and can be cancelled. It is recorded in the audit log, and in the consent ledger for each person when consent changes.": "L'action s'applique aux personnes du segment tel qu'il est maintenant, s'exécute en arrière-plan et peut être annulée. Elle est inscrite au journal d'audit, et au registre des consentements pour chaque personne quand le consentement change.",
		"The action runs in the background, in batches; you may leave this page. Each batch is saved with its place, so that after an interruption the action resumes where it stopped.":                              "L'action s'exécute en arrière-plan, par lots ; vous pouvez quitter cette page. Chaque lot est enregistré avec sa position : après une interruption, l'action reprend là où elle s'était arrêtée.",
		"Stop this action? The people already processed keep the change.":                                                                                                                                             "Arrêter cette action ? Les personnes déjà traitées gardent la modification.",
		"Progress": "Progression", "Confirm the bulk action": "Confirmer l'action groupée", "Bulk action": "Action groupée",
		"Segment saved.": "Segment enregistré.", "Segment deleted.": "Segment supprimé.",
		"The job stops after its current batch.": "L'action s'arrête après le lot en cours.",
		"Choose CSV, XLSX or JSON Lines.":        "Choisissez CSV, XLSX ou JSON Lines.",
		"bulk.consent":                           "Changer le consentement", "bulk.set_lifecycle": "Changer l'étape", "bulk.set_status": "Changer le statut du compte",
		"bulk.set_field": "Remplir un champ", "bulk.delete": "Supprimer les personnes",
		"job.queued": "En attente", "job.running": "En cours", "job.done": "Terminée", "job.cancelled": "Annulée", "job.failed": "Échouée",
		"change.grant": "consentement donné", "change.withdraw": "consentement retiré", "change.set": "enregistrer", "change.clear": "lever",
		"field.job_title": "Fonction", "field.origin_detail": "Précision sur l'origine", "field.city": "Ville",
		"field.postal_code": "Code postal", "field.region": "Région", "field.country": "Pays",
		// Field groups and labels of the builder.
		"Person": "Personne", "Custom fields": "Champs personnalisés", "Data protection": "Protection des données",
		"Activities": "Activités", "Email": "E-mail", "Phone": "Téléphone", "Job title": "Fonction", "Stage": "Étape",
		"Audience": "Audience", "Origin": "Origine", "Origin detail": "Précision sur l'origine", "Postal code": "Code postal",
		"City": "Ville", "Region": "Région", "Country": "Pays", "Soft opt-in (customer informed)": "Soft opt-in (client informé)",
		"Date created": "Date de création", "Date collected": "Date de collecte", "Last interaction": "Dernière interaction",
		"Organisation name": "Nom de l'organisation", "Organisation type": "Type d'organisation",
		"Organisation city": "Ville de l'organisation", "Organisation country": "Pays de l'organisation",
		"Organisation last interaction": "Dernière interaction de l'organisation", "Retention deadline": "Fin de la durée de conservation",
		"Name": "Nom", "First name": "Prénom", "Last name": "Nom de famille", "Organisation": "Organisation", "Address": "Adresse",
		"Identifier": "Identifiant",
		// Operators and units.
		"is": "est", "is not": "n'est pas", "contains": "contient", "does not contain": "ne contient pas", "starts with": "commence par",
		"is empty": "est vide", "is not empty": "n'est pas vide", "yes": "oui", "no": "non",
		"more than … ago": "il y a plus de …", "in the last …": "dans les derniers …", "in the next …": "dans les prochains …",
		"is past": "est passée", "before": "avant le", "after": "après le", "not in the last …": "pas dans les derniers …",
		"ever": "au moins une fois", "never": "jamais", "days": "jours", "months": "mois", "years": "ans",
		// Built-in templates.
		"Re-opt-in target": "Cible de ré-optin",
		"Customer accounts whose people have not opted in to marketing email, have not objected or unsubscribed, and have a valid address: the target of a re-opt-in campaign.": "Comptes clients dont les contacts ne sont pas optin e-mail, ne se sont ni opposés ni désinscrits, et ont une adresse valide : la cible d'une campagne de ré-optin.",
		"Consumers without consent": "Particuliers sans consentement",
		"Consumers (B2C) who have not consented to marketing email: they cannot receive it.": "Particuliers (B2C) qui n'ont pas consenti à la prospection par e-mail : ils ne peuvent pas la recevoir.",
		"Past the retention period": "Durée de conservation dépassée",
		"People whose last interaction (or collection, without one) is older than the retention period: to delete or anonymise.": "Personnes dont la dernière interaction (ou la collecte, à défaut) est plus ancienne que la durée de conservation : à supprimer ou anonymiser.",
		"Retention deadline in the next 30 days": "Fin de conservation dans les 30 jours",
		"People whose retention period ends within 30 days: the last moment to ask them whether they want to stay.": "Personnes dont la durée de conservation s'achève dans les 30 jours : le dernier moment pour leur demander si elles veulent rester.",
		// Problems.
		"the field is not known": "le champ est inconnu", "the operator does not fit the field": "l'opérateur ne convient pas au champ",
		"enter a value": "saisissez une valeur", "enter a number": "saisissez un nombre", "choose one of the options": "choisissez une des options",
		"enter a date as YYYY-MM-DD": "saisissez une date AAAA-MM-JJ", "choose days, months or years": "choisissez jours, mois ou années",
		"enter a whole number between 0 and 10000": "saisissez un nombre entier entre 0 et 10000",
		"a bulk change needs a justification":      "une modification groupée exige une justification",
		"choose a consent change":                  "choisissez un changement de consentement", "cannot be set in bulk": "ne peut pas être modifié en masse",
		"The job has already finished.": "L'action est déjà terminée.",
	} {
		if _, ok := french[k]; !ok {
			french[k] = v
		}
	}
}
