"""Word lists and text templates for the demo history (pure Python, no ``import odoo``).

The texts are data written in the prospect's language (fr_FR, en_US, de_DE), not user
interface strings: they are not translated through the .po files.
"""

import re
import unicodedata

# country -> (phone prefix, e-mail/web top-level domain, legal forms, cities as (city, zip, area code))
COUNTRY_DATA = {
    "FR": (
        "+33",
        "fr",
        ("SARL", "SAS", "SA", "EURL"),
        (
            ("Lyon", "69003", "4 78"),
            ("Villeurbanne", "69100", "4 72"),
            ("Paris", "75011", "1 43"),
            ("Paris", "75008", "1 42"),
            ("Marseille", "13002", "4 91"),
            ("Grenoble", "38000", "4 76"),
            ("Saint-Étienne", "42000", "4 77"),
            ("Annecy", "74000", "4 50"),
            ("Dijon", "21000", "3 80"),
            ("Clermont-Ferrand", "63000", "4 73"),
            ("Bordeaux", "33000", "5 56"),
            ("Toulouse", "31000", "5 61"),
            ("Lille", "59000", "3 20"),
            ("Nantes", "44000", "2 40"),
            ("Montpellier", "34000", "4 67"),
            ("Valence", "26000", "4 75"),
            ("Chambéry", "73000", "4 79"),
            ("Strasbourg", "67000", "3 88"),
        ),
    ),
    "BE": (
        "+32",
        "be",
        ("SRL", "SA", "SPRL"),
        (
            ("Bruxelles", "1000", "2"),
            ("Liège", "4000", "4"),
            ("Namur", "5000", "81"),
            ("Charleroi", "6000", "71"),
            ("Mons", "7000", "65"),
            ("Gent", "9000", "9"),
            ("Antwerpen", "2000", "3"),
        ),
    ),
    "CH": (
        "+41",
        "ch",
        ("SA", "AG", "Sàrl", "GmbH"),
        (
            ("Genève", "1201", "22"),
            ("Lausanne", "1003", "21"),
            ("Zürich", "8001", "44"),
            ("Bern", "3011", "31"),
            ("Basel", "4051", "61"),
            ("Fribourg", "1700", "26"),
            ("Neuchâtel", "2000", "32"),
        ),
    ),
    "DE": (
        "+49",
        "de",
        ("GmbH", "AG", "KG", "GmbH & Co. KG"),
        (
            ("München", "80331", "89"),
            ("Stuttgart", "70173", "711"),
            ("Frankfurt am Main", "60311", "69"),
            ("Köln", "50667", "221"),
            ("Berlin", "10115", "30"),
            ("Freiburg im Breisgau", "79098", "761"),
            ("Karlsruhe", "76133", "721"),
            ("Hamburg", "20095", "40"),
        ),
    ),
    "ES": (
        "+34",
        "es",
        ("S.L.", "S.A."),
        (
            ("Barcelona", "08001", "93"),
            ("Madrid", "28001", "91"),
            ("Valencia", "46001", "96"),
            ("Zaragoza", "50001", "976"),
            ("Bilbao", "48001", "94"),
            ("Sevilla", "41001", "95"),
        ),
    ),
    "GB": (
        "+44",
        "co.uk",
        ("Ltd", "LLP", "plc"),
        (
            ("London", "EC1V 9HX", "20"),
            ("Manchester", "M1 1AE", "161"),
            ("Bristol", "BS1 4DJ", "117"),
            ("Leeds", "LS1 4AP", "113"),
            ("Edinburgh", "EH1 1YZ", "131"),
            ("Birmingham", "B1 1BB", "121"),
        ),
    ),
    "US": (
        "+1",
        "com",
        ("Inc.", "LLC", "Corp."),
        (
            ("New York", "10001", "212"),
            ("Boston", "02108", "617"),
            ("Philadelphia", "19103", "215"),
            ("Atlanta", "30303", "404"),
            ("Miami", "33131", "305"),
            ("Chicago", "60601", "312"),
            ("Dallas", "75201", "214"),
            ("Minneapolis", "55401", "612"),
        ),
    ),
}

# Cities whose clocks are on America/Chicago rather than America/New_York.
US_CENTRAL_CITIES = {"Chicago", "Dallas", "Minneapolis"}

