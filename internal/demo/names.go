package demo

// Name lists, most frequent first: the generator favours the head of each
// list, so "Martin" is common and "Barthélemy" rare, as in a real file.

var frMale = []string{
	"Jean", "Pierre", "Michel", "Philippe", "Nicolas", "Alain", "Christophe", "Patrick",
	"Stéphane", "Laurent", "Frédéric", "Julien", "Thomas", "Sébastien", "David", "Éric",
	"François", "Olivier", "Daniel", "Pascal", "Thierry", "Vincent", "Bruno", "Jérôme",
	"Maxime", "Antoine", "Alexandre", "Romain", "Guillaume", "Mathieu", "Hugo", "Lucas",
	"Louis", "Gabriel", "Arthur", "Léo", "Raphaël", "Jules", "Théo", "Benoît", "Cédric",
	"Grégoire", "Hervé", "Jean-Pierre", "Jean-Luc", "Jean-François", "Joël", "Gaël", "Loïc",
	"Yannick", "Mehdi", "Karim", "Rachid", "Mamadou", "Kévin", "Anthony", "Quentin",
	"Clément", "Adrien", "Baptiste", "Xavier", "Gérard", "René", "Noël", "Aurélien",
	"Timothée", "Étienne", "Mathéo", "Enzo", "Nathan", "Youssef", "Minh",
}

var frFemale = []string{
	"Marie", "Nathalie", "Isabelle", "Sylvie", "Catherine", "Françoise", "Valérie", "Christine",
	"Sandrine", "Stéphanie", "Céline", "Aurélie", "Julie", "Émilie", "Sophie", "Camille",
	"Laura", "Léa", "Manon", "Chloé", "Emma", "Inès", "Jade", "Louise", "Alice", "Élodie",
	"Hélène", "Anaïs", "Mélanie", "Virginie", "Caroline", "Claire", "Agnès", "Béatrice",
	"Brigitte", "Cécile", "Delphine", "Florence", "Géraldine", "Laëtitia", "Marion", "Maëlle",
	"Margaux", "Océane", "Pauline", "Zoé", "Noémie", "Salomé", "Fatima", "Amina", "Nadia",
	"Sarah", "Anne-Sophie", "Marie-Claire", "Joséphine", "Thérèse", "Gaëlle", "Solène",
	"Mathilde", "Justine", "Linh", "Aïcha",
}

var frLast = []string{
	"Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Dubois", "Moreau",
	"Laurent", "Simon", "Michel", "Lefèvre", "Leroy", "Roux", "David", "Bertrand", "Morel",
	"Fournier", "Girard", "Bonnet", "Dupont", "Lambert", "Fontaine", "Rousseau", "Vincent",
	"Muller", "Lefebvre", "Faure", "André", "Mercier", "Blanc", "Guérin", "Boyer", "Garnier",
	"Chevalier", "François", "Legrand", "Gauthier", "Garcia", "Perrin", "Robin", "Clément",
	"Morin", "Nicolas", "Henry", "Roussel", "Mathieu", "Gautier", "Masson", "Marchand",
	"Duval", "Denis", "Dumont", "Marie", "Lemaire", "Noël", "Meyer", "Dufour", "Meunier",
	"Brun", "Blanchard", "Giraud", "Joly", "Rivière", "Lucas", "Brunet", "Gaillard", "Barbier",
	"Arnaud", "Martinez", "Gérard", "Roche", "Renard", "Schmitt", "Roy", "Leroux", "Colin",
	"Vidal", "Caron", "Picard", "Roger", "Fabre", "Aubert", "Lemoine", "Renaud", "Dumas",
	"Lacroix", "Olivier", "Philippe", "Bourgeois", "Pierre", "Benoît", "Rey", "Leclerc",
	"Payet", "Rolland", "Leclercq", "Guillaume", "Lecomte", "Lopez", "Dupuy", "Guillot",
	"Hubert", "Berger", "Carpentier", "Sanchez", "Dupuis", "Moulin", "Deschamps", "Huet",
	"Vasseur", "Perez", "Boucher", "Fleury", "Royer", "Klein", "Jacquet", "Adam", "Poirier",
	"Marty", "Aubry", "Guyot", "Carré", "Charles", "Renault", "Charpentier", "Ménard",
	"Maillard", "Baron", "Bertin", "Bailly", "Hervé", "Schneider", "Fernandez", "Le Gall",
	"Collet", "Léger", "Bouvier", "Julien", "Prévost", "Millet", "Perrot", "Le Roux", "Cousin",
	"Germain", "Breton", "Besson", "Langlois", "Rémy", "Le Goff", "Pelletier", "Lévêque",
	"Perrier", "Leblanc", "Barré", "Lebrun", "Marchal", "Weber", "Mallet", "Hamon", "Boulanger",
	"Jacob", "Monnier", "Michaud", "Rodriguez", "Guichard", "Gillet", "Étienne", "Grondin",
	"Poulain", "Tessier", "Chevallier", "Collin", "Chauvin", "Da Silva", "Bouchet", "Lemaître",
	"Bénard", "Maréchal", "Humbert", "Reynaud", "Antoine", "Hoarau", "Perret", "Barthélemy",
	"Cordier", "Pichon", "Lejeune", "Gilbert", "Lamy", "Delaunay", "Pasquier", "Carlier",
	"Laporte", "Nguyen", "Tran", "Diallo", "Traoré", "Benali", "Haddad", "Cohen", "Dos Santos",
	"Ferreira", "Pereira", "Kaci", "Mansouri", "N'Diaye", "Camara", "Lê", "Pham", "Coste",
	"Texier", "Lagarde", "Béranger", "Crétin", "Desforêts", "Lefèbvre",
}

