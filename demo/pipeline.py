"""Demo leads and opportunities: what came in through fairs, the website, referrals and a register extract,
how far each got, and the deals the supplier is working on (``manage.py seed_demo``).

Every step goes through the marketing services on the day the story says (see ``DemoHistory``); won deals
are only set aside here, because winning needs the sales order that salesapp makes for them."""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial

from demo.history import DemoHistory
from marketing.choices import LeadSource
from marketing.models import Contact, Lead, Opportunity, OpportunityStage, Party
from marketing.services.lead_import import lead_import
from marketing.services.leads import lead_convert, lead_create, lead_disqualify, lead_qualify
from marketing.services.opportunities import opportunity_create, opportunity_lose

CLERK, MANAGER = "clerk", "manager"
OPEN, WON, LOST = "open", "won", "lost"
PROSPECTING, QUALIFICATION, PROPOSAL, NEGOTIATION = "Prospecting", "Qualification", "Proposal", "Negotiation"
TRADE_SHOW, WEB, REFERRAL, IMPORT = LeadSource.TRADE_SHOW, LeadSource.WEB, LeadSource.REFERRAL, LeadSource.IMPORT


@dataclass(frozen=True)
class DemoDeal:
    """An opportunity and how it ends: still open, won (once salesapp made its order) or lost."""

    name: str
    revenue: str
    stage: str
    close_in: int  # days from today to the expected close date
    days_ago: int  # when it was recorded
    owner: str = CLERK
    party: str = ""  # for deals recorded directly; a converted lead brings its own party
    outcome: str = OPEN
    lost: tuple[int, str] | None = None  # days ago, reason
    description: str = ""


@dataclass(frozen=True)
class DemoLead:
    company: str
    contact: str
    email: str
    phone: str
    postcode: str
    city: str
    country: str
    source: str
    days_ago: int
    owner: str = CLERK
    party: str = ""  # an existing party the lead is about
    notes: str = ""
    qualified: int | None = None  # days ago
    disqualified: tuple[int, str] | None = None  # days ago, reason
    converted: tuple[int, DemoDeal] | None = None  # days ago, the opportunity it became

    @property
    def key(self) -> str:
        return self.company or self.contact