SURNAMES = {
    "FR": (
        "Martin",
        "Bernard",
        "Dubois",
        "Thomas",
        "Robert",
        "Richard",
        "Petit",
        "Durand",
        "Leroy",
        "Moreau",
        "Simon",
        "Laurent",
        "Lefebvre",
        "Michel",
        "Garcia",
        "David",
        "Bertrand",
        "Roux",
        "Vincent",
        "Fournier",
        "Morel",
        "Girard",
        "André",
        "Mercier",
        "Dupont",
        "Lambert",
        "Bonnet",
        "François",
        "Martinez",
        "Legrand",
        "Garnier",
        "Faure",
        "Rousseau",
        "Blanc",
        "Guérin",
        "Muller",
        "Henry",
        "Roussel",
        "Nicolas",
        "Perrin",
        "Morin",
        "Mathieu",
        "Clément",
        "Gauthier",
        "Dumont",
        "Lopez",
        "Fontaine",
        "Chevalier",
        "Robin",
        "Masson",
    ),
    "BE": (
        "Peeters",
        "Janssens",
        "Maes",
        "Jacobs",
        "Mertens",
        "Willems",
        "Claes",
        "Goossens",
        "Wouters",
        "Dubois",
        "Lambert",
        "Dupont",
        "Martin",
        "Simon",
        "Leclercq",
        "Lejeune",
        "Renard",
        "Lemaire",
    ),
    "CH": (
        "Müller",
        "Meier",
        "Schmid",
        "Keller",
        "Weber",
        "Huber",
        "Schneider",
        "Meyer",
        "Steiner",
        "Fischer",
        "Favre",
        "Rochat",
        "Perret",
        "Bonvin",
        "Jaquet",
        "Baumann",
    ),
    "DE": (
        "Müller",
        "Schmidt",
        "Schneider",
        "Fischer",
        "Weber",
        "Meyer",
        "Wagner",
        "Becker",
        "Schulz",
        "Hoffmann",
        "Schäfer",
        "Koch",
        "Bauer",
        "Richter",
        "Klein",
        "Wolf",
        "Schröder",
        "Neumann",
    ),
    "ES": (
        "García",
        "Fernández",
        "González",
        "Rodríguez",
        "López",
        "Martínez",
        "Sánchez",
        "Pérez",
        "Gómez",
        "Martín",
        "Jiménez",
        "Ruiz",
        "Hernández",
        "Díaz",
        "Moreno",
        "Álvarez",
    ),
    "GB": (
        "Smith",
        "Jones",
        "Taylor",
        "Brown",
        "Williams",
        "Wilson",
        "Johnson",
        "Davies",
        "Robinson",
        "Wright",
        "Thompson",
        "Evans",
        "Walker",
        "White",
        "Roberts",
        "Green",
        "Hall",
        "Wood",
    ),
    "US": (
        "Smith",
        "Johnson",
        "Williams",
        "Brown",
        "Jones",
        "Miller",
        "Davis",
        "Wilson",
        "Anderson",
        "Taylor",
        "Moore",
        "Jackson",
        "Martin",
        "Lee",
        "Thompson",
        "Harris",
        "Clark",
        "Lewis",
    ),
}

FIRST_NAMES = {
    "fr_FR": (
        "Claire",
        "Nicolas",
        "Isabelle",
        "Laurent",
        "Nathalie",
        "Pierre",
        "Sandrine",
        "Olivier",
        "Céline",
        "Éric",
        "Valérie",
        "Stéphane",
        "Aurélie",
        "Mathieu",
        "Émilie",
        "Guillaume",
        "Hélène",
        "Antoine",
        "Chloé",
        "Vincent",
    ),
    "en_US": (
        "Emma",
        "James",
        "Olivia",
        "William",
        "Sophie",
        "Daniel",
        "Grace",
        "Michael",
        "Hannah",
        "David",
        "Laura",
        "Thomas",
        "Charlotte",
        "Andrew",
        "Rachel",
        "Mark",
        "Lucía",
        "Javier",
        "Elena",
        "Carlos",
    ),
    "de_DE": (
        "Anna",
        "Lukas",
        "Julia",
        "Jonas",
        "Katharina",
        "Felix",
        "Laura",
        "Maximilian",
        "Lena",
        "Stefan",
        "Sabine",
        "Michael",
        "Claudia",
        "Thomas",
        "Petra",
        "Andreas",
        "Monika",
        "Markus",
        "Nina",
        "Tobias",
    ),
}

