import uuid
from datetime import date, datetime, time, timedelta

from odoo import SUPERUSER_ID, Command, api, fields
from odoo.addons.childcare_base.tests.common import ACCESS_LOGGERS, ChildcareCase
from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.tests import TransactionCase


def next_monday(day, weeks=0):
    """The Monday on or after ``day``, plus ``weeks`` weeks."""
    return day + timedelta(days=(7 - day.weekday()) % 7, weeks=weeks)


class CampCase(ChildcareCase):
    """One camp organiser, one camp and the families who register for it.

    - ``structure_camps`` (camp organiser) runs ``camp`` (``user_organiser`` is its staff, ``user_leader``
      leads the camp): Monday to Friday about two months from today, 20 seats, ages 6 to 12 on the first
      day (72-144 months), school levels P1 to P6, resident ticket €100 and non-resident ticket €150
      (products ``product_resident`` and ``product_non_resident``), sibling reduction 10 %, refund in full up
      to 14 days before; registrations opened yesterday.
    - family A (resident, guardians ``user_portal_a`` and ``user_portal_a2``) with Emma (9, P4) and Noah
      (7, P2); family B (non-resident, guardian ``user_portal_b``) with Lucas (8, P3). Each child has a
      medical sheet valid one year.
    - ``request(family, children, camps)`` registers children as the family's guardian does on the portal.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env["event.event"])

        def user(login, groups, **kw):
            return mail_new_test_user(
                cls.env,
                login=login,
                groups=groups,
                company_id=cls.company.id,
                company_ids=[Command.set(cls.company.ids)],
                **kw,
            )

        cls.user_organiser = user("camp_organiser", "base.group_user,youth_camps.group_camp_organiser")
        cls.user_organiser_other = user("camp_organiser_other", "base.group_user,youth_camps.group_camp_organiser")
        cls.user_leader = user("camp_leader", "base.group_user,youth_camps.group_camp_leader")
        cls.user_leader_other = user("camp_leader_other", "base.group_user,youth_camps.group_camp_leader")
        cls.user_portal_a2 = user("cc_portal_a2", "base.group_portal", email="a2@example.com")
        cls.user_portal_a.partner_id.email = "a@example.com"
        cls.user_portal_b.partner_id.email = "b@example.com"

        Structure = cls.env["childcare.structure"]
        cls.structure_camps = Structure.create(
            {
                "name": "Service Jeunesse - Stages",
                "structure_type": "camp_organiser",
                "staff_ids": [Command.set(cls.user_organiser.ids)],
            }
        )
        cls.structure_camps_other = Structure.create(
            {
                "name": "ASBL Les Explorateurs",
                "structure_type": "camp_organiser",
                "staff_ids": [Command.set(cls.user_organiser_other.ids)],
            }
        )
        Product = cls.env["product.product"]
        cls.product_resident = Product.create(
            {"name": "Camp (resident)", "type": "service", "service_tracking": "event", "list_price": 100.0}
        )
        cls.product_non_resident = Product.create(
            {"name": "Camp (non-resident)", "type": "service", "service_tracking": "event", "list_price": 150.0}
        )
        cls.theme_nature = cls.env["event.tag"].create(
            {
                "name": "Nature",
                "category_id": cls.env["event.tag.category"].create({"name": "Camp themes"}).id,
            }
        )
        cls.camp_first_day = next_monday(cls.today + timedelta(days=60))
        cls.camp = cls.create_camp("Nature week", cls.camp_first_day)

        cls.family_a.guardian_ids = [
            Command.create({"partner_id": cls.user_portal_a2.partner_id.id, "relationship": "father"})
        ]
        cls.family_b.is_resident = False

        def born(years, months=0):
            return cls.camp_first_day - timedelta(days=round(years * 365.25 + months * 30.5))

        cls.child_emma = cls.create_child(
            cls.family_a, "Emma", "Dupont", born(9, 2), cls.structure_camps, school_level="p4"
        )
        cls.child_noah = cls.create_child(
            cls.family_a, "Noah", "Dupont", born(7, 3), cls.structure_camps, school_level="p2"
        )
        cls.child_lucas = cls.create_child(
            cls.family_b, "Lucas", "Janssens", born(8, 1), cls.structure_camps, school_level="p3"
        )
        cls.env["childcare.medical.sheet"].create(
            [
                {"child_id": child.id, "date_valid_until": cls.today + timedelta(days=365)}
                for child in cls.child_emma | cls.child_noah | cls.child_lucas
            ]
        )

    @classmethod
    def create_camp(cls, name, first_day, days=5, seats=20, **values):
        """A camp of ``days`` days from ``first_day`` (09:00-16:00 Brussels time) with its two tickets."""
        last_day = first_day + timedelta(days=days - 1)
        camp = cls.env["event.event"].create(
            {
                "name": name,
                "is_camp": True,
                "date_tz": "Europe/Brussels",
                "date_begin": cls.brussels_to_utc(first_day, 9),
                "date_end": cls.brussels_to_utc(last_day, 16),
                "seats_limited": True,
                "seats_max": seats,
                "camp_organiser_id": cls.structure_camps.id,
                "camp_theme_ids": [Command.set(cls.theme_nature.ids)],
                "camp_age_min_months": 72,
                "camp_age_max_months": 144,
                "camp_school_level_min": "p1",
                "camp_school_level_max": "p6",
                "camp_registration_open": fields.Datetime.now() - timedelta(days=1),
                "camp_sibling_reduction": 10.0,
                "camp_refund_days": 14,
                "camp_payment_days": 7,
                "camp_leader_ids": [Command.set(cls.user_leader.ids)],
                "event_mail_ids": [Command.clear()],
                "event_ticket_ids": [
                    Command.create({"name": "Resident", "product_id": cls.product_resident.id, "price": 100.0}),
                    Command.create({"name": "Non-resident", "product_id": cls.product_non_resident.id, "price": 150.0}),
                ],
                **values,
            }
        )
        tickets = camp.event_ticket_ids.sorted("price")
        camp.write({"camp_resident_ticket_id": tickets[0].id, "camp_non_resident_ticket_id": tickets[1].id})
        return camp

    @staticmethod
    def brussels_to_utc(day, hour):
        """Naive UTC datetime of ``hour`` o'clock on ``day`` in Brussels."""
        import pytz

        local = pytz.timezone("Europe/Brussels").localize(datetime.combine(day, time(hour)))
        return local.astimezone(pytz.utc).replace(tzinfo=None)

    def camp_today(self, camp=None):
        """Today at the camp's place (its time zone), the day the flow counts its deadlines from."""
        camp = camp or self.camp
        return fields.Date.context_today(camp.with_context(tz=camp.date_tz))

    def guardian_user(self, family):
        return {
            self.family_a: self.user_portal_a,
            self.family_b: self.user_portal_b,
        }[family]

    def request(self, family, children, camps, user=None, slot=None):
        """Register ``children`` of ``family`` for each of ``camps`` as a guardian does on the portal (one
        request per camp, as the portal sends them); returns the registrations."""
        user = user or self.guardian_user(family)
        registrations = self.env["event.registration"]
        for camp in camps:
            _request, created = (
                self.env["youth_camps.request"]
                .with_user(user)
                ._camp_portal_register(children.ids, camp.id, slot_id=slot and slot.id)
            )
            registrations |= created
        return registrations.with_env(self.env)

    @classmethod
    def make_child(cls, family, first, years, level="p3", sheet_days=365):
        """Another child of ``family``, ``years`` old on the camp's first day, with a medical sheet."""
        child = cls.create_child(
            family,
            first,
            family.name,
            cls.camp_first_day - timedelta(days=round(years * 365.25)),
            cls.structure_camps,
            school_level=level,
        )
        if sheet_days is not None:
            cls.env["childcare.medical.sheet"].create(
                {"child_id": child.id, "date_valid_until": cls.today + timedelta(days=sheet_days)}
            )
        return child


