"""Demo parties: the organizations and persons a Dutch office supplier deals with.

Used by ``manage.py seed_demo``; everything is created through the marketing services."""

from __future__ import annotations

from marketing.choices import Language, PartyKind
from marketing.models import Party
from marketing.services.parties import party_create

ORG, PERSON = PartyKind.ORGANIZATION, PartyKind.PERSON
EN, NL, SV = Language.EN, Language.NL, Language.SV

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


def demo_present() -> bool:
    """The demo company is in the database once its first party is (seed_demo runs only once)."""
    return Party.objects.filter(name=DEMO_PARTIES[0][1], email=DEMO_PARTIES[0][7]).exists()


def demo_parties_build(*, by=None) -> list[Party]:
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
        )
        for kind, name, street, postcode, city, country, language, email, phone, vat_number in DEMO_PARTIES
    ]