# Sector -> business name patterns per language ({s} = surname, {c} = city)
BUSINESS_PATTERNS = {
    "Retail": {
        "fr_FR": (
            "Boutique {s}",
            "Maison {s}",
            "Galeries {c}",
            "Comptoir {s}",
            "Optique {s}",
            "Librairie {s}",
            "Pharmacie {s}",
        ),
        "en_US": ("{s} & Sons", "{s} Stores", "{c} Home Store", "{s} Outfitters", "{s} Pharmacy"),
        "de_DE": ("Kaufhaus {s}", "{s} Einrichtungen", "Modehaus {s}", "Apotheke {s}"),
    },
    "Hospitality": {
        "fr_FR": ("Hôtel {s}", "Restaurant Chez {s}", "Brasserie {s}", "Hôtel du Parc {c}", "Le Bistrot de {c}"),
        "en_US": ("{s} Hotel", "The {s} Arms", "{c} Grand Hotel", "{s} Hospitality Group"),
        "de_DE": ("Hotel {s}", "Gasthaus {s}", "{c} Hotelbetriebe", "Restaurant {s}"),
    },
    "Offices": {
        "fr_FR": (
            "Cabinet {s} Avocats",
            "{s} Conseil",
            "{s} Assurances",
            "Groupe {s}",
            "{s} Architectes",
            "{s} & Associés",
        ),
        "en_US": ("{s} Consulting", "{s} Partners", "{s} Legal", "{s} Capital", "{s} Architects"),
        "de_DE": ("{s} Beratung", "Kanzlei {s}", "{s} Partner", "{s} Architekten"),
    },
    "Industry": {
        "fr_FR": (
            "{s} Logistique",
            "Ateliers {s}",
            "{s} Industrie",
            "Mécanique {s}",
            "Transports {s}",
            "Plasturgie {c}",
        ),
        "en_US": ("{s} Manufacturing", "{s} Logistics", "{s} Engineering", "{c} Metalworks"),
        "de_DE": ("{s} Maschinenbau", "{s} Logistik", "{s} Metallbau", "{s} Werkzeugbau"),
    },
    "Healthcare": {
        "fr_FR": (
            "Clinique {s}",
            "Centre médical {c}",
            "Laboratoire {s}",
            "Cabinet dentaire {s}",
            "EHPAD Les Tilleuls {c}",
        ),
        "en_US": ("{s} Medical Center", "{c} Dental Care", "{s} Clinic", "{s} Health"),
        "de_DE": ("Praxis {s}", "Klinik {s}", "{c} Medizinisches Zentrum", "Zahnarztpraxis {s}"),
    },
    "Public sector": {
        "fr_FR": ("Mairie de {c}", "Collège {s}", "Médiathèque de {c}", "Communauté de communes {s}", "Lycée {s}"),
        "en_US": ("{c} City Council", "{c} Public Library", "{s} School District", "{c} Community College"),
        "de_DE": ("Stadtverwaltung {c}", "Gymnasium {s}", "Stadtbibliothek {c}", "Gemeinde {c}"),
    },
}

STREETS = {
    "fr_FR": (
        "rue de la République",
        "avenue Jean Jaurès",
        "rue Victor Hugo",
        "boulevard des Belges",
        "rue Garibaldi",
        "cours Lafayette",
        "rue du Commerce",
        "avenue de la Gare",
        "rue Pasteur",
        "place Bellecour",
    ),
    "en_US": (
        "High Street",
        "Station Road",
        "Main Street",
        "Church Lane",
        "Market Street",
        "Park Avenue",
        "Elm Street",
    ),
    "de_DE": ("Hauptstraße", "Bahnhofstraße", "Schillerstraße", "Goethestraße", "Marktplatz", "Industriestraße"),
}