__all__ = ["ACCESS_LOGGERS", "CampCase", "date", "next_monday"]


class CommittedCampCase(TransactionCase):
    """Concurrent transactions (threads on their own cursors) only see committed rows: the fixture of a camp,
    its organiser, families and children is committed in a cursor of its own, and everything on it (fixture and
    what the threads created) is deleted at the end. Subclasses add to it in ``_commit_fixture(env, fixture)``."""

    THREADS = 4
    SEATS = 2
    #: extra values of the committed camp
    CAMP_VALUES = {}

    def setUp(self):
        super().setUp()
        self.tag = uuid.uuid4().hex[:8]
        self.fixture = {}
        self.addCleanup(self.cleanup)
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            company = env.ref("base.main_company")
            today = fields.Date.context_today(env["event.event"])
            first_day = today + timedelta(days=60 + (7 - today.weekday()) % 7)
            organiser = env["childcare.structure"].create(
                {"name": f"Organiser {self.tag}", "structure_type": "camp_organiser", "company_id": company.id}
            )
            camp = env["event.event"].create(
                {
                    "name": f"Camp {self.tag}",
                    "is_camp": True,
                    "company_id": company.id,
                    "date_tz": "Europe/Brussels",
                    "date_begin": CampCase.brussels_to_utc(first_day, 9),
                    "date_end": CampCase.brussels_to_utc(first_day + timedelta(days=4), 16),
                    "seats_limited": True,
                    "seats_max": self.SEATS,
                    "camp_organiser_id": organiser.id,
                    "event_mail_ids": [Command.clear()],
                    **self.CAMP_VALUES,
                }
            )
            families = env["childcare.family"].create(
                [{"name": f"Family {index} {self.tag}", "company_id": company.id} for index in range(self.THREADS)]
            )
            children = env["childcare.child"].create(
                [
                    {
                        "first_name": f"Child {index}",
                        "last_name": self.tag,
                        "birthdate": first_day - timedelta(days=365 * 8),
                        "school_level": "p3",
                        "company_id": company.id,
                        "family_child_ids": [Command.create({"family_id": family.id, "custody_share": 100})],
                    }
                    for index, family in enumerate(families)
                ]
            )
            fixture = {
                "company": company.id,
                "today": today,
                "organiser": organiser.id,
                "camp": camp.id,
                "families": families.ids,
                "family_partners": families.partner_id.ids,
                "children": children.ids,
                "users": [],
                "partners": [],
            }
            self._commit_fixture(env, fixture)
            self.fixture = fixture

    def _commit_fixture(self, env, fixture):
        """Hook: add records to the committed fixture (same cursor), noting their ids in ``fixture``."""

    def _cleanup_extra(self, env, fixture):
        """Hook: delete what ``_commit_fixture`` added, before the camp, children and families go."""

    def cleanup(self):
        """Delete what this test committed: the registrations and requests on the camp, then the fixture."""
        if not self.fixture:
            return
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"active_test": False})
            fixture = self.fixture
            registrations = env["event.registration"].search([("event_id", "=", fixture["camp"])])
            requests = registrations.request_id | env["youth_camps.request"].search(
                [("family_id", "in", fixture["families"])]
            )
            env["mail.mail"].search(
                [("model", "=", "event.registration"), ("res_id", "in", registrations.ids)]
            ).unlink()
            registrations.unlink()
            requests.unlink()
            self._cleanup_extra(env, fixture)
            env["event.event"].browse(fixture["camp"]).unlink()
            children = env["childcare.child"].browse(fixture["children"])
            env["childcare.medical.sheet"].search([("child_id", "in", children.ids)]).unlink()
            children.unlink()
            env["childcare.family"].browse(fixture["families"]).unlink()
            env["childcare.structure"].browse(fixture["organiser"]).unlink()
            env["res.users"].browse(fixture["users"]).unlink()
            env["res.partner"].browse(fixture["partners"] + fixture["family_partners"]).unlink()
