"""Demo parties: the organizations and persons a Dutch office supplier deals with, their contact persons,
addresses and tags, the prospects it has not sold to yet, and the saved segments its campaigns start from.

Used by ``manage.py seed_demo``; everything is created through the marketing services."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from demo.activities import demo_activities_build
from demo.campaigns import demo_campaigns_plan
from demo.history import DemoHistory
from demo.pipeline import DemoPipeline, demo_pipeline_plan
from marketing.choices import AddressPurpose, Language, PartyKind
from marketing.models import Opportunity, Party, Segment
from marketing.services.parties import party_create
from marketing.services.segments import segment_create

ORG, PERSON = PartyKind.ORGANIZATION, PartyKind.PERSON
EN, NL, SV = Language.EN, Language.NL, Language.SV
INVOICE, DELIVERY = AddressPurpose.INVOICE, AddressPurpose.DELIVERY

# kind, name, street, postcode, city, country, language, email, phone, VAT number
DEMO_PARTIES: list[tuple[str, str, str, str, str, str, str, str, str, str]] = [
    (ORG, "Van den Berg Kantoorinrichting B.V.", "Stationsplein 45", "3511 ED", "Utrecht", "NL", NL,
     "inkoop@vandenbergkantoor.nl", "+31 30 231 4455", "NL859372104B01"),
    (ORG, "De Vries Advocaten", "Herengracht 412", "1017 BX", "Amsterdam", "NL", NL,
     "kantoor@devries-advocaten.nl", "+31 20 624 1180", "NL812044319B01"),
    (ORG, "Bakker Logistiek B.V.", "Waalhaven Zuidzijde 19", "3089 JH", "Rotterdam", "NL", NL,
     "facilitair@bakkerlogistiek.nl", "+31 10 429 7700", "NL803311652B01"),
    (ORG, "Jansen & Visser Accountants", "Wilhelminapark 8", "5041 EB", "Tilburg", "NL", NL,
     "administratie@jansenvisser.nl", "+31 13 535 2040", "NL854120937B01"),
    (ORG, "Zorggroep Hoogeveen", "Hoofdstraat 120", "7902 EK", "Hoogeveen", "NL", NL,
     "inkoop@zorggroephoogeveen.nl", "+31 528 27 1900", "NL817645210B01"),
    (ORG, "Stichting Openbaar Onderwijs Zeist", "Slotlaan 32", "3701 GL", "Zeist", "NL", NL,
     "bedrijfsvoering@soozeist.nl", "+31 30 699 4410", ""),
    (ORG, "Smit Architecten", "Nieuwe Gracht 77", "2011 NE", "Haarlem", "NL", NL,
     "studio@smitarchitecten.nl", "+31 23 531 6672", "NL821907335B01"),
    (ORG, "Mulder Installatietechniek B.V.", "Industrieweg 33", "8071 CS", "Nunspeet", "NL", NL,
     "info@mulder-installatie.nl", "+31 341 25 3090", "NL806254417B01"),
    (ORG, "Dekker ICT Diensten", "Kanaalweg 14", "2903 LS", "Capelle aan den IJssel", "NL", NL,
     "support@dekker-ict.nl", "+31 10 451 8833", "NL862390551B01"),
    (ORG, "Brouwer Bouw B.V.", "Europalaan 200", "5232 BC", "'s-Hertogenbosch", "NL", NL,
     "inkoop@brouwerbouw.nl", "+31 73 640 2200", "NL809712260B01"),
    (ORG, "Koffiebranderij Het Anker", "Lange Haven 5", "3111 CA", "Schiedam", "NL", NL,
     "bestellingen@hetanker-koffie.nl", "+31 10 473 1299", "NL851106673B01"),
    (ORG, "Peters Tandartsen", "Markt 17", "6211 CK", "Maastricht", "NL", NL,
     "praktijk@peterstandartsen.nl", "+31 43 321 6640", "NL824470189B01"),
    (ORG, "Groen Energie Noord B.V.", "Zernikepark 6", "9747 AN", "Groningen", "NL", NL,
     "office@groenenergienoord.nl", "+31 50 577 8120", "NL866012874B01"),
    (ORG, "Visser Uitzendbureau", "Grote Markt 9", "8011 LW", "Zwolle", "NL", NL,
     "zwolle@visseruitzend.nl", "+31 38 421 0505", "NL819933406B01"),
    (ORG, "Lindqvist Kontorsvaror AB", "Kungsgatan 44", "111 35", "Stockholm", "SE", SV,
     "inkop@lindqvistkontor.se", "+46 8 411 22 90", "SE556677889901"),
    (ORG, "Bergström Fastigheter AB", "Kungsportsavenyen 12", "411 36", "Göteborg", "SE", SV,
     "ekonomi@bergstromfastigheter.se", "+46 31 711 40 20", "SE556412309801"),
    (ORG, "Nordic Byggkonsult AB", "Stortorget 3", "211 22", "Malmö", "SE", SV,
     "info@nordicbyggkonsult.se", "+46 40 611 73 00", "SE556901234501"),
    (ORG, "Sjöberg & Holm Advokatbyrå", "Drottninggatan 21", "753 10", "Uppsala", "SE", SV,
     "kansli@sjoberg-holm.se", "+46 18 15 42 80", "SE556780012301"),
    (ORG, "Eklund Logistik AB", "Hamngatan 8", "602 32", "Norrköping", "SE", SV,
     "order@eklundlogistik.se", "+46 11 12 90 45", "SE556233445501"),
    (ORG, "Fjällsjö Tandvård AB", "Storgatan 15", "831 30", "Östersund", "SE", SV,
     "reception@fjallsjotandvard.se", "+46 63 51 22 10", "SE556998877601"),
    (ORG, "Weber Büroausstattung GmbH", "Königsallee 60", "40212", "Düsseldorf", "DE", EN,
     "einkauf@weber-buero.de", "+49 211 8622 410", "DE814203377"),
    (ORG, "Schneider Steuerberatung", "Leopoldstraße 31", "80802", "München", "DE", EN,
     "kanzlei@schneider-stb.de", "+49 89 3837 150", "DE129876543"),
    (ORG, "Hoffmann Logistik GmbH", "Am Sandtorkai 4", "20457", "Hamburg", "DE", EN,
     "verwaltung@hoffmann-logistik.de", "+49 40 3690 2270", "DE276543219"),
    (ORG, "Becker Ingenieurbüro", "Friedrichstraße 88", "10117", "Berlin", "DE", EN,
     "buero@becker-ing.de", "+49 30 2061 4480", "DE301122334"),
    (ORG, "Klein & Partner Architekten", "Breite Straße 14", "50667", "Köln", "DE", EN,
     "office@klein-partner.de", "+49 221 2577 390", "DE188776655"),
    (ORG, "Fischer Medizintechnik GmbH", "Lange Straße 3", "26122", "Oldenburg", "DE", EN,
     "einkauf@fischer-medtech.de", "+49 441 9250 60", "DE245566778"),
    (ORG, "Peeters Interieur BV", "Meir 50", "2000", "Antwerpen", "BE", NL,
     "aankoop@peetersinterieur.be", "+32 3 231 48 70", "BE0456789123"),
    (ORG, "Janssens Consultancy NV", "Kouter 22", "9000", "Gent", "BE", NL,
     "finance@janssensconsultancy.be", "+32 9 225 61 30", "BE0812345670"),
    (ORG, "Dubois Bureautique SA", "Rue Neuve 101", "1000", "Bruxelles", "BE", EN,
     "achats@dubois-bureautique.be", "+32 2 218 40 55", "BE0433221109"),
    (ORG, "Maes Transport BV", "Brugsesteenweg 210", "8500", "Kortrijk", "BE", NL,
     "planning@maestransport.be", "+32 56 22 71 90", "BE0677889900"),
    (PERSON, "Sanne de Jong", "Prinsengracht 618", "1017 KS", "Amsterdam", "NL", NL,
     "sanne.dejong@ziggo.nl", "+31 6 2814 5530", ""),
    (PERSON, "Pieter van Dijk", "Nieuwstraat 12", "6811 HW", "Arnhem", "NL", NL,
     "p.vandijk@kpnmail.nl", "+31 6 4172 0981", ""),
    (PERSON, "Eva Lindberg", "Södra Vägen 5", "412 54", "Göteborg", "SE", SV,
     "eva.lindberg@telia.se", "+46 70 512 88 31", ""),
    (PERSON, "Jonas Krüger", "Bergmannstraße 7", "10961", "Berlin", "DE", EN,
     "jonas.krueger@posteo.de", "+49 171 554 2098", ""),
]  # fmt: skip


# What each organization does (segments select on it), and the five biggest accounts.
KEY_ACCOUNT = "key account"
DEMO_TAGS: dict[str, list[str]] = {
    "Van den Berg Kantoorinrichting B.V.": ["office supplies", KEY_ACCOUNT],
    "De Vries Advocaten": ["legal"],
    "Bakker Logistiek B.V.": ["logistics", KEY_ACCOUNT],
    "Jansen & Visser Accountants": ["finance"],
    "Zorggroep Hoogeveen": ["healthcare", KEY_ACCOUNT],
    "Stichting Openbaar Onderwijs Zeist": ["education"],
    "Smit Architecten": ["construction"],
    "Mulder Installatietechniek B.V.": ["construction"],
    "Dekker ICT Diensten": ["IT"],
    "Brouwer Bouw B.V.": ["construction"],
    "Koffiebranderij Het Anker": ["hospitality"],
    "Peters Tandartsen": ["healthcare"],
    "Groen Energie Noord B.V.": ["energy"],
    "Visser Uitzendbureau": ["staffing"],
    "Lindqvist Kontorsvaror AB": ["office supplies", KEY_ACCOUNT],
    "Bergström Fastigheter AB": ["real estate"],
    "Nordic Byggkonsult AB": ["construction"],
    "Sjöberg & Holm Advokatbyrå": ["legal"],
    "Eklund Logistik AB": ["logistics"],
    "Fjällsjö Tandvård AB": ["healthcare"],
    "Weber Büroausstattung GmbH": ["office supplies", KEY_ACCOUNT],
    "Schneider Steuerberatung": ["finance"],
    "Hoffmann Logistik GmbH": ["logistics"],
    "Becker Ingenieurbüro": ["construction"],
    "Klein & Partner Architekten": ["construction"],
    "Fischer Medizintechnik GmbH": ["healthcare"],
    "Peeters Interieur BV": ["office supplies"],
    "Janssens Consultancy NV": ["finance"],
    "Dubois Bureautique SA": ["office supplies"],
    "Maes Transport BV": ["logistics"],
}

# Contact persons: name, role, email, phone; the first one is the primary contact.
DEMO_CONTACTS: dict[str, list[tuple[str, str, str, str]]] = {
    "Van den Berg Kantoorinrichting B.V.": [
        ("Marieke van den Berg", "Purchasing manager", "m.vandenberg@vandenbergkantoor.nl", "+31 30 231 4460"),
        ("Thomas Kuijpers", "Warehouse coordinator", "t.kuijpers@vandenbergkantoor.nl", "+31 30 231 4471"),
    ],
    "De Vries Advocaten": [
        ("Caroline de Vries", "Office manager", "c.devries@devries-advocaten.nl", "+31 20 624 1185")
    ],
    "Bakker Logistiek B.V.": [
        ("Martijn Bakker", "Facility manager", "martijn.bakker@bakkerlogistiek.nl", "+31 10 429 7712"),
        ("Yvonne Claassen", "Buyer", "y.claassen@bakkerlogistiek.nl", "+31 10 429 7725"),
    ],
    "Jansen & Visser Accountants": [
        ("Wouter Jansen", "Partner", "w.jansen@jansenvisser.nl", "+31 13 535 2041"),
        ("Esther Verhoeven", "Office manager", "e.verhoeven@jansenvisser.nl", "+31 13 535 2049"),
    ],
    "Zorggroep Hoogeveen": [
        ("Gerrit Oosting", "Head of facilities", "g.oosting@zorggroephoogeveen.nl", "+31 528 27 1920"),
        ("Anja Veenstra", "Buyer", "a.veenstra@zorggroephoogeveen.nl", "+31 528 27 1933"),
    ],
    "Stichting Openbaar Onderwijs Zeist": [
        ("Hans de Boer", "Operations manager", "h.deboer@soozeist.nl", "+31 30 699 4415")
    ],
    "Smit Architecten": [("Joris Smit", "Partner", "joris@smitarchitecten.nl", "+31 23 531 6673")],
    "Mulder Installatietechniek B.V.": [
        ("Henk Mulder", "Director", "henk@mulder-installatie.nl", "+31 341 25 3091"),
        ("Ilse Brinkman", "Office manager", "ilse@mulder-installatie.nl", "+31 341 25 3095"),
    ],
    "Dekker ICT Diensten": [("Ruud Dekker", "Managing director", "ruud@dekker-ict.nl", "+31 10 451 8834")],
    "Brouwer Bouw B.V.": [
        ("Sander Brouwer", "Project manager", "s.brouwer@brouwerbouw.nl", "+31 73 640 2215"),
        ("Linda van Rooij", "Buyer", "l.vanrooij@brouwerbouw.nl", "+31 73 640 2230"),
    ],
    "Koffiebranderij Het Anker": [("Mehmet Aydın", "Owner", "mehmet@hetanker-koffie.nl", "+31 10 473 1290")],
    "Peters Tandartsen": [("Lisa Peters", "Practice owner", "lisa@peterstandartsen.nl", "+31 43 321 6641")],
    "Groen Energie Noord B.V.": [
        ("Jelle Postma", "Operations manager", "j.postma@groenenergienoord.nl", "+31 50 577 8125"),
        ("Nienke Bosma", "Office manager", "n.bosma@groenenergienoord.nl", "+31 50 577 8131"),
    ],
    "Visser Uitzendbureau": [("Karin Visser", "Branch manager", "karin.visser@visseruitzend.nl", "+31 38 421 0506")],
    "Lindqvist Kontorsvaror AB": [
        ("Johan Lindqvist", "Managing director", "johan@lindqvistkontor.se", "+46 8 411 22 91"),
        ("Maria Eriksson", "Purchasing manager", "maria.eriksson@lindqvistkontor.se", "+46 8 411 22 95"),
    ],
    "Bergström Fastigheter AB": [
        ("Ulrika Bergström", "Head of administration", "ulrika.bergstrom@bergstromfastigheter.se", "+46 31 711 40 25")
    ],
    "Nordic Byggkonsult AB": [
        ("Magnus Nyberg", "Office manager", "magnus.nyberg@nordicbyggkonsult.se", "+46 40 611 73 05")
    ],
    "Sjöberg & Holm Advokatbyrå": [
        ("Kristina Sjöberg", "Partner", "kristina.sjoberg@sjoberg-holm.se", "+46 18 15 42 81")
    ],
    "Eklund Logistik AB": [
        ("Per Eklund", "Site manager", "per.eklund@eklundlogistik.se", "+46 11 12 90 46"),
        ("Sofia Lind", "Planning manager", "sofia.lind@eklundlogistik.se", "+46 11 12 90 52"),
    ],
    "Fjällsjö Tandvård AB": [
        ("Emma Sundqvist", "Clinic manager", "emma.sundqvist@fjallsjotandvard.se", "+46 63 51 22 11")
    ],
    "Weber Büroausstattung GmbH": [
        ("Stefan Weber", "Managing director", "s.weber@weber-buero.de", "+49 211 8622 411"),
        ("Claudia Neumann", "Buyer", "c.neumann@weber-buero.de", "+49 211 8622 420"),
    ],
    "Schneider Steuerberatung": [("Andrea Schneider", "Partner", "a.schneider@schneider-stb.de", "+49 89 3837 151")],
    "Hoffmann Logistik GmbH": [
        ("Markus Hoffmann", "Head of administration", "m.hoffmann@hoffmann-logistik.de", "+49 40 3690 2271")
    ],
    "Becker Ingenieurbüro": [("Thomas Becker", "Owner", "t.becker@becker-ing.de", "+49 30 2061 4481")],
    "Klein & Partner Architekten": [("Julia Klein", "Partner", "j.klein@klein-partner.de", "+49 221 2577 391")],
    "Fischer Medizintechnik GmbH": [
        ("Katrin Fischer", "Head of procurement", "k.fischer@fischer-medtech.de", "+49 441 9250 61")
    ],
    "Peeters Interieur BV": [
        ("Koen Peeters", "Managing director", "koen@peetersinterieur.be", "+32 3 231 48 71"),
        ("An De Wilde", "Showroom coordinator", "an.dewilde@peetersinterieur.be", "+32 3 231 48 75"),
    ],
    "Janssens Consultancy NV": [
        ("Bart Janssens", "Finance director", "bart.janssens@janssensconsultancy.be", "+32 9 225 61 31")
    ],
    "Dubois Bureautique SA": [
        ("Sophie Dubois", "Purchasing manager", "sophie.dubois@dubois-bureautique.be", "+32 2 218 40 56")
    ],
    "Maes Transport BV": [("Dirk Maes", "Owner", "dirk@maestransport.be", "+32 56 22 71 91")],
}

# Where some organizations want their invoices or deliveries: purpose, name, street, postcode, city, country.
DEMO_ADDRESSES: dict[str, list[tuple[str, str, str, str, str, str]]] = {
    "Van den Berg Kantoorinrichting B.V.": [
        (INVOICE, "Accounts payable", "Postbus 2210", "3500 GE", "Utrecht", "NL"),
        (DELIVERY, "Distribution centre", "Ravenswade 54", "3439 LD", "Nieuwegein", "NL"),
    ],
    "Bakker Logistiek B.V.": [(DELIVERY, "DC Moerdijk", "Middenweg 21", "4782 PM", "Moerdijk", "NL")],
    "Zorggroep Hoogeveen": [
        (INVOICE, "Crediteurenadministratie", "Postbus 3001", "7900 KA", "Hoogeveen", "NL"),
        (DELIVERY, "Zorgcentrum De Weide", "Weideweg 12", "7906 AA", "Hoogeveen", "NL"),
        (DELIVERY, "Polikliniek Hoogeveen", "Dr. G.H. Amshoffweg 1", "7909 AA", "Hoogeveen", "NL"),
    ],
    "Brouwer Bouw B.V.": [
        (DELIVERY, "Site office Paleiskwartier", "Magistratenlaan 100", "5223 MB", "'s-Hertogenbosch", "NL"),
    ],
    "Lindqvist Kontorsvaror AB": [(DELIVERY, "Lager Årsta", "Årstaängsvägen 19", "117 43", "Stockholm", "SE")],
    "Weber Büroausstattung GmbH": [(INVOICE, "Buchhaltung", "Postfach 10 14 44", "40005", "Düsseldorf", "DE")],
}  # fmt: skip

# Organizations the supplier has not sold to yet: name, street, postcode, city, country, language, email, phone,
# VAT number, tags, and the person to ask for (name, role, email, phone).
DEMO_PROSPECT_PARTIES: list[tuple] = [
    ("Hendriks Notarissen", "Oudegracht 210", "3511 NR", "Utrecht", "NL", NL, "info@hendriksnotarissen.nl",
     "+31 30 232 8810", "NL863301198B01", ["legal"],
     ("Femke Hendriks", "Office manager", "f.hendriks@hendriksnotarissen.nl", "+31 30 232 8812")),
    ("Kuipers Bouwadvies B.V.", "Laan van Westenenk 501", "7334 DT", "Apeldoorn", "NL", NL,
     "info@kuipersbouwadvies.nl", "+31 55 521 7730", "NL857640213B01", ["construction"],
     ("Rob Kuipers", "Director", "rob@kuipersbouwadvies.nl", "+31 55 521 7731")),
    ("Huisartsenpraktijk De Linde", "Lindelaan 4", "3971 EA", "Driebergen-Rijsenburg", "NL", NL,
     "praktijk@huisartsendelinde.nl", "+31 343 51 2290", "", ["healthcare"],
     ("Maaike Dijkstra", "Practice manager", "m.dijkstra@huisartsendelinde.nl", "+31 343 51 2291")),
    ("Vos & Meijer Belastingadviseurs", "Coolsingel 104", "3011 AG", "Rotterdam", "NL", NL, "kantoor@vosmeijer.nl",
     "+31 10 413 6620", "NL861174529B01", ["finance"],
     ("Arjen Vos", "Partner", "a.vos@vosmeijer.nl", "+31 10 413 6621")),
    ("Christelijk Lyceum Delft", "Molenhuispad 1", "2614 GE", "Delft", "NL", NL, "facilitair@cld.nl",
     "+31 15 268 4400", "", ["education"],
     ("Marco Jonker", "Facility coordinator", "m.jonker@cld.nl", "+31 15 268 4412")),
    ("Van Leeuwen Transport B.V.", "Transportweg 12", "2742 RH", "Waddinxveen", "NL", NL,
     "planning@vanleeuwentransport.nl", "+31 182 63 1150", "NL852236710B01", ["logistics"],
     ("Sandra van Leeuwen", "Office manager", "sandra@vanleeuwentransport.nl", "+31 182 63 1152")),
    ("Bos IT Solutions", "Hengelosestraat 585", "7521 AG", "Enschede", "NL", NL, "hello@bosit.nl",
     "+31 53 480 2290", "NL864410925B01", ["IT"], ("Niels Bos", "Founder", "niels@bosit.nl", "+31 6 2290 4471")),
    ("Meijer Fysiotherapie", "Kerkstraat 21", "5211 KD", "'s-Hertogenbosch", "NL", NL, "info@meijerfysio.nl",
     "+31 73 612 4480", "", ["healthcare"], ("Iris Meijer", "Owner", "iris@meijerfysio.nl", "+31 73 612 4481")),
    ("De Graaf Makelaardij", "Kruisweg 15", "2011 LA", "Haarlem", "NL", NL, "info@degraafmakelaardij.nl",
     "+31 23 532 0415", "NL858812904B01", ["real estate"],
     ("Tim de Graaf", "Broker", "tim@degraafmakelaardij.nl", "+31 23 532 0416")),
    ("Stichting Kinderopvang Het Speelhuis", "Dorpsstraat 60", "1182 JE", "Amstelveen", "NL", NL,
     "administratie@hetspeelhuis.nl", "+31 20 641 3370", "", ["education"],
     ("Saskia Hoogendoorn", "Director", "s.hoogendoorn@hetspeelhuis.nl", "+31 20 641 3371")),
    ("Claes Advocaten", "Frankrijklei 90", "2000", "Antwerpen", "BE", NL, "secretariaat@claesadvocaten.be",
     "+32 3 226 51 10", "BE0478123456", ["legal"],
     ("Hilde Claes", "Partner", "hilde.claes@claesadvocaten.be", "+32 3 226 51 11")),
    ("Wouters Bouwgroep NV", "Industrielaan 8", "8501", "Kortrijk", "BE", NL, "info@woutersbouwgroep.be",
     "+32 56 35 88 20", "BE0419876543", ["construction"],
     ("Jan Wouters", "CEO", "jan.wouters@woutersbouwgroep.be", "+32 56 35 88 21")),
    ("De Smet IT Services BV", "Ottergemsesteenweg 420", "9000", "Gent", "BE", NL, "info@desmet-it.be",
     "+32 9 240 17 70", "BE0690112233", ["IT"],
     ("Wim De Smet", "Managing director", "wim@desmet-it.be", "+32 9 240 17 71")),
    ("Medisch Centrum Leuven", "Brusselsestraat 120", "3000", "Leuven", "BE", NL, "aankoop@mcleuven.be",
     "+32 16 29 44 00", "BE0867554321", ["healthcare"],
     ("Els Vermeersch", "Purchasing manager", "els.vermeersch@mcleuven.be", "+32 16 29 44 10")),
    ("Lambert Logistique SA", "Rue de l'Industrie 22", "4000", "Liège", "BE", EN, "contact@lambert-logistique.be",
     "+32 4 252 36 60", "BE0445667788", ["logistics"],
     ("Marc Lambert", "Managing director", "marc.lambert@lambert-logistique.be", "+32 4 252 36 61")),
    ("Andersson Redovisning AB", "Vasagatan 16", "111 20", "Stockholm", "SE", SV, "info@anderssonredovisning.se",
     "+46 8 20 44 10", "SE556811223301", ["finance"],
     ("Lena Andersson", "Authorized accountant", "lena@anderssonredovisning.se", "+46 8 20 44 11")),
    ("Nilsson Bygg & Fastighet AB", "Södra Hamngatan 37", "411 06", "Göteborg", "SE", SV, "kontor@nilssonbygg.se",
     "+46 31 13 77 50", "SE556734455601", ["construction", "real estate"],
     ("Fredrik Nilsson", "CEO", "fredrik@nilssonbygg.se", "+46 31 13 77 51")),
    ("Lundgren IT-konsult AB", "Södergatan 24", "211 34", "Malmö", "SE", SV, "info@lundgrenit.se",
     "+46 40 30 21 60", "SE556923344501", ["IT"],
     ("Oskar Lundgren", "Founder", "oskar@lundgrenit.se", "+46 40 30 21 61")),
    ("Karlsson Vård AB", "Fleminggatan 22", "112 26", "Stockholm", "SE", SV, "admin@karlssonvard.se",
     "+46 8 650 33 20", "SE556612345601", ["healthcare"],
     ("Anna Karlsson", "Clinic manager", "anna@karlssonvard.se", "+46 8 650 33 21")),
    ("Friskolan Lärkan", "Kungsgatan 55", "753 21", "Uppsala", "SE", SV, "expedition@friskolanlarkan.se",
     "+46 18 10 62 40", "", ["education"],
     ("Björn Engström", "Principal", "bjorn.engstrom@friskolanlarkan.se", "+46 18 10 62 41")),
    ("Wagner Rechtsanwälte", "Neuer Wall 50", "20354", "Hamburg", "DE", EN, "kanzlei@wagner-ra.de",
     "+49 40 3576 220", "DE298877665", ["legal"],
     ("Susanne Wagner", "Partner", "s.wagner@wagner-ra.de", "+49 40 3576 221")),
    ("Schulz Logistik GmbH", "Hafenstraße 12", "47119", "Duisburg", "DE", EN, "info@schulz-logistik.de",
     "+49 203 8090 40", "DE312233445", ["logistics"],
     ("Michael Schulz", "Managing director", "m.schulz@schulz-logistik.de", "+49 203 8090 41")),
    ("Richter Software GmbH", "Torstraße 140", "10119", "Berlin", "DE", EN, "office@richter-software.de",
     "+49 30 2844 770", "DE325566778", ["IT"],
     ("Nina Richter", "COO", "n.richter@richter-software.de", "+49 30 2844 771")),
    ("Zimmermann Bau GmbH", "Industriestraße 7", "70565", "Stuttgart", "DE", EN, "info@zimmermann-bau.de",
     "+49 711 7823 50", "DE147788990", ["construction"],
     ("Jürgen Zimmermann", "Managing director", "j.zimmermann@zimmermann-bau.de", "+49 711 7823 51")),
]  # fmt: skip


def demo_present() -> bool:
    """The demo company is in the database once its first party is (seed_demo runs only once)."""
    return Party.objects.filter(name=DEMO_PARTIES[0][1], email=DEMO_PARTIES[0][7]).exists()


def _contacts(name: str) -> list[dict]:
    return [
        {"name": person, "job_title": role, "email": email, "phone": phone, "is_primary": index == 0}
        for index, (person, role, email, phone) in enumerate(DEMO_CONTACTS.get(name, []))
    ]


def _addresses(name: str) -> list[dict]:
    return [
        {"purpose": purpose, "name": label, "street": street, "postcode": postcode, "city": city, "country": country}
        for purpose, label, street, postcode, city, country in DEMO_ADDRESSES.get(name, [])
    ]


def demo_parties_build(*, by=None) -> list[Party]:
    """The supplier's existing relations (salesapp gives most of them a customer account), with their
    contact persons, invoice and delivery addresses and tags."""
    return [
        party_create(
            by=by,
            kind=kind,
            name=name,
            street=street,
            postcode=postcode,
            city=city,
            country=country,
            language=language,
            email=email,
            phone=phone,
            vat_number=vat_number,
            tags=DEMO_TAGS.get(name, []),
            contacts=_contacts(name),
            addresses=_addresses(name),
        )
        for kind, name, street, postcode, city, country, language, email, phone, vat_number in DEMO_PARTIES
    ]


def demo_prospects_build(*, by=None) -> list[Party]:
    """Organizations met at fairs or found in registers, without a customer account: what campaigns reach."""
    prospects = []
    for name, street, postcode, city, country, language, email, phone, vat, tags, contact in DEMO_PROSPECT_PARTIES:
        person, role, contact_email, contact_phone = contact
        prospects.append(
            party_create(
                by=by,
                kind=ORG,
                name=name,
                street=street,
                postcode=postcode,
                city=city,
                country=country,
                language=language,
                email=email,
                phone=phone,
                vat_number=vat,
                tags=tags,
                contacts=[{"name": person, "job_title": role, "email": contact_email, "phone": contact_phone}],
            )
        )
    return prospects


def demo_segments_build(*, by) -> dict[str, Segment]:
    """The saved target selections the campaigns start from, by name."""
    definitions = [
        ("Dutch prospects", "Organizations and persons in the Netherlands without a customer account.",
         {"roles": ["prospect"], "country": "NL"}),
        ("Customers in Sweden", "Every customer account in Sweden, for offers in Swedish.",
         {"roles": ["customer"], "country": "SE"}),
        ("Office customers without an open opportunity",
         "Business customers nobody is working on a deal with right now: candidates for an offer.",
         {"roles": ["customer"], "kind": ORG, "has_open_opportunity": False}),
        ("No activity for 90 days",
         "Customers and prospects nobody called, met or mailed in the last 90 days, counted from the day it is used.",
         {"roles": ["customer", "prospect"], "no_activity_days": 90}),
    ]  # fmt: skip
    return {
        name: segment_create(by=by, name=name, description=description, filters=filters)
        for name, description, filters in definitions
    }


@dataclass
class DemoMarketing:
    history: DemoHistory
    to_win: list[Opportunity]  # deals that are won as soon as their sales order exists (demo.sales)


def _parties_dated(parties: list[Party], prospects: list[Party], history: DemoHistory) -> None:
    """Relations go back a year or more, prospects were found over the last months."""
    for index, party in enumerate(parties):
        history.stamp(party, created_at=history.at(420 - index * 8))
    for index, party in enumerate(prospects):
        history.stamp(party, created_at=history.at(200 - index * 7))


def demo_marketing_build(
    *, parties: list[Party], users: dict, rng: random.Random, now: datetime.datetime
) -> DemoMarketing:
    """Prospects and segments, then four months of leads, deals and campaigns played in the order they happened
    (the email campaign ran before today's deals existed, the call round reaches today's prospects and leads),
    then the activities around them.

    ``users`` are the demo users by user name (clerk, manager). Call ``history.apply()`` once the deals to
    win have their orders, so the whole demo is moved to its days at once."""
    history = DemoHistory(now=now, rng=rng)
    clerk, manager = users["clerk"], users["manager"]
    prospects = demo_prospects_build(by=clerk)
    segments = demo_segments_build(by=manager)
    for segment in segments.values():
        history.stamp(segment, created_at=history.at(118))
    pipeline = DemoPipeline()
    pipeline_story = demo_pipeline_plan(users=users, history=history, pipeline=pipeline)
    demo_campaigns_plan(segments=segments, users=users, history=history, pipeline_story=pipeline_story)
    history.play()
    demo_activities_build(users=users, history=history)
    _parties_dated(parties, prospects, history)
    return DemoMarketing(history=history, to_win=pipeline.to_win)
