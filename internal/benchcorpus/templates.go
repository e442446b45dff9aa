package benchcorpus

// Templates are sentences with slots, in the style of the sources' press
// releases. The Markov model writes most of each body; the templates add
// what a small training set cannot: the named people, places, bodies,
// amounts, dates and case references of a large corpus, in the places where
// press releases put them.
//
// Slots are written {KIND}, with punctuation attached as needed
// ("{PLACE},", "({ORG})", "{PERSON}’s"):
//
//	NUM SMALLNUM AGE YEAR DAY MONTH WEEKDAY DATE AMOUNT CASEID
//	PERSON SURNAME ROLE COUNTRY NAT PLACE AGENCY ORG CODENAME CRIME
//	SRC (the article's own organisation) MARKOV (a generated sentence,
//	without its full stop, as in a quotation)
//
// A leading "P|", "N|" or "D|" restricts a template to police and justice
// sources (Europol, INTERPOL, Eurojust), NATO, or the US Department of
// Defense and Joint Chiefs; "*|" or none to any source.

var sentenceTemplates = []string{
	"P|The investigation was led by {AGENCY} with the support of {SRC}.",
	"P|On {DATE}, officers carried out {NUM} house searches in {PLACE} and {PLACE}.",
	"P|{NUM} suspects were arrested in {COUNTRY}, {COUNTRY} and {COUNTRY}.",
	"P|Investigators seized {AMOUNT} in cash, {NUM} vehicles and several luxury watches.",
	"P|The criminal network is suspected of {CRIME} and {CRIME}.",
	"P|A joint investigation team was set up between {COUNTRY} and {COUNTRY} in {MONTH} {YEAR}, with the support of Eurojust.",
	"P|{SRC} deployed {SMALLNUM} analysts to {PLACE} to cross-check operational information in real time.",
	"P|The main suspect, a {AGE}-year-old {NAT} national, was arrested in {PLACE}.",
	"P|According to {AGENCY}, the network generated at least {AMOUNT} in criminal profits.",
	"P|The case is registered under reference {CASEID}.",
	"P|Further arrests are expected as the investigation continues.",
	"P|{SRC} facilitated the exchange of information and provided analytical support throughout the investigation.",
	"P|The operation was coordinated from {PLACE}, where a command post brought together investigators from {SMALLNUM} countries.",
	"P|{NUM} victims were identified and referred to specialised support services.",
	"P|The action day took place on {DATE} and involved more than {NUM} officers.",
	"P|{AGENCY} and {AGENCY} have worked together on the case since {YEAR}.",
	"P|Those arrested face charges of {CRIME}, {CRIME} and participation in a criminal organisation.",
	"P|The {ORG} platform was used to share intelligence between the participating countries.",
	"P|In {PLACE}, police dismantled an illegal laboratory capable of producing {NUM} kilograms of synthetic drugs per week.",
	"P|The suspects were also linked to the {ORG} network, which has been active in {COUNTRY} since {YEAR}.",
	"P|All suspects are presumed innocent until proven guilty in a court of law.",
	"P|The judicial authorities of {COUNTRY} issued {SMALLNUM} European Arrest Warrants.",
	"P|The suspects used encrypted phones and several layers of shell companies registered in {COUNTRY} to hide their activities.",
	"P|A red notice was issued at the request of {COUNTRY} after the suspect fled to {COUNTRY}.",
	"P|The organised crime group is believed to have smuggled at least {NUM} people across the border near {PLACE}.",
	"P|Case reference {CASEID} concerns {NUM} suspects of {NAT} and {NAT} nationality.",
	"N|NATO Secretary General {PERSON} met with {PERSON}, {ROLE}, at NATO Headquarters on {WEEKDAY} ({DATE}).",
	"N|The Secretary General thanked {COUNTRY} for its contributions to NATO missions and operations.",
	"N|Allies agreed to strengthen deterrence and defence along the eastern flank, including in {COUNTRY}.",
	"N|{NUM} troops from {COUNTRY} take part in the exercise, which runs until {DATE}.",
	"N|The meeting in {PLACE} focused on support for Ukraine, defence spending and the security situation in the Western Balkans.",
	"N|Exercise {CODENAME} brought together {NUM} personnel from {SMALLNUM} Allies and partners.",
	"N|Ministers also discussed cooperation with the European Union and with partners in the Indo-Pacific.",
	"N|{PERSON} underlined the importance of investing at least two percent of GDP in defence.",
	"N|The {ORG} headquarters in {PLACE} will lead the multinational battlegroup from {MONTH} {YEAR}.",
	"D|Secretary of Defense {PERSON} spoke with {NAT} Minister of Defense {PERSON} on {DATE}.",
	"D|The two leaders discussed regional security and the importance of the bilateral defense relationship.",
	"D|The department announced a contract worth {AMOUNT} for the maintenance of {ORG} systems at {PLACE}.",
	"D|Gen. {PERSON}, Chairman of the Joint Chiefs of Staff, hosted his {NAT} counterpart at the Pentagon.",
	"D|The exercise involves about {NUM} service members from the Army, Navy, Air Force and Marine Corps.",
	"D|Work will be performed in {PLACE}, and is expected to be completed by {DATE}.",
	"D|{PERSON}, a department spokesperson, told reporters that the deployment would last about {SMALLNUM} months.",
	"D|The Secretary reaffirmed the commitment of the United States to the security of {COUNTRY}.",
	"The findings were presented at a conference in {PLACE} on {DATE}.",
	"{PERSON} of {AGENCY} told reporters in {PLACE} that more cases were under review.",
	"More information is available from {ORG} and the national contact points.",
	"In {YEAR}, a similar operation led to {NUM} arrests across {SMALLNUM} countries.",
	"Representatives of {ORG}, {ORG} and {SRC} attended the meeting in {PLACE}.",
	"{COUNTRY} and {COUNTRY} signed a memorandum of understanding on {DATE}.",
	"{PERSON}, {ROLE}, said that the results showed what close cooperation can achieve.",
	"“{MARKOV},” said {PERSON}, {ROLE}.",
	"“{MARKOV},” {PERSON} added.",
	"“{MARKOV},” said {PERSON}.",
	"{PERSON} said: “{MARKOV}.”",
	"The delegation from {PLACE} was led by {PERSON}, {ROLE}.",
	"The next meeting is scheduled for {MONTH} {YEAR} in {PLACE}.",
}