DEMO_LEADS: list[DemoLead] = [
    # new
    DemoLead("Van Dam Hoveniers", "Kees van Dam", "kees@vandamhoveniers.nl", "+31 6 1234 8890", "3453 GH",
             "De Meern", "NL", TRADE_SHOW, 6,
             notes="Visited our stand at the Facility Management fair; wants a catalogue for 8 site offices."),
    DemoLead("", "Ingrid Boersma", "ingrid.boersma@ziggo.nl", "+31 6 4410 2287", "9711 LB", "Groningen", "NL", WEB, 2,
             notes="Web form: home office set (desk, chair, monitor) for herself and her partner."),
    DemoLead("Studio Noord Creatief", "Tim Bakker", "tim@studionoord.nl", "+31 20 337 8120", "1021 KP", "Amsterdam",
             "NL", WEB, 4, notes="Asked for a quote on 6 sit-stand desks for the design studio."),
    DemoLead("Autobedrijf Kok", "Willem Kok", "info@autobedrijfkok.nl", "+31 570 61 4455", "7411 KT", "Deventer", "NL",
             REFERRAL, 11, MANAGER,
             notes="Referred by Henk Mulder (Mulder Installatietechniek): new showroom and two offices."),
    DemoLead("Fischer Medizintechnik GmbH", "Katrin Fischer", "k.fischer@fischer-medtech.de", "+49 441 9250 61",
             "26122", "Oldenburg", "DE", TRADE_SHOW, 8, MANAGER, party="Fischer Medizintechnik GmbH",
             notes="Met at Medica in Düsseldorf: new administration building for 40 staff, moving in next autumn."),
    DemoLead("Lindholm Design AB", "Sara Lindholm", "sara@lindholmdesign.se", "+46 8 702 11 90", "118 47", "Stockholm",
             "SE", WEB, 1, MANAGER, notes="Asked whether we deliver acoustic screens to Stockholm."),
    DemoLead("Tandartspraktijk Zonnehof", "Anne Visser", "balie@tandartszonnehof.nl", "+31 33 461 2290", "3811 MG",
             "Amersfoort", "NL", IMPORT, 45),
    DemoLead("Hoekstra Verzekeringen", "Douwe Hoekstra", "info@hoekstraverzekeringen.nl", "+31 58 212 7744",
             "8911 BK", "Leeuwarden", "NL", IMPORT, 45),
    # qualified
    DemoLead("Stichting Openbaar Onderwijs Zeist", "Hans de Boer", "h.deboer@soozeist.nl", "+31 30 699 4415",
             "3701 GL", "Zeist", "NL", TRADE_SHOW, 35, MANAGER, party="Stichting Openbaar Onderwijs Zeist",
             notes="Replacing the furniture of four school offices next summer; budget approved by the board.",
             qualified=28),
    DemoLead("Notariskantoor Bosman", "Eline Bosman", "eline@bosmannotaris.nl", "+31 70 345 2210", "2514 JA",
             "Den Haag", "NL", REFERRAL, 25,
             notes="Referred by De Vries Advocaten; 9 workplaces, wants advice on ergonomics.", qualified=20),
    DemoLead("Prins Fysiotherapie", "Joost Prins", "joost@prinsfysio.nl", "+31 24 322 1870", "6511 PP", "Nijmegen",
             "NL", WEB, 18, notes="Treatment room stools and a reception desk; wants to try a sample chair.",
             qualified=12),
    DemoLead("Hermans Accountancy BV", "Lies Hermans", "lies@hermansaccountancy.be", "+32 11 24 38 90", "3500",
             "Hasselt", "BE", IMPORT, 45, qualified=30),
    DemoLead("Holmberg Revision AB", "Anders Holmberg", "anders@holmbergrevision.se", "+46 42 13 55 60", "252 21",
             "Helsingborg", "SE", TRADE_SHOW, 40, MANAGER,
             notes="Met at Kontorsmässan in Stockholm; 20 workplaces in a new office.", qualified=33),
    DemoLead("Dekker ICT Diensten", "Ruud Dekker", "ruud@dekker-ict.nl", "+31 10 451 8834", "2903 LS",
             "Capelle aan den IJssel", "NL", REFERRAL, 14, party="Dekker ICT Diensten",
             notes="Second office in Breda opens in spring: 15 workplaces with laptops and docking stations.",
             qualified=9),
    # converted
    DemoLead("Groen Energie Noord B.V.", "Jelle Postma", "j.postma@groenenergienoord.nl", "+31 50 577 8125",
             "9747 AN", "Groningen", "NL", TRADE_SHOW, 95, party="Groen Energie Noord B.V.",
             notes="New Groningen office for 10 engineers; wants desks and chairs in one delivery.", qualified=88,
             converted=(80, DemoDeal("Furniture for the new Groningen office", "7200", NEGOTIATION, 0, 80,
                                     outcome=WON))),
    DemoLead("Huisman Makelaars", "Bas Huisman", "bas@huismanmakelaars.nl", "+31 35 624 1180", "1211 EK",
             "Hilversum", "NL", WEB, 70, notes="Moving to a bigger office: reception and two meeting rooms.",
             qualified=66,
             converted=(60, DemoDeal("Reception and meeting room furniture", "9800", PROPOSAL, 25, 60))),
    DemoLead("Smit Architecten", "Joris Smit", "joris@smitarchitecten.nl", "+31 23 531 6673", "2011 NE", "Haarlem",
             "NL", REFERRAL, 100, MANAGER, party="Smit Architecten",
             notes="Plotter room and archive: cabinets and a large table.", qualified=95,
             converted=(90, DemoDeal("Plotter room and archive cabinets", "5400", PROPOSAL, -20, 90, MANAGER,
                                     outcome=LOST,
                                     lost=(35, "Chose a local carpenter for built-in cabinets instead.")))),
    DemoLead("Van Wijk Schoonmaak B.V.", "Petra van Wijk", "petra@vanwijkschoonmaak.nl", "+31 40 211 9030",
             "5611 AB", "Eindhoven", "NL", IMPORT, 45, qualified=40,
             converted=(38, DemoDeal("Lockers and canteen furniture for 3 depots", "14500", QUALIFICATION, 60, 38))),
    DemoLead("Ostermann Steuerkanzlei", "Jana Ostermann", "j.ostermann@ostermann-stb.de", "+49 251 4829 30", "48143",
             "Münster", "DE", TRADE_SHOW, 85, MANAGER,
             notes="Complete fit-out of the new office: 25 workplaces and 2 meeting rooms.", qualified=78,
             converted=(72, DemoDeal("Complete fit-out of the new Münster office", "38500", NEGOTIATION, 14, 72,
                                     MANAGER))),
    DemoLead("Jacobs Catering", "Evi Jacobs", "evi@jacobscatering.be", "+32 15 41 22 70", "2800", "Mechelen", "BE",
             WEB, 55, notes="Coffee, tea and consumables for their office and 3 kitchens.", qualified=52,
             converted=(48, DemoDeal("Coffee and consumables contract", "4800", PROPOSAL, -5, 48, outcome=LOST,
                                     lost=(12, "Kept their current supplier after a price match.")))),
    DemoLead("Eklund Logistik AB", "Sofia Lind", "sofia.lind@eklundlogistik.se", "+46 11 12 90 52", "602 32",
             "Norrköping", "SE", REFERRAL, 65, MANAGER, party="Eklund Logistik AB",
             notes="The planning department of 14 moves to a new floor.", qualified=60,
             converted=(56, DemoDeal("Ergonomic workplaces for the planning department", "12600", PROPOSAL, 40, 56,
                                     MANAGER))),
    # disqualified
    DemoLead("", "Ali Yilmaz", "ali.yilmaz@hotmail.com", "+31 6 5512 3370", "3532 AB", "Utrecht", "NL", WEB, 30,
             notes="Looking for one second-hand office chair.",
             disqualified=(29, "Private person asking for a single used chair: we do not sell second-hand.")),
    DemoLead("Bakkerij Ter Horst", "Gerda ter Horst", "info@bakkerijterhorst.nl", "+31 74 291 4410", "7551 CD",
             "Hengelo", "NL", IMPORT, 45,
             disqualified=(40, "Business closed: the Chamber of Commerce register lists it as dissolved.")),
    DemoLead("Studievereniging Machina", "Lucas Verbeek", "bestuur@svmachina.nl", "", "5612 AZ", "Eindhoven", "NL",
             TRADE_SHOW, 60, MANAGER, notes="Student association met at the fair.",
             disqualified=(58, "Asked for sponsoring, not for a purchase.")),
    DemoLead("Kontorsmöbler Direkt AB", "Patrik Ström", "patrik@kontorsmoblerdirekt.se", "+46 8 55 90 12 00",
             "169 70", "Solna", "SE", WEB, 50, MANAGER,
             disqualified=(49, "A competitor asking for our price list.")),
    DemoLead("Visser Uitzendbureau", "Karin Visser", "karin.visser@visseruitzend.nl", "+31 38 421 0506", "8011 LW",
             "Zwolle", "NL", REFERRAL, 28, party="Visser Uitzendbureau",
             notes="New branch in Kampen needs 6 workplaces.", qualified=24,
             disqualified=(10, "Customer is blocked by the credit insurer: no new business until cover is restored.")),
    DemoLead("Meubelhandel Oost", "Rik Oosterhuis", "info@meubelhandeloost.nl", "+31 53 430 1180", "7511 JE",
             "Enschede", "NL", IMPORT, 45,
             disqualified=(35, "Phone number out of service and email bounces: no way to reach them.")),
]  # fmt: skip

