package demo

// city is a real city with some of its real postal codes and the area prefix
// of its landlines, in E.164 (digits follow up to the national length).
type city struct {
	name, region string
	codes        []string
	area         string
	areaDigits   int
}

// frCity builds a French city: landlines are "+33" + area + 6 digits.
func frCity(name, region string, area string, codes ...string) city {
	return city{name: name, region: region, codes: codes, area: "+33" + area, areaDigits: 6}
}

// frCities are ordered roughly by population, so Paris comes up most.
var frCities = []city{
	frCity("Paris", "Île-de-France", "142", "75001", "75002", "75003", "75004", "75005", "75006",
		"75007", "75008", "75009", "75010", "75011", "75012", "75013", "75014", "75015", "75016",
		"75017", "75018", "75019", "75020"),
	frCity("Marseille", "Provence-Alpes-Côte d'Azur", "491", "13001", "13002", "13003", "13004",
		"13005", "13006", "13007", "13008", "13009", "13010", "13011", "13012", "13013"),
	frCity("Lyon", "Auvergne-Rhône-Alpes", "472", "69001", "69002", "69003", "69004", "69005",
		"69006", "69007", "69008", "69009"),
	frCity("Toulouse", "Occitanie", "561", "31000", "31100", "31200", "31300", "31400", "31500"),
	frCity("Nice", "Provence-Alpes-Côte d'Azur", "493", "06000", "06100", "06200", "06300"),
	frCity("Nantes", "Pays de la Loire", "240", "44000", "44100", "44200", "44300"),
	frCity("Montpellier", "Occitanie", "467", "34000", "34070", "34080", "34090"),
	frCity("Strasbourg", "Grand Est", "388", "67000", "67100", "67200"),
	frCity("Bordeaux", "Nouvelle-Aquitaine", "556", "33000", "33100", "33200", "33300", "33800"),
	frCity("Lille", "Hauts-de-France", "320", "59000", "59160", "59260", "59800"),
	frCity("Rennes", "Bretagne", "299", "35000", "35200", "35700"),
	frCity("Reims", "Grand Est", "326", "51100"),
	frCity("Toulon", "Provence-Alpes-Côte d'Azur", "494", "83000", "83100", "83200"),
	frCity("Saint-Étienne", "Auvergne-Rhône-Alpes", "477", "42000", "42100"),
	frCity("Le Havre", "Normandie", "235", "76600", "76610", "76620"),
	frCity("Grenoble", "Auvergne-Rhône-Alpes", "476", "38000", "38100"),
	frCity("Dijon", "Bourgogne-Franche-Comté", "380", "21000"),
	frCity("Angers", "Pays de la Loire", "241", "49000", "49100"),
	frCity("Nîmes", "Occitanie", "466", "30000", "30900"),
	frCity("Villeurbanne", "Auvergne-Rhône-Alpes", "478", "69100"),
	frCity("Clermont-Ferrand", "Auvergne-Rhône-Alpes", "473", "63000", "63100"),
	frCity("Le Mans", "Pays de la Loire", "243", "72000", "72100"),
	frCity("Aix-en-Provence", "Provence-Alpes-Côte d'Azur", "442", "13090", "13100"),
	frCity("Brest", "Bretagne", "298", "29200"),
	frCity("Tours", "Centre-Val de Loire", "247", "37000", "37100", "37200"),
	frCity("Amiens", "Hauts-de-France", "322", "80000", "80080", "80090"),
	frCity("Limoges", "Nouvelle-Aquitaine", "555", "87000", "87100", "87280"),
	frCity("Annecy", "Auvergne-Rhône-Alpes", "450", "74000"),
	frCity("Perpignan", "Occitanie", "468", "66000", "66100"),
	frCity("Boulogne-Billancourt", "Île-de-France", "146", "92100"),
	frCity("Metz", "Grand Est", "387", "57000", "57050", "57070"),
	frCity("Besançon", "Bourgogne-Franche-Comté", "381", "25000"),
	frCity("Orléans", "Centre-Val de Loire", "238", "45000", "45100"),
	frCity("Rouen", "Normandie", "235", "76000", "76100"),
	frCity("Mulhouse", "Grand Est", "389", "68100", "68200"),
	frCity("Caen", "Normandie", "231", "14000"),
	frCity("Nancy", "Grand Est", "383", "54000", "54100"),
	frCity("Argenteuil", "Île-de-France", "139", "95100"),
	frCity("Montreuil", "Île-de-France", "148", "93100"),
	frCity("Saint-Denis", "Île-de-France", "149", "93200", "93210"),
	frCity("La Rochelle", "Nouvelle-Aquitaine", "546", "17000"),
	frCity("Pau", "Nouvelle-Aquitaine", "559", "64000"),
	frCity("Bayonne", "Nouvelle-Aquitaine", "559", "64100"),
	frCity("Poitiers", "Nouvelle-Aquitaine", "549", "86000"),
	frCity("Avignon", "Provence-Alpes-Côte d'Azur", "490", "84000"),
	frCity("Versailles", "Île-de-France", "139", "78000"),
	frCity("Ajaccio", "Corse", "495", "20000"),
	frCity("Vannes", "Bretagne", "297", "56000"),
	frCity("Chambéry", "Auvergne-Rhône-Alpes", "479", "73000"),
}

