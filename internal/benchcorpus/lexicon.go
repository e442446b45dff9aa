package benchcorpus

// The word lists below are the head of each long-tail distribution: the
// names, places and bodies that a real corpus of these sources mentions
// most. Past the end of a list, the generators in names.go make up further
// entries (see longTail), so that the vocabulary keeps growing with the
// corpus as a real one does. Everything here is written for this package;
// none of it is copied from the training texts.

var firstNames = []string{
	"Jens", "Mark", "Lloyd", "Catherine", "Jürgen", "Maria", "John", "Anna", "Peter", "Michael",
	"David", "Elena", "Thomas", "Sofia", "Andreas", "Laura", "Pedro", "Ana", "José", "Luis",
	"François", "Marie", "Pierre", "Isabelle", "Giovanni", "Francesca", "Marco", "Giulia", "Hans", "Ursula",
	"Klaus", "Petra", "Jan", "Eva", "Piotr", "Katarzyna", "Łukasz", "Agnieszka", "Tomasz", "Małgorzata",
	"Ivan", "Olena", "Andriy", "Iryna", "Dmytro", "Natalia", "Mehmet", "Ayşe", "Mustafa", "Zeynep",
	"Metin", "Çağla", "Ahmed", "Fatima", "Mohamed", "Amina", "Kwame", "Ngozi", "Isaac", "Chiamaka",
	"Carlos", "Lucía", "Javier", "Carmen", "Diego", "Valentina", "João", "Inês", "Gonçalo", "Beatriz",
	"Lars", "Ingrid", "Søren", "Astrid", "Mikael", "Åsa", "Jukka", "Päivi", "Sigurður", "Guðrún",
	"Nikos", "Eleni", "Giorgos", "Dimitra", "Ștefan", "Ioana", "Mihai", "Andreea", "Tibor", "Dóra",
	"Zoltán", "Réka", "Vjosa", "Edi", "Aleksandar", "Jelena", "Miloš", "Ivana", "Goran", "Mirjana",
	"Andrej", "Mojca", "Tomáš", "Lucie", "Jiří", "Zuzana", "Ondřej", "Vilma", "Gintautas", "Ieva",
	"Kārlis", "Līga", "Toomas", "Kadri", "James", "Sarah", "Robert", "Emily", "William", "Jennifer",
	"Christopher", "Jessica", "Daniel", "Ashley", "Matthew", "Amanda", "Anthony", "Melissa", "Joseph", "Michelle",
	"Patrick", "Siobhán", "Seán", "Aoife", "Ciarán", "Niamh", "Rajesh", "Priya", "Arjun", "Ananya",
	"Wei", "Li", "Hiroshi", "Yuki", "Min-jun", "Seo-yeon", "Nguyen", "Thi", "Somchai", "Siriporn",
	"Rafael", "Camila", "Mateus", "Larissa", "Sebastián", "Martina", "Julián", "Renée", "Chloé", "Zoë",
	"Hélène", "Jérôme", "Benoît", "Noémie", "Raphaël", "Mathéo", "Björn", "Göran", "Jörg", "Günther",
	"Dörte", "Bärbel", "Jozef", "Mária", "Ľubomír", "Daša", "Arvydas", "Rūta", "Aigars", "Inese",
	"Kolinda", "Zoran", "Dragana", "Hakan", "Emine", "Oğuz", "Gülşen", "Yusuf", "Leila", "Omar",
	"Samir", "Nadia", "Karim", "Yasmina", "Tariq", "Salma", "Bogdan", "Oksana", "Taras", "Halyna",
}