# Deals recorded directly on a party, without a lead before them.
DEMO_DEALS: list[DemoDeal] = [
    DemoDeal("Framework agreement office chairs 2027", "58000", NEGOTIATION, 45, 50, MANAGER,
             "Van den Berg Kantoorinrichting B.V.",
             description="Yearly call-off of about 200 chairs for their own customers; a price per quarter volume."),
    DemoDeal("Canteen and locker room Waalhaven", "21400", PROPOSAL, 30, 34, CLERK, "Bakker Logistiek B.V.",
             description="Canteen for 60 drivers and 80 lockers; delivery during the Christmas stop."),
    DemoDeal("Sit-stand desks for the new outpatient wing", "16500", NEGOTIATION, 0, 62, CLERK, "Zorggroep Hoogeveen",
             outcome=WON, description="20 consultation rooms, installation included."),
    DemoDeal("Meeting rooms refurbishment", "17800", QUALIFICATION, 60, 21, CLERK, "De Vries Advocaten",
             description="Three meeting rooms: table, chairs, whiteboard and a speakerphone each."),
    DemoDeal("Resale range: monitor arms and docking stations", "9500", PROSPECTING, 75, 9, MANAGER,
             "Lindqvist Kontorsvaror AB"),
    DemoDeal("Acoustic screens for open-plan offices", "26000", PROPOSAL, 35, 27, MANAGER,
             "Weber Büroausstattung GmbH"),
    DemoDeal("Site office kits for 12 building sites", "11300", QUALIFICATION, 50, 16, CLERK, "Brouwer Bouw B.V.",
             description="A desk, a chair and a filing cabinet per site office."),
    DemoDeal("Reception redesign", "3200", PROSPECTING, 80, 5, CLERK, "Peters Tandartsen"),
    DemoDeal("Laptops and headsets for the customer service team", "22800", PROPOSAL, -10, 70, MANAGER,
             "Hoffmann Logistik GmbH", outcome=LOST,
             lost=(15, "Went with the cheaper offer of their IT leasing partner.")),
    DemoDeal("Conference room audio and video", "6400", PROSPECTING, 85, 3, MANAGER, "Sjöberg & Holm Advokatbyrå"),
    DemoDeal("Consumables subscription for 5 showrooms", "7200", QUALIFICATION, 40, 19, CLERK,
             "Peeters Interieur BV"),
    DemoDeal("Home office set", "1650", NEGOTIATION, 7, 10, CLERK, "Sanne de Jong"),
    DemoDeal("Waiting room furniture", "4100", PROSPECTING, 70, 12, MANAGER, "Fjällsjö Tandvård AB"),
    DemoDeal("Printers and toner contract", "19900", NEGOTIATION, 20, 44, MANAGER, "Dubois Bureautique SA"),
]  # fmt: skip