var deMale = []string{
	"Lukas", "Jonas", "Felix", "Maximilian", "Leon", "Paul", "Jürgen", "Klaus", "Stefan",
	"Andreas", "Michael", "Thomas", "Matthias", "Jörg", "Uwe", "Sven", "Tobias", "Florian",
}

var deFemale = []string{
	"Anna", "Lena", "Sophie", "Marie", "Hannah", "Laura", "Julia", "Sabine", "Petra", "Claudia",
	"Ursula", "Jana", "Katrin", "Birgit", "Anja", "Sarah", "Lea", "Greta",
}

var deLast = []string{
	"Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz",
	"Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann",
	"Schwarz", "Zimmermann", "Braun", "Krüger", "Hofmann", "Hartmann", "Lange", "Schmitt",
	"Werner", "Krause", "Meier", "Lehmann", "Weiß", "Groß", "Köhler", "Böhm",
}

var esMale = []string{
	"Antonio", "José", "Manuel", "Francisco", "David", "Javier", "Daniel", "Carlos", "Jesús",
	"Alejandro", "Miguel", "Rafael", "Pablo", "Sergio", "Álvaro", "Íñigo",
}

var esFemale = []string{
	"María", "Carmen", "Ana", "Isabel", "Laura", "Cristina", "Lucía", "Marta", "Elena", "Paula",
	"Sofía", "Pilar", "Raquel", "Nuria", "Inés", "Begoña",
}

var esLast = []string{
	"García", "Rodríguez", "González", "Fernández", "López", "Martínez", "Sánchez", "Pérez",
	"Gómez", "Martín", "Jiménez", "Ruiz", "Hernández", "Díaz", "Moreno", "Muñoz", "Álvarez",
	"Romero", "Alonso", "Gutiérrez", "Navarro", "Torres", "Domínguez", "Vázquez", "Ramos",
	"Gil", "Ramírez", "Serrano", "Blanco", "Molina", "Castillo", "Ortega", "Núñez", "Iglesias",
}

var itMale = []string{
	"Marco", "Alessandro", "Giuseppe", "Francesco", "Andrea", "Luca", "Giovanni", "Roberto",
	"Stefano", "Matteo", "Lorenzo", "Davide", "Nicolò", "Simone", "Riccardo", "Niccolò",
}

var itFemale = []string{
	"Giulia", "Francesca", "Chiara", "Sara", "Valentina", "Alessia", "Martina", "Federica",
	"Elisa", "Silvia", "Giorgia", "Paola", "Alice", "Beatrice", "Ilaria", "Benedetta",
}

var itLast = []string{
	"Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino",
	"Greco", "Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Costa", "Giordano", "Rizzo",
	"Lombardi", "Moretti", "Barbieri", "Fontana", "Santoro", "Mariani", "Rinaldi", "Caruso",
	"Ferrara", "Galli", "Martini", "Leone", "Longo", "Gentile", "D'Angelo", "Marchetti",
}

var beMale = []string{
	"Jan", "Pieter", "Bart", "Koen", "Wouter", "Thomas", "Lucas", "Arthur", "Louis", "Noah",
	"Dries", "Jens", "Olivier", "Benoît", "Maxime", "Cédric",
}

var beFemale = []string{
	"Els", "An", "Griet", "Sofie", "Lotte", "Marie", "Emma", "Louise", "Hanne", "Ine", "Elise",
	"Charlotte", "Chloé", "Aurélie", "Amélie", "Laure",
}

var beLast = []string{
	"Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens",
	"Wouters", "De Smet", "Dubois", "Lambert", "Dupont", "Martin", "Simon", "Van den Bossche",
	"Vermeulen", "Desmet", "Michiels", "Hermans", "Declercq", "Leclercq", "Dumont", "Lejeune",
	"Renard", "Van Damme", "Claessens", "Lemaître",
}

var nlMale = []string{
	"Daan", "Sem", "Lucas", "Levi", "Finn", "Milan", "Bram", "Jeroen", "Sander", "Ruben",
	"Thijs", "Joost", "Maarten", "Pieter", "Niels", "Kees",
}

var nlFemale = []string{
	"Emma", "Julia", "Tess", "Sophie", "Anna", "Fleur", "Lieke", "Sanne", "Anouk", "Femke",
	"Inge", "Marieke", "Eva", "Iris", "Noor", "Chloë",
}

var nlLast = []string{
	"de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser",
	"Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks",
	"van Leeuwen", "Dekker", "Brouwer", "de Wit", "Dijkstra", "Smits", "de Graaf", "van der Meer",
}

var plMale = []string{
	"Piotr", "Krzysztof", "Andrzej", "Tomasz", "Paweł", "Michał", "Marcin", "Jakub", "Łukasz",
	"Kamil", "Mateusz", "Wojciech", "Adam", "Marek", "Grzegorz", "Bartłomiej",
}

var plFemale = []string{
	"Anna", "Katarzyna", "Małgorzata", "Agnieszka", "Barbara", "Ewa", "Magdalena", "Joanna",
	"Aleksandra", "Monika", "Zofia", "Natalia", "Julia", "Maja", "Beata", "Bożena",
}

// plLast holds the masculine forms; feminine forms of -ski/-cki names end
// in -ska/-cka (see femininePolish).
var plLast = []string{
	"Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński", "Lewandowski",
	"Zieliński", "Szymański", "Woźniak", "Dąbrowski", "Kozłowski", "Jankowski", "Mazur",
	"Wojciechowski", "Kwiatkowski", "Krawczyk", "Kaczmarek", "Piotrowski", "Grabowski",
	"Zaleski", "Sadowski", "Jabłoński", "Wróbel",
}