# Stated needs: (space, quantity range) per sector, by language
NEEDS = {
    "fr_FR": {
        "Retail": ("l'éclairage de la surface de vente", "des vitrines"),
        "Hospitality": ("l'éclairage des chambres et du hall", "la salle de restaurant et la terrasse"),
        "Offices": ("les plateaux de bureaux", "les salles de réunion et l'accueil"),
        "Industry": ("l'entrepôt et les quais de chargement", "l'atelier de production"),
        "Healthcare": ("les salles de soins", "les couloirs et la salle d'attente"),
        "Public sector": ("le gymnase et les salles de classe", "la médiathèque"),
    },
    "en_US": {
        "Retail": ("the sales floor lighting", "the shop windows"),
        "Hospitality": ("the rooms and the lobby", "the dining room and the terrace"),
        "Offices": ("the open-plan offices", "the meeting rooms and the reception"),
        "Industry": ("the warehouse and loading docks", "the production workshop"),
        "Healthcare": ("the treatment rooms", "the corridors and the waiting room"),
        "Public sector": ("the gym and the classrooms", "the public library"),
    },
    "de_DE": {
        "Retail": ("die Beleuchtung der Verkaufsfläche", "die Schaufenster"),
        "Hospitality": ("die Zimmer und die Lobby", "den Speisesaal und die Terrasse"),
        "Offices": ("die Großraumbüros", "die Besprechungsräume und den Empfang"),
        "Industry": ("das Lager und die Laderampen", "die Produktionshalle"),
        "Healthcare": ("die Behandlungsräume", "die Flure und das Wartezimmer"),
        "Public sector": ("die Turnhalle und die Klassenzimmer", "die Stadtbibliothek"),
    },
}

NEED_TEMPLATES = {
    "fr_FR": (
        "<p>Besoin exprimé : remplacer {n} luminaires vétustes par de la LED pour {space}.</p>"
        "<p>Budget indicatif autour de {budget} €, décision attendue sous {weeks} semaines.</p>"
    ),
    "en_US": (
        "<p>Stated need: replace {n} outdated fittings with LED for {space}.</p>"
        "<p>Indicative budget around EUR {budget}, decision expected within {weeks} weeks.</p>"
    ),
    "de_DE": (
        "<p>Bedarf: {n} veraltete Leuchten für {space} durch LED ersetzen.</p>"
        "<p>Budgetrahmen etwa {budget} EUR, Entscheidung in {weeks} Wochen erwartet.</p>"
    ),
}
EXTRA_NEED = {
    "Energy retrofit": {
        "fr_FR": "<p>Objectif : réduire la consommation d'énergie (décret tertiaire).</p>",
        "en_US": "<p>Goal: cut the energy bill with an energy retrofit.</p>",
        "de_DE": "<p>Ziel: Energieverbrauch durch Sanierung senken.</p>",
    },
    "Public tender": {
        "fr_FR": "<p>Marché public : réponse à l'appel d'offres requise.</p>",
        "en_US": "<p>Public tender: a formal bid is required.</p>",
        "de_DE": "<p>Öffentliche Ausschreibung: formales Angebot erforderlich.</p>",
    },
    "Urgent": {
        "fr_FR": "<p>Chantier à livrer rapidement.</p>",
        "en_US": "<p>Tight deadline on site.</p>",
        "de_DE": "<p>Knapper Termin auf der Baustelle.</p>",
    },
    "Design-led": {
        "fr_FR": "<p>Attente forte sur le design des luminaires.</p>",
        "en_US": "<p>Strong focus on the look of the fittings.</p>",
        "de_DE": "<p>Hoher Anspruch an das Leuchtendesign.</p>",
    },
}

LEAD_TITLES = {
    "fr_FR": ("Rénovation éclairage", "Passage LED", "Projet éclairage", "Mise en lumière", "Relamping LED"),
    "en_US": ("Lighting upgrade", "LED retrofit", "Lighting project", "New lighting scheme", "LED relamping"),
    "de_DE": ("Beleuchtungssanierung", "LED-Umrüstung", "Lichtprojekt", "Neues Lichtkonzept", "LED-Relamping"),
}