var surnames = []string{
	"Stoltenberg", "Rutte", "Austin", "Milley", "Brown", "Stock", "Müller", "Schmidt", "Schneider", "Fischer",
	"Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann", "Koch", "Richter", "Klein", "Wolf",
	"García", "Martínez", "López", "González", "Rodríguez", "Fernández", "Sánchez", "Pérez", "Gómez", "Díaz",
	"Silva", "Santos", "Ferreira", "Pereira", "Oliveira", "Costa", "Rodrigues", "Gonçalves", "Magalhães", "Araújo",
	"Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco",
	"Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Lefèvre", "Moreau",
	"Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński", "Lewandowski", "Zieliński", "Szymański", "Woźniak",
	"Jansen", "de Vries", "van den Berg", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Graaf",
	"Johansson", "Andersson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson", "Svensson", "Gustafsson",
	"Hansen", "Jørgensen", "Nielsen", "Pedersen", "Kristiansen", "Sørensen", "Virtanen", "Korhonen", "Mäkinen", "Nieminen",
	"Papadopoulos", "Georgiou", "Nikolaidis", "Oikonomou", "Popescu", "Ionescu", "Dumitru", "Stan", "Stoica", "Gheorghiu",
	"Nagy", "Kovács", "Tóth", "Szabó", "Horváth", "Varga", "Novák", "Svoboda", "Dvořák", "Černý",
	"Horvat", "Kovačević", "Babić", "Marić", "Jurić", "Petrović", "Jovanović", "Nikolić", "Đorđević", "Stojanović",
	"Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Öztürk", "Aydın", "Gürak", "Arslan",
	"Kazlauskas", "Jankauskas", "Bērziņš", "Kalniņš", "Tamm", "Saar", "Sepp", "Mägi", "Murphy", "Kelly",
	"O’Sullivan", "Walsh", "O’Brien", "Byrne", "Ryan", "O’Connor", "Smith", "Johnson", "Williams", "Jones",
	"Miller", "Davis", "Wilson", "Anderson", "Taylor", "Moore", "Jackson", "White", "Harris", "Clark",
	"Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott", "Hill", "Green",
	"Shevchenko", "Kovalenko", "Bondarenko", "Tkachenko", "Melnyk", "Ivanova", "Petrenko", "Oginni", "Okafor", "Adeyemi",
	"Mensah", "Owusu", "Diallo", "Traoré", "Ndiaye", "Kamara", "Haddad", "Khalil", "Mansour", "Benali",
	"Sharma", "Patel", "Singh", "Kumar", "Gupta", "Wang", "Zhang", "Liu", "Chen", "Tanaka",
	"Suzuki", "Kim", "Park", "Lee", "Nguyen", "Tran", "Pham", "Hernández", "Ramírez", "Flores",
	"Osmani", "Kurti", "Hoxha", "Berisha", "Kristersson", "Grabar-Kitarović", "Fico", "Babiš", "Nausėda", "Karis",
}

// countries are the countries a slot may name, most mentioned first;
// nationalities are the adjectives of some of them. Training words that
// name a country (from this list) become a country slot, so that the small
// training set does not pin the corpus to the handful of countries it
// happens to mention.
var countries = []string{
	"Ukraine", "Germany", "France", "Spain", "Italy", "the Netherlands", "Belgium", "Poland", "Romania", "Portugal",
	"the United States", "the United Kingdom", "Türkiye", "Greece", "Sweden", "Finland", "Norway", "Denmark", "Austria", "Czechia",
	"Hungary", "Bulgaria", "Croatia", "Slovenia", "Slovakia", "Lithuania", "Latvia", "Estonia", "Ireland", "Luxembourg",
	"Albania", "North Macedonia", "Montenegro", "Serbia", "Bosnia and Herzegovina", "Kosovo", "Moldova", "Georgia", "Iceland", "Switzerland",
	"Canada", "Colombia", "Brazil", "Argentina", "Mexico", "Peru", "Ecuador", "Chile", "Paraguay", "Bolivia",
	"Nigeria", "Ghana", "Côte d’Ivoire", "Senegal", "Kenya", "South Africa", "Morocco", "Tunisia", "Egypt", "Cameroon",
	"Benin", "Togo", "Sierra Leone", "Liberia", "Zambia", "Tanzania", "Uganda", "Ethiopia", "Mozambique", "Angola",
	"India", "Pakistan", "Bangladesh", "Thailand", "Viet Nam", "Indonesia", "the Philippines", "Malaysia", "Singapore", "Japan",
	"the Republic of Korea", "China", "Australia", "New Zealand", "Jordan", "Iraq", "Syria", "Lebanon", "Israel", "Qatar",
	"the United Arab Emirates", "Saudi Arabia", "Kuwait", "Kazakhstan", "Uzbekistan", "Armenia", "Azerbaijan", "Afghanistan", "Iran", "Cyprus",
	"Malta", "São Tomé and Príncipe", "Curaçao", "Panama", "Costa Rica", "Guatemala", "Honduras", "El Salvador", "the Dominican Republic", "Venezuela",
}