var titleTemplates = []string{
	"P|{SMALLNUM} arrested in {COUNTRY} for {CRIME}",
	"P|{CRIME}: {NUM} arrests in coordinated action across {SMALLNUM} countries",
	"P|Criminal network behind {CRIME} dismantled in {COUNTRY}",
	"P|{SRC} supports {COUNTRY} in taking down {CRIME} ring",
	"P|{NUM} suspects arrested in {COUNTRY} and {COUNTRY} in crackdown on {CRIME}",
	"P|Operation {CODENAME}: {NUM} arrests and {AMOUNT} seized",
	"P|{NAT} police arrest {SMALLNUM} suspects linked to {CRIME} in {PLACE}",
	"P|International appeal to identify suspect in {PLACE} {CRIME} case",
	"P|{COUNTRY} joins {SRC} network against {CRIME}",
	"P|Eurojust helps {COUNTRY} and {COUNTRY} bring down {CRIME} network",
	"P|Action day against {CRIME} leads to {NUM} arrests in {SMALLNUM} countries",
	"P|High-value target wanted for {CRIME} arrested in {PLACE}",
	"P|{SRC} and {ORG} sign cooperation agreement to tackle {CRIME}",
	"P|{CRIME}: {SMALLNUM} suspects detained in {PLACE} after {NUM} searches",
	"P|Gang behind {CRIME} taken down in {COUNTRY}",
	"N|NATO Secretary General meets {PERSON} of {COUNTRY}",
	"N|Secretary General praises {COUNTRY} for its contributions to NATO",
	"N|NATO Allies discuss defence spending and support for Ukraine in {PLACE}",
	"N|Visit to NATO by the Minister of Foreign Affairs of {COUNTRY}",
	"N|NATO exercise {CODENAME} begins in {COUNTRY} with {NUM} troops",
	"N|{ORG} Committee meets to review progress on NATO capability targets",
	"N|NATO Deputy Secretary General visits {PLACE} to discuss defence cooperation",
	"D|Readout of Secretary of Defense {PERSON}’s Call With {NAT} Minister of Defense",
	"D|Chairman of the Joint Chiefs of Staff Meets {NAT} Counterpart in {PLACE}",
	"D|Department of Defense Announces {AMOUNT} Security Assistance Package for {COUNTRY}",
	"D|Service members from {SMALLNUM} nations train together near {PLACE}",
	"D|Joint Staff Hosts {NAT} Delegation for Talks on Regional Security",
	"P|{SRC} and {COUNTRY} reinforce cooperation against {CRIME}",
	"D|{NAT} and US Forces Complete Joint Exercise {CODENAME} in {PLACE}",
	"N|NATO and {COUNTRY} Sign Agreement on {ORG} Cooperation in {PLACE}",
	"{PERSON} appointed as new head of {ORG} in {PLACE}",
}

// boilerplate is the closing paragraph some sources put under every press
// release; it is why real corpora have long phrases that are very common.
var boilerplate = map[string][]string{
	"Europol": {
		"Europol supports the law enforcement authorities of the EU Member States in their fight against serious international crime and terrorism.",
		"EMPACT: the European Multidisciplinary Platform Against Criminal Threats tackles the most important threats posed by organised and serious international crime affecting the EU.",
	},
	"Eurojust": {
		"Eurojust is the European Union Agency for Criminal Justice Cooperation, based in The Hague, which helps national authorities to work together against serious cross-border crime.",
	},
	"Interpol (news and events)": {
		"INTERPOL connects the police of its member countries so that they can work together to make the world a safer place.",
	},
	"Interpol (crimes against children)": {
		"Anyone with information about a child at risk should contact their local police or the INTERPOL National Central Bureau in their country.",
	},
}

// datelines open the first paragraph of some sources' releases.
var datelines = map[string][]string{
	"Interpol (news and events)":         {"LYON, France –", "SINGAPORE –", "{UPLACE}, {COUNTRY} –"},
	"Interpol (crimes against children)": {"LYON, France –"},
	"US Department of Defense":           {"WASHINGTON —", "{UPLACE} —"},
	"US Defense Joint Chiefs of Staff":   {"WASHINGTON —"},
}