IMPORT_COLUMNS = ["company", "contact", "email", "phone", "postcode", "city", "country", "owner", "notes"]


@dataclass
class DemoPipeline:
    """What was built, by the names the demo's activities and campaigns refer to."""

    leads: dict[str, Lead] = field(default_factory=dict)
    opportunities: dict[str, Opportunity] = field(default_factory=dict)
    to_win: list[Opportunity] = field(default_factory=list)


def stages_by_name() -> dict[str, OpportunityStage]:
    return {stage.name: stage for stage in OpportunityStage.objects.filter(active=True)}


def _close_date(history: DemoHistory, deal: DemoDeal) -> datetime.date:
    return history.today + datetime.timedelta(days=deal.close_in)


class PipelineStory:
    """The steps of each lead and deal, planned on the demo's history and run when it plays."""

    def __init__(self, *, users: dict, history: DemoHistory, pipeline: DemoPipeline):
        self.users, self.history, self.pipeline = users, history, pipeline
        self.parties = {party.name: party for party in Party.objects.all()}

    # leads

    def plan_leads(self, specs: list[DemoLead]) -> None:
        imported = [spec for spec in specs if spec.source == IMPORT]
        import_at = self.history.at(max(spec.days_ago for spec in imported), 9, 15) if imported else None
        if imported:
            self.history.on(import_at, partial(self.imported, imported))
        for spec in specs:
            moment = import_at if spec.source == IMPORT else self.history.at(spec.days_ago)
            if spec.source != IMPORT:
                self.history.on(moment, partial(self.typed_in, spec))
            if spec.qualified is not None:
                moment = self.history.after(moment, spec.qualified)
                self.history.on(moment, partial(self.qualified, spec))
            if spec.disqualified is not None:
                moment = self.history.after(moment, spec.disqualified[0])
                self.history.on(moment, partial(self.disqualified, spec))
            if spec.converted is not None:
                moment = self.history.after(moment, spec.converted[0])
                self.history.on(moment, partial(self.converted, spec))

    def imported(self, specs: list[DemoLead], moment: datetime.datetime) -> None:
        """The register extract, imported as a clerk would: one CSV file through the lead import."""
        text = io.StringIO()
        writer = csv.writer(text, delimiter=";")
        writer.writerow(IMPORT_COLUMNS)
        for spec in specs:
            writer.writerow(
                [spec.company, spec.contact, spec.email, spec.phone, spec.postcode, spec.city, spec.country]
                + [spec.owner, spec.notes]
            )
        leads = lead_import(file=text.getvalue().encode(), by=self.users[CLERK])
        for spec, lead in zip(specs, leads, strict=True):
            self.history.stamp(lead, created_at=moment)
            self.pipeline.leads[spec.key] = lead

    def typed_in(self, spec: DemoLead, moment: datetime.datetime) -> None:
        lead = lead_create(
            by=self.users[spec.owner],
            company_name=spec.company,
            contact_name=spec.contact,
            email=spec.email,
            phone=spec.phone,
            postcode=spec.postcode,
            city=spec.city,
            country=spec.country,
            source=spec.source,
            party=self.parties.get(spec.party),
            owner=self.users[spec.owner],
            notes=spec.notes,
        )
        self.history.stamp(lead, created_at=moment)
        self.pipeline.leads[spec.key] = lead

    def qualified(self, spec: DemoLead, moment: datetime.datetime) -> None:
        lead = lead_qualify(lead=self.pipeline.leads[spec.key], by=self.users[spec.owner])
        self.history.stamp(lead, qualified_at=moment)
        self.pipeline.leads[spec.key] = lead

    def disqualified(self, spec: DemoLead, moment: datetime.datetime) -> None:
        lead = self.pipeline.leads[spec.key]
        lead = lead_disqualify(lead=lead, by=self.users[spec.owner], reason=spec.disqualified[1])
        self.history.stamp(lead, disqualified_at=moment)
        self.pipeline.leads[spec.key] = lead

    def converted(self, spec: DemoLead, moment: datetime.datetime) -> None:
        self.lead_converted(spec.key, spec.converted[1], moment, new_party=not spec.party)

    def lead_converted(self, key: str, deal: DemoDeal, moment: datetime.datetime, *, new_party: bool) -> None:
        lead = self.pipeline.leads[key]
        opportunity = lead_convert(
            lead=lead,
            by=self.users[deal.owner],
            opportunity_name=deal.name,
            expected_revenue=Decimal(deal.revenue),
            stage=stages_by_name().get(deal.stage),
            expected_close_date=_close_date(self.history, deal),
        )
        self.history.stamp(lead, converted_at=moment)
        self.history.stamp(opportunity, created_at=moment)
        if new_party:
            # A lead about no known party became a new prospect when it was converted.
            self.history.stamp(opportunity.party, created_at=moment)
        self.pipeline.leads[key] = Lead.objects.get(pk=lead.pk)
        self.deal_opened(opportunity, deal, moment)

    # deals

    def plan_deals(self, deals: list[DemoDeal]) -> None:
        for deal in deals:
            self.history.on(self.history.at(deal.days_ago), partial(self.recorded, deal))

    def recorded(self, deal: DemoDeal, moment: datetime.datetime) -> None:
        party = self.parties[deal.party]
        opportunity = opportunity_create(
            by=self.users[deal.owner],
            party=party,
            name=deal.name,
            stage=stages_by_name().get(deal.stage),
            owner=self.users[deal.owner],
            expected_revenue=Decimal(deal.revenue),
            expected_close_date=_close_date(self.history, deal),
            contact=Contact.objects.filter(party=party, is_primary=True).first(),
            description=deal.description,
        )
        self.history.stamp(opportunity, created_at=moment)
        self.deal_opened(opportunity, deal, moment)

    def deal_opened(self, opportunity: Opportunity, deal: DemoDeal, moment: datetime.datetime) -> None:
        """Plan how the deal ends: lost on its day; won deals wait for their sales order (demo.sales)."""
        self.pipeline.opportunities[deal.name] = opportunity
        if deal.outcome == LOST:
            self.history.on(self.history.after(moment, deal.lost[0]), partial(self.lost, deal))
        elif deal.outcome == WON:
            self.pipeline.to_win.append(opportunity)

    def lost(self, deal: DemoDeal, moment: datetime.datetime) -> None:
        opportunity = opportunity_lose(
            opportunity=self.pipeline.opportunities[deal.name], by=self.users[deal.owner], reason=deal.lost[1]
        )
        self.history.stamp(opportunity, closed_at=moment)
        self.pipeline.opportunities[deal.name] = opportunity


def demo_pipeline_plan(*, users: dict, history: DemoHistory, pipeline: DemoPipeline) -> PipelineStory:
    """~28 leads in every state (the converted ones with their opportunities) and ~14 deals recorded directly,
    planned on ``history``; they are built when it plays."""
    story = PipelineStory(users=users, history=history, pipeline=pipeline)
    story.plan_leads(DEMO_LEADS)
    story.plan_deals(DEMO_DEALS)
    return story