var nationalities = []string{
	"German", "French", "Spanish", "Italian", "Dutch", "Belgian", "Polish", "Romanian", "Portuguese", "American",
	"British", "Turkish", "Greek", "Swedish", "Finnish", "Norwegian", "Danish", "Austrian", "Czech", "Hungarian",
	"Bulgarian", "Croatian", "Slovenian", "Slovak", "Lithuanian", "Latvian", "Estonian", "Irish", "Albanian", "Serbian",
	"Ukrainian", "Canadian", "Colombian", "Brazilian", "Mexican", "Nigerian", "Ghanaian", "Moroccan", "Indian", "Pakistani",
	"Thai", "Vietnamese", "Indonesian", "Australian", "Japanese", "Korean", "Chinese", "Syrian", "Iraqi", "Jordanian",
	"Georgian", "Moldovan", "Swiss", "Icelandic", "Cypriot", "Maltese", "Luxembourgish", "Montenegrin", "Kosovar", "Ecuadorian",
}

var cities = []string{
	"The Hague", "Brussels", "Lyon", "Washington", "Madrid", "Lisbon", "Rome", "Paris", "Berlin", "Warsaw",
	"Bucharest", "Athens", "Vienna", "Prague", "Budapest", "Sofia", "Zagreb", "Ljubljana", "Bratislava", "Vilnius",
	"Riga", "Tallinn", "Dublin", "Amsterdam", "Rotterdam", "Antwerp", "Hamburg", "Munich", "Frankfurt", "Cologne",
	"Düsseldorf", "Zürich", "Genève", "Marseille", "Toulouse", "Nice", "Bordeaux", "Besançon", "Barcelona", "Valencia",
	"Sevilla", "Málaga", "Córdoba", "Bilbao", "Porto", "Coimbra", "Faro", "Milan", "Naples", "Turin",
	"Palermo", "Bari", "Kraków", "Łódź", "Gdańsk", "Wrocław", "Poznań", "Timișoara", "Cluj-Napoca", "Iași",
	"Thessaloniki", "Piraeus", "Plovdiv", "Varna", "Split", "Rijeka", "Brno", "Ostrava", "Košice", "Debrecen",
	"Szeged", "Kaunas", "Tartu", "Cork", "Limerick", "Malmö", "Göteborg", "Stockholm", "Uppsala", "Oslo",
	"Bergen", "Copenhagen", "Aarhus", "Helsinki", "Tampere", "Reykjavík", "Kyiv", "Lviv", "Odesa", "Kharkiv",
	"Chișinău", "Tbilisi", "Yerevan", "Baku", "Istanbul", "Ankara", "İzmir", "Nicosia", "Valletta", "Tirana",
	"Skopje", "Podgorica", "Belgrade", "Novi Sad", "Sarajevo", "Pristina", "Mitrovica", "Luxembourg", "Strasbourg", "Norfolk",
	"Brunssum", "Naples", "Mons", "Stuttgart", "Ramstein", "Fort Bragg", "Fort Liberty", "San Diego", "Honolulu", "Tampa",
	"Bogotá", "Medellín", "Cali", "São Paulo", "Rio de Janeiro", "Brasília", "Buenos Aires", "Lima", "Quito", "Guayaquil",
	"Santiago", "Asunción", "La Paz", "Mexico City", "Guadalajara", "Panama City", "San José", "Lagos", "Abuja", "Accra",
	"Dakar", "Abidjan", "Lomé", "Cotonou", "Nairobi", "Mombasa", "Johannesburg", "Cape Town", "Casablanca", "Rabat",
	"Tunis", "Cairo", "Dar es Salaam", "Kampala", "Addis Ababa", "Luanda", "Maputo", "New Delhi", "Mumbai", "Karachi",
	"Dhaka", "Bangkok", "Hanoi", "Ho Chi Minh City", "Jakarta", "Manila", "Kuala Lumpur", "Singapore", "Tokyo", "Seoul",
	"Beijing", "Shanghai", "Sydney", "Canberra", "Wellington", "Amman", "Baghdad", "Beirut", "Doha", "Dubai",
	"Abu Dhabi", "Riyadh", "Astana", "Tashkent", "Kabul", "Ottawa", "Toronto", "Montréal", "New York", "Miami",
}