var frStreets = []string{
	"rue de la République", "avenue Jean Jaurès", "boulevard Victor Hugo", "rue Pasteur",
	"place de la Mairie", "rue du Général Leclerc", "allée des Tilleuls", "chemin des Vignes",
	"rue Nationale", "impasse des Lilas", "rue de l'Église", "avenue de la Gare",
	"rue des Écoles", "rue du Moulin", "boulevard Gambetta", "rue Voltaire", "rue Émile Zola",
	"avenue du Maréchal Foch", "quai de la Loire", "rue Saint-Michel", "rue des Frères Lumière",
	"rue de la Paix", "cours Mirabeau", "place du Marché", "rue Jean Moulin",
	"avenue Charles de Gaulle", "rue des Acacias", "route de Lyon", "rue du Château",
	"rue Sainte-Catherine", "rue de Verdun", "rue Anatole France", "rue du Faubourg Saint-Honoré",
}

var frLine2 = []string{
	"Bâtiment B", "Appartement 12", "3e étage", "Résidence Les Érables", "Escalier C",
	"BP 40213", "ZA des Pins", "Parc d'activités du Moulin", "Cedex 9", "Porte 4",
}

// euCountry is a country other than France from which some people and
// organisations come, with its own naming, address and phone conventions.
type euCountry struct {
	code            string
	male, female    []string
	last            []string
	femaleLast      []string // filled at start-up from last
	cities          []city
	streets         []string
	numberSep       string // between street and number: other countries write the number last
	mobilePrefixes  []string
	mobileDigits    []int // digits after each prefix
	companySuffixes []string
}

func init() {
	for i := range euCountries {
		c := &euCountries[i]
		c.femaleLast = feminineLast(c.code, c.last)
	}
}

func euCity(name, area string, digits int, codes ...string) city {
	return city{name: name, codes: codes, area: area, areaDigits: digits}
}

