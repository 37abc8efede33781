package demo

// French trades that name a small business after its owner: "Boulangerie
// Martin", "Garage Dupont". The slug part names its web domain.
var trades = []struct{ name, slug string }{
	{"Boulangerie", "boulangerie"}, {"Atelier", "atelier"}, {"Garage", "garage"},
	{"Menuiserie", "menuiserie"}, {"Plomberie", "plomberie"}, {"Cabinet", "cabinet"},
	{"Transports", "transports"}, {"Fromagerie", "fromagerie"}, {"Domaine", "domaine"},
	{"Imprimerie", "imprimerie"}, {"Électricité", "electricite"}, {"Boucherie", "boucherie"},
	{"Librairie", "librairie"}, {"Hôtel", "hotel"}, {"Cave", "cave"}, {"Pâtisserie", "patisserie"},
	{"Charpente", "charpente"}, {"Pharmacie", "pharmacie"}, {"Fleurs", "fleurs"},
	{"Étude notariale", "notaire"}, {"Maçonnerie", "maconnerie"}, {"Chocolaterie", "chocolaterie"},
}

// sectors follow the owner's name: "Dupont Conseil", "Martin Informatique".
var sectors = []struct{ name, slug string }{
	{"Conseil", "conseil"}, {"Informatique", "informatique"}, {"Immobilier", "immobilier"},
	{"BTP", "btp"}, {"Rénovation", "renovation"}, {"Distribution", "distribution"},
	{"Communication", "communication"}, {"Logistique", "logistique"}, {"Paysages", "paysages"},
	{"Expertise comptable", "expertise"}, {"Industrie", "industrie"}, {"Services", "services"},
}

// placeNames are businesses named after a place, completed by the city:
// "Brasserie du Port", "Les Jardins de Nantes".
var placeNames = []struct{ name, slug string }{
	{"Brasserie du Port", "brasserie-du-port"}, {"Pharmacie du Centre", "pharmacie-du-centre"},
	{"Auto-école de la Gare", "auto-ecole-gare"}, {"Boulangerie des Halles", "boulangerie-des-halles"},
	{"Les Jardins de", "jardins"}, {"Clinique vétérinaire de", "veto"}, {"Crèche Les Petits Loups", "petits-loups"},
	{"Restaurant Le Relais", "le-relais"}, {"Camping Les Oliviers", "les-oliviers"},
	{"Librairie Le Chat qui lit", "chat-qui-lit"}, {"Coopérative agricole de", "coop"},
}

var legalForms = []string{"SARL", "SAS", "EURL", "SA", "SASU", "SCOP"}

var jobsMale = []string{
	"Gérant", "Directeur commercial", "Responsable achats", "Comptable", "Chef de projet",
	"Responsable marketing", "Directeur général", "Président", "Responsable RH", "Technicien",
	"Commercial", "Acheteur", "Responsable administratif et financier", "Chargé de communication",
	"Ingénieur d'études", "Artisan", "Chef d'atelier", "Responsable logistique", "DSI",
	"Assistant de direction", "Directeur des opérations", "Conducteur de travaux",
}

var jobsFemale = []string{
	"Gérante", "Directrice commerciale", "Responsable achats", "Comptable", "Cheffe de projet",
	"Responsable marketing", "Directrice générale", "Présidente", "Responsable RH", "Technicienne",
	"Commerciale", "Acheteuse", "Responsable administrative et financière", "Chargée de communication",
	"Ingénieure d'études", "Artisane", "Cheffe d'atelier", "Responsable logistique", "DSI",
	"Assistante de direction", "Directrice des opérations", "Office manager",
}

// originDetails says, for some origins, where exactly a contact came from.
var originDetails = map[string][]string{
	"web_form":       {"Formulaire de contact", "Demande de devis", "Inscription à la newsletter", "Téléchargement du livre blanc"},
	"trade_show":     {"Salon des entrepreneurs 2023", "Salon du Made in France", "Foire de Paris", "Salon de l'habitat"},
	"import":         {"Import du fichier clients 2021", "Reprise de l'ancien logiciel", "Import tableur commercial"},
	"event":          {"Webinaire « Bien démarrer »", "Journée portes ouvertes", "Petit-déjeuner clients"},
	"referral":       {"Recommandé par un client", "Bouche-à-oreille", "Recommandé par l'expert-comptable"},
	"purchased_file": {"Fichier de prospection acheté", "Liste de prospects (location)"},
	"partner":        {"Apporteur d'affaires", "Réseau de partenaires", "Chambre de commerce"},
}

// activityTexts holds subjects and bodies per activity kind; "%d" in a
// subject takes an order number.
var activityTexts = map[string]struct{ subjects, bodies []string }{
	"note": {
		[]string{"Note interne", "À rappeler en septembre", "Préfère être contacté le matin", "Budget validé pour le prochain trimestre", "Changement d'interlocuteur"},
		[]string{"Très intéressé par l'offre annuelle ; attend l'accord de sa direction.", "Ne pas relancer avant la rentrée.", "Décideur : voir avec la gérante.\nPréfère les échanges par écrit.", ""},
	},
	"call": {
		[]string{"Appel de suivi", "Appel entrant : demande de devis", "Relance téléphonique", "Appel de découverte", "Rappel suite au message vocal"},
		[]string{"Échange de 15 minutes sur les besoins ; envoi d'une proposition prévu.", "Messagerie, rappelé plus tard dans la journée.", "A posé des questions sur les délais de livraison.", ""},
	},
	"meeting": {
		[]string{"Rendez-vous en agence", "Réunion de présentation", "Visite sur site", "Démonstration produit", "Point trimestriel"},
		[]string{"Présentation de la gamme et des tarifs 2024.\nÀ revoir dans un mois.", "Visite de l'atelier, prise de mesures pour le devis.", "Réunion avec l'équipe achats : retour positif.", ""},
	},
	"email": {
		[]string{"Envoi du devis", "Relance par e-mail", "Réponse à la demande d'information", "Envoi de la documentation", "Confirmation de rendez-vous"},
		[]string{"Devis envoyé, valable 30 jours.", "Documentation et conditions générales envoyées.", "Réponse reçue : souhaite une remise pour une commande groupée.", ""},
	},
	"purchase": {
		[]string{"Commande n° %d", "Achat en boutique", "Renouvellement d'abonnement", "Commande en ligne n° %d"},
		[]string{"Paiement par virement à 30 jours.", "Livraison prévue la semaine prochaine.", "Réglé par carte bancaire.", ""},
	},
	"form_submission": {
		[]string{"Formulaire de contact", "Demande de devis en ligne", "Inscription à l'événement"},
		[]string{"« Bonjour, je souhaiterais recevoir un devis pour 20 unités. Merci ! »", "Message : « Pouvez-vous me rappeler ? »", ""},
	},
}