// orgs are acronyms of bodies, programmes and platforms.
var orgs = []string{
	"EMPACT", "EC3", "J-CAT", "EPPO", "OLAF", "Frontex", "UNODC", "IFCACC", "SIRENE", "ECTC",
	"EMSC", "CEPOL", "ENISA", "FIU", "SIENA", "KFOR", "SHAPE", "ACO", "ACT", "NSPA",
	"NCIA", "JFC", "MARCOM", "AIRCOM", "LANDCOM", "FBI", "DEA", "HSI", "NCA", "BKA",
	"OCRTIS", "UCO", "DCCP", "PJ", "DIA", "NSA", "DTRA", "DLA", "USEUCOM", "USAFRICOM",
	"USCENTCOM", "INDOPACOM", "SOCOM", "MAOC-N", "CARIN", "EUCPN", "ISF", "AFRIPOL", "AMERIPOL", "ASEANAPOL",
	"GCCPOL", "WCO", "FATF", "UNICEF", "OSCE", "EUMS", "EULEX", "EUFOR", "NATO-Ukraine Council", "ICSE",
}

// codenames name operations and exercises ("Operation {CODENAME}").
var codenames = []string{
	"Pangea", "Trivium", "Lionfish", "Sentinel", "Orca", "Talon", "Emerald", "Trident", "Falcon", "Atlas",
	"Hydra", "Cronos", "Neptune", "Aurora", "Phoenix", "Cyclone", "Vulcan", "Tempest", "Boreas", "Zephyr",
	"Marlin", "Barracuda", "Osprey", "Harrier", "Condor", "Viper", "Cobra", "Mamba", "Python", "Scorpion",
	"Ironclad", "Bluefin", "Silverback", "Nightfall", "Daybreak", "Thunder", "Lightning", "Eclipse", "Solstice", "Equinox",
	"Steadfast Defender", "Trident Juncture", "Cold Response", "Dynamic Mongoose", "Ramstein Flag", "Baltops", "Sea Breeze", "Swift Response", "Brilliant Jump", "Noble Jump",
	"Narsil", "Haechi", "Serpent", "Limelight", "Stop", "Weka", "Storm Makers", "First Light", "Blackwrist", "Endgame",
	"Shamrock", "Olympus", "Dragon", "Griffin", "Chimera", "Basilisk", "Pegasus", "Centaur", "Minotaur", "Cerberus",
	"Argo", "Odyssey", "Ithaca", "Delphi", "Sparta", "Troy", "Rubicon", "Carthage", "Tarragona", "Amberjack",
}