var euCountries = []euCountry{
	{
		code: "BE", male: beMale, female: beFemale, last: beLast, numberSep: " ",
		cities: []city{
			euCity("Bruxelles", "+3225", 6, "1000", "1040", "1050"), euCity("Antwerpen", "+3232", 6, "2000", "2018"),
			euCity("Gent", "+3292", 6, "9000"), euCity("Liège", "+3242", 6, "4000", "4020"),
			euCity("Charleroi", "+3271", 6, "6000"), euCity("Namur", "+3281", 6, "5000"),
			euCity("Brugge", "+3250", 6, "8000"),
		},
		streets:        []string{"Rue Neuve", "Avenue Louise", "Rue de la Loi", "Kerkstraat", "Stationsstraat", "Meir", "Chaussée de Charleroi", "Rue du Marché"},
		mobilePrefixes: []string{"+3247", "+3248", "+3249", "+3246"}, mobileDigits: []int{7, 7, 7, 7},
		companySuffixes: []string{"SRL", "SA", "BV", "NV"},
	},
	{
		code: "DE", male: deMale, female: deFemale, last: deLast, numberSep: " ",
		cities: []city{
			euCity("Berlin", "+4930", 8, "10115", "10117", "10178"), euCity("München", "+4989", 8, "80331", "80333"),
			euCity("Hamburg", "+4940", 8, "20095", "20097"), euCity("Köln", "+49221", 7, "50667", "50668"),
			euCity("Frankfurt am Main", "+4969", 8, "60311", "60313"), euCity("Stuttgart", "+49711", 7, "70173"),
			euCity("Düsseldorf", "+49211", 7, "40213"), euCity("Leipzig", "+49341", 7, "04109"),
		},
		streets:        []string{"Hauptstraße", "Bahnhofstraße", "Schulstraße", "Gartenstraße", "Goethestraße", "Lindenstraße", "Berliner Straße", "Kirchweg"},
		mobilePrefixes: []string{"+49151", "+49152", "+49160", "+49170", "+49171", "+49176"}, mobileDigits: []int{8, 8, 7, 7, 7, 8},
		companySuffixes: []string{"GmbH", "GmbH & Co. KG", "AG", "e.K."},
	},
	{
		code: "ES", male: esMale, female: esFemale, last: esLast, numberSep: ", ",
		cities: []city{
			euCity("Madrid", "+3491", 7, "28001", "28004", "28013"), euCity("Barcelona", "+3493", 7, "08001", "08007", "08008"),
			euCity("Valencia", "+3496", 7, "46001", "46002"), euCity("Sevilla", "+34954", 6, "41001", "41004"),
			euCity("Zaragoza", "+34976", 6, "50001"), euCity("Málaga", "+34952", 6, "29001", "29005"),
			euCity("Bilbao", "+34944", 6, "48001"),
		},
		streets:        []string{"Calle Mayor", "Gran Vía", "Calle de Alcalá", "Avenida de la Constitución", "Calle Real", "Paseo de Gracia", "Plaza de España", "Calle del Sol"},
		mobilePrefixes: []string{"+346"}, mobileDigits: []int{8},
		companySuffixes: []string{"S.L.", "S.A."},
	},
	{
		code: "IT", male: itMale, female: itFemale, last: itLast, numberSep: ", ",
		cities: []city{
			euCity("Roma", "+3906", 8, "00184", "00186", "00193"), euCity("Milano", "+3902", 8, "20121", "20122", "20123"),
			euCity("Napoli", "+39081", 7, "80133", "80134"), euCity("Torino", "+39011", 7, "10121", "10122"),
			euCity("Firenze", "+39055", 7, "50122", "50123"), euCity("Bologna", "+39051", 7, "40121"),
			euCity("Genova", "+39010", 7, "16121"),
		},
		streets:        []string{"Via Roma", "Via Garibaldi", "Corso Vittorio Emanuele II", "Via Dante", "Via Mazzini", "Piazza del Duomo", "Via Cavour", "Via Verdi"},
		mobilePrefixes: []string{"+3932", "+3933", "+3934"}, mobileDigits: []int{8, 8, 8},
		companySuffixes: []string{"S.r.l.", "S.p.A.", "S.n.c."},
	},
	{
		code: "NL", male: nlMale, female: nlFemale, last: nlLast, numberSep: " ",
		cities: []city{
			euCity("Amsterdam", "+3120", 7, "1011", "1012", "1015", "1017"), euCity("Rotterdam", "+3110", 7, "3011", "3012"),
			euCity("Den Haag", "+3170", 7, "2511", "2513"), euCity("Utrecht", "+3130", 7, "3511", "3512"),
			euCity("Eindhoven", "+3140", 7, "5611"), euCity("Groningen", "+3150", 7, "9711", "9712"),
		},
		streets:        []string{"Kerkstraat", "Dorpsstraat", "Stationsweg", "Molenstraat", "Schoolstraat", "Hoofdstraat", "Marktplein", "Prinsengracht"},
		mobilePrefixes: []string{"+3161", "+3162", "+3164", "+3165"}, mobileDigits: []int{7, 7, 7, 7},
		companySuffixes: []string{"B.V.", "V.O.F."},
	},
	{
		code: "PL", male: plMale, female: plFemale, last: plLast, numberSep: " ",
		cities: []city{
			euCity("Warszawa", "+4822", 7, "00-001", "00-950", "02-495"), euCity("Kraków", "+4812", 7, "30-001", "31-042"),
			euCity("Łódź", "+4842", 7, "90-001"), euCity("Wrocław", "+4871", 7, "50-001", "50-077"),
			euCity("Poznań", "+4861", 7, "60-001"), euCity("Gdańsk", "+4858", 7, "80-001", "80-831"),
		},
		streets:         []string{"ul. Marszałkowska", "ul. Piotrkowska", "ul. Długa", "ul. Floriańska", "ul. Mickiewicza", "ul. Kościuszki", "ul. Słowackiego", "ul. Świętojańska"},
		mobilePrefixes:  []string{"+4850", "+4851", "+4853", "+4860", "+4866", "+4872", "+4878", "+4879", "+4888"},
		mobileDigits:    []int{7, 7, 7, 7, 7, 7, 7, 7, 7},
		companySuffixes: []string{"Sp. z o.o.", "S.A."},
	},
}

// frMobilePrefixes are ranges of French mobiles (06 and 07) that
// libphonenumber accepts in full; each takes 7 more digits.
var frMobilePrefixes = []string{
	"+3360", "+3361", "+3362", "+3364", "+3365", "+3366", "+3367", "+3368",
	"+3373", "+3374", "+3375", "+3376", "+3377", "+3378", "+3379",
}

// genericDomains are where private addresses live: example.com, .org, .net
// and the .example top-level domain are reserved for documentation (RFC
// 2606); example.fr and exemple.fr are the usual French placeholders.
var genericDomains = []string{
	"example.fr", "example.com", "exemple.fr", "example.org", "example.net",
	"mail.example", "courriel.example",
}