# Outgoing e-mails: (subject, body) per step kind, by language. {contact}, {company}, {user}
EMAILS_OUT = {
    "fr_FR": (
        (
            "Votre projet d'éclairage",
            "<p>Bonjour {contact},</p><p>Suite à notre échange, je vous propose un rendez-vous pour "
            "étudier {space}. Quelles sont vos disponibilités ?</p><p>Bien cordialement,<br/>{user}</p>",
        ),
        (
            "Proposition Atelier Lumière",
            "<p>Bonjour {contact},</p><p>Vous trouverez ci-joint notre proposition chiffrée. "
            "Je reste à votre disposition pour en discuter.</p><p>Cordialement,<br/>{user}</p>",
        ),
        (
            "Relance : votre projet",
            "<p>Bonjour {contact},</p><p>Je me permets de revenir vers vous concernant notre proposition. "
            "Avez-vous pu en prendre connaissance ?</p><p>Bien à vous,<br/>{user}</p>",
        ),
        (
            "Échantillons et fiches techniques",
            "<p>Bonjour {contact},</p><p>Comme convenu, voici les fiches techniques des "
            "luminaires retenus.</p><p>Cordialement,<br/>{user}</p>",
        ),
    ),
    "en_US": (
        (
            "Your lighting project",
            "<p>Hello {contact},</p><p>Following our conversation, could we set up a meeting to look at "
            "{space}? When would suit you?</p><p>Best regards,<br/>{user}</p>",
        ),
        (
            "Atelier Lumière proposal",
            "<p>Hello {contact},</p><p>Please find our quotation attached. Happy to walk you "
            "through it.</p><p>Kind regards,<br/>{user}</p>",
        ),
        (
            "Following up on our proposal",
            "<p>Hello {contact},</p><p>I wanted to follow up on our proposal. Have you had a "
            "chance to review it?</p><p>Best,<br/>{user}</p>",
        ),
        (
            "Samples and data sheets",
            "<p>Hello {contact},</p><p>As promised, here are the data sheets of the selected "
            "fittings.</p><p>Kind regards,<br/>{user}</p>",
        ),
    ),
    "de_DE": (
        (
            "Ihr Lichtprojekt",
            "<p>Guten Tag {contact},</p><p>wie besprochen schlage ich einen Termin vor, um {space} "
            "anzusehen. Wann passt es Ihnen?</p><p>Mit freundlichen Grüßen<br/>{user}</p>",
        ),
        (
            "Angebot Atelier Lumière",
            "<p>Guten Tag {contact},</p><p>anbei unser Angebot. Gerne bespreche ich es mit "
            "Ihnen.</p><p>Mit freundlichen Grüßen<br/>{user}</p>",
        ),
        (
            "Nachfrage zu unserem Angebot",
            "<p>Guten Tag {contact},</p><p>ich wollte kurz nachfragen, ob Sie unser Angebot "
            "prüfen konnten.</p><p>Viele Grüße<br/>{user}</p>",
        ),
        (
            "Muster und Datenblätter",
            "<p>Guten Tag {contact},</p><p>wie vereinbart die Datenblätter der ausgewählten "
            "Leuchten.</p><p>Mit freundlichen Grüßen<br/>{user}</p>",
        ),
    ),
}

EMAILS_IN = {
    "fr_FR": (
        "<p>Bonjour,</p><p>Merci pour votre message. {answer}</p><p>Cordialement,<br/>{contact}</p>",
        (
            "Je vous propose d'en parler jeudi.",
            "Pouvez-vous préciser les délais de livraison ?",
            "Nous étudions votre proposition en interne.",
            "Pouvez-vous revoir le prix des dalles ?",
            "Bien reçu, je reviens vers vous rapidement.",
        ),
    ),
    "en_US": (
        "<p>Hi,</p><p>Thanks for your message. {answer}</p><p>Regards,<br/>{contact}</p>",
        (
            "Could we talk on Thursday?",
            "Could you confirm the delivery lead time?",
            "We are reviewing your proposal internally.",
            "Is there any flexibility on the price of the panels?",
            "Received, I will get back to you shortly.",
        ),
    ),
    "de_DE": (
        "<p>Guten Tag,</p><p>vielen Dank für Ihre Nachricht. {answer}</p><p>Mit freundlichen Grüßen<br/>{contact}</p>",
        (
            "Können wir am Donnerstag telefonieren?",
            "Wie lang ist die Lieferzeit?",
            "Wir prüfen Ihr Angebot intern.",
            "Gibt es beim Preis der Panels Spielraum?",
            "Erhalten, ich melde mich in Kürze.",
        ),
    ),
}

CALL_NOTES = (
    "discussed the layout and quantities",
    "walked through the quotation",
    "qualified budget and timing",
    "answered questions on lead times",
    "agreed on a site visit",
    "talked about energy savings",
)
MEETING_NOTES = (
    "site visit, measured the spaces",
    "presented the lighting study",
    "demo of fittings in the showroom",
    "negotiation meeting with the buyer",
)
LINKEDIN_NOTES = ("connection request with a short note", "shared a case study", "follow-up message")


def slugify(text):
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