// crimes are offences as press releases name them (lower case, so they fit
// mid-sentence; a title or sentence start capitalises them).
var crimes = []string{
	"drug trafficking", "cocaine trafficking", "migrant smuggling", "trafficking in human beings", "firearms trafficking",
	"online fraud", "investment fraud", "VAT fraud", "excise fraud", "payment card fraud",
	"CEO fraud", "ransomware attacks", "phishing", "child sexual exploitation", "online child sexual abuse",
	"corruption", "extortion", "armed robbery", "cigarette smuggling", "counterfeit medicines",
	"environmental crime", "waste trafficking", "wildlife trafficking", "forestry crime", "cultural goods trafficking",
	"terrorist financing", "cybercrime", "fuel fraud", "document fraud", "organised property crime",
	"ATM attacks", "romance scams", "telephone scams", "synthetic drug production", "cannabis cultivation",
	"illegal gambling", "match-fixing", "intellectual property crime", "counterfeit wine", "food fraud",
}

// agencies are national and international bodies, as templates: {NAT} is
// a nationality, {PLACE} a city.
var agencies = []string{
	"the {NAT} National Police", "the {NAT} Criminal Police", "the {NAT} Border Guard", "the {NAT} Customs Service",
	"the {NAT} Financial Intelligence Unit", "the {NAT} Tax Administration", "the {NAT} Gendarmerie", "the {NAT} Cybercrime Unit",
	"the {NAT} Prosecutor’s Office", "the {NAT} Ministry of the Interior", "the {NAT} Ministry of Defence", "the {NAT} Coast Guard",
	"the Public Prosecutor’s Office of {PLACE}", "the police of {PLACE}", "the investigating judge in {PLACE}", "the Regional Police of {PLACE}",
	"the {NAT} Anti-Corruption Bureau", "the {NAT} Organised Crime Unit", "the {NAT} Military Police", "the {NAT} Armed Forces",
	"{ORG}", "the {ORG} task force", "the {ORG} secretariat", "the {NAT} Guardia",
}

// roles follow a person's name.
var roles = []string{
	"Executive Director of Europol", "President of Eurojust", "INTERPOL Secretary General", "NATO Deputy Secretary General",
	"Head of the {NAT} Cybercrime Unit", "Director of Operations at {ORG}", "National Member for {COUNTRY} at Eurojust",
	"Chief Prosecutor of {PLACE}", "Minister of the Interior of {COUNTRY}", "Minister of Defence of {COUNTRY}", "spokesperson for {ORG}",
	"Deputy Head of the National Central Bureau in {PLACE}", "Director of the {NAT} Criminal Police", "commander of {ORG}",
	"Chief of the General Staff of {COUNTRY}", "Ambassador of {COUNTRY} to NATO", "head of the investigation", "lead investigator in {PLACE}",
	"Director of {ORG}", "Assistant Secretary General for Operations", "Chair of the {ORG} Committee", "senior analyst at {ORG}",
}

var headings = []string{
	"Background", "Results", "Results at a glance", "Next steps", "International cooperation", "About the operation",
	"Key figures", "Further information", "The investigation", "Arrests and seizures", "Support provided", "Context",
	"How the network operated", "Victims", "The action day", "Cooperation with partners", "Outcome", "What happens next",
	"Facts and figures", "Operational support", "Judicial cooperation", "Training and capacity building",
}

// listItems are the bullet points of a "results" list.
var listItems = []string{
	"{NUM} arrests", "{NUM} house searches", "{AMOUNT} seized or frozen", "{NUM} suspects identified", "{NUM} bank accounts blocked",
	"{NUM} vehicles seized", "{NUM} firearms and {NUM} rounds of ammunition seized", "{NUM} kg of cocaine seized", "{NUM} victims identified",
	"{NUM} mobile phones and {NUM} laptops seized", "{AMOUNT} in cash", "{SMALLNUM} illegal laboratories dismantled", "{NUM} websites taken down",
	"{NUM} servers seized in {COUNTRY} and {COUNTRY}", "{NUM} European Arrest Warrants issued", "Support for investigators in {PLACE} and {PLACE}",
	"{NUM} officers deployed", "{NUM} properties searched in {PLACE}", "{NUM} luxury vehicles seized", "{NUM} tonnes of illicit waste intercepted",
}
