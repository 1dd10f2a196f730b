import base64
from datetime import date, timedelta

from lxml import etree

from odoo import fields
from odoo.addons.childcare_base.tests.common import ACCESS_LOGGERS
from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import BillingCase

#: the municipality's account, the families' accounts (valid IBANs) and a Belgian SEPA creditor identifier
#: (BE, check digits, business code ZZZ, enterprise number 0207.347.495)
COMPANY_IBAN = "BE71096123456769"
IBAN_A = "BE62510007547061"
IBAN_B = "BE43068999999501"
BAD_IBAN = "BE62510007547062"  # one digit off: the IBAN's checksum fails
BAD_ACCOUNT = "BE35510007547062"  # the IBAN's checksum passes, the Belgian account number's does not
CREDITOR_ID = "BE43ZZZ0207347495"


def pain002(message_id, creditor_iban, transactions):
    """A pain.002.001.03 status report of the creditor's bank rejecting ``transactions``:
    [(end-to-end id, amount, reason code, debtor name, debtor IBAN)]."""
    rows = "".join(
        f"""
      <TxInfAndSts>
        <StsId>{index}</StsId>
        <OrgnlEndToEndId>{e2e}</OrgnlEndToEndId>
        <TxSts>RJCT</TxSts>
        <StsRsnInf><Rsn><Cd>{reason}</Cd></Rsn></StsRsnInf>
        <OrgnlTxRef>
          <Amt><InstdAmt Ccy="EUR">{amount}</InstdAmt></Amt>
          <ReqdColltnDt>2026-01-05</ReqdColltnDt>
          <Dbtr><Nm>{name}</Nm></Dbtr>
          <DbtrAcct><Id><IBAN>{iban}</IBAN></Id></DbtrAcct>
          <CdtrAcct><Id><IBAN>{creditor_iban}</IBAN></Id></CdtrAcct>
        </OrgnlTxRef>
      </TxInfAndSts>"""
        for index, (e2e, amount, reason, name, iban) in enumerate(transactions, 1)
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.03">
  <CstmrPmtStsRpt>
    <GrpHdr><MsgId>{message_id}</MsgId><CreDtTm>2026-01-06T09:30:00</CreDtTm></GrpHdr>
    <OrgnlGrpInfAndSts>
      <OrgnlMsgId>ORIGINAL</OrgnlMsgId><OrgnlMsgNmId>pain.008.001.08</OrgnlMsgNmId><GrpSts>PART</GrpSts>
    </OrgnlGrpInfAndSts>
    <OrgnlPmtInfAndSts>
      <OrgnlPmtInfId>LOT1</OrgnlPmtInfId>{rows}
    </OrgnlPmtInfAndSts>
  </CstmrPmtStsRpt>
</Document>""".encode()


def camt054(notification_id, creditor_iban, e2e, *, amount, reason, name, iban):
    """A camt.054.001.02 debit notification: the bank took back a collected debit."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.02">
  <BkToCstmrDbtCdtNtfctn>
    <GrpHdr><MsgId>{notification_id}-MSG</MsgId><CreDtTm>2026-01-08T08:00:00</CreDtTm></GrpHdr>
    <Ntfctn>
      <Id>{notification_id}</Id>
      <CreDtTm>2026-01-08T08:00:00</CreDtTm>
      <Acct><Id><IBAN>{creditor_iban}</IBAN></Id></Acct>
      <Ntry>
        <Amt Ccy="EUR">{amount}</Amt>
        <CdtDbtInd>DBIT</CdtDbtInd>
        <Sts>BOOK</Sts>
        <BookgDt><Dt>2026-01-08</Dt></BookgDt>
        <NtryDtls>
          <TxDtls>
            <Refs><EndToEndId>{e2e}</EndToEndId></Refs>
            <AmtDtls><TxAmt><Amt Ccy="EUR">{amount}</Amt></TxAmt></AmtDtls>
            <RltdPties><Dbtr><Nm>{name}</Nm></Dbtr><DbtrAcct><Id><IBAN>{iban}</IBAN></Id></DbtrAcct></RltdPties>
            <RtrInf><Rsn><Cd>{reason}</Cd></Rsn></RtrInf>
          </TxDtls>
        </NtryDtls>
      </Ntry>
    </Ntfctn>
  </BkToCstmrDbtCdtNtfctn>
</Document>""".encode()


@tagged("post_install", "-at_install")
class TestDirectDebit(BillingCase):
    """October 2025 of families A (€232.50) and B (€345.00) collected by SEPA Core direct debit through OCA's
    payment orders; the bank's returns re-open the invoices."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.attend_month()
        cls.validate_month()
        cls.accountant = mail_new_test_user(
            cls.env,
            login="cc_dd_accountant",
            groups="base.group_user,account.group_account_manager,account_payment_batch_oca.group_account_payment",
            company_id=cls.company.id,
        )
        eur = cls.env.ref("base.EUR")
        if cls.company.currency_id != eur:
            # A database made by `odoo db init --country be` may leave the main company on the generic chart in
            # USD (with demo entries, so its currency cannot change): the invoices are then billed in EUR (SEPA),
            # at par so that the amounts read the same in both currencies.
            cls.env["res.currency.rate"].create(
                {"currency_id": eur.id, "company_id": cls.company.id, "name": "2025-01-01", "rate": 1.0}
            )
            cls.journal.currency_id = eur
        cls.company.sepa_creditor_identifier = False
        cls.env["res.company"]._childcare_setup_direct_debit(
            [cls.company.id], iban=COMPANY_IBAN, bic="GKCCBEBB", creditor_identifier=CREDITOR_ID
        )
        cls.family_a.partner_id.email = "dupont@example.com"
        cls.family_b.partner_id.email = "janssens@example.com"
        cls.family_a.lang = cls.family_a.partner_id.lang = "fr_FR"
        # municipal staff register family A's signed mandate from the family
        cls.mandate_a = cls.new_mandate(cls.family_a, IBAN_A, "CC-DUPONT-0001", date(2025, 9, 15))

    @classmethod
    def new_mandate(cls, family, iban, reference, signed, user=None):
        wizard = (
            cls.env["childcare.mandate.wizard"]
            .with_user(user or cls.user_manager)
            .create(
                {
                    "family_id": family.id,
                    "iban": iban,
                    "unique_mandate_reference": reference,
                    "signature_date": signed,
                }
            )
        )
        action = wizard.action_create()
        return cls.env["account.banking.mandate"].browse(action["res_id"])

    def invoice_of(self, run, family):
        return run.move_ids.filtered(lambda move: move.childcare_family_id == family)

    def pain008(self, order):
        root = etree.fromstring(base64.b64decode(order.payment_file_id.datas))
        return root, {"p": root.nsmap[None]}

    # ------------------------------------------------------------------ set-up
    def test_company_setup(self):
        method_line = self.env["res.company"]._childcare_debit_method_line(self.company)
        self.assertEqual(method_line.payment_method_id.code, "sepa_direct_debit")
        self.assertTrue(method_line.selectable and method_line.payment_order_ok and method_line.mail_notif)
        self.assertTrue(method_line.payment_account_id, "a debit makes a journal entry that a return can reverse")
        self.assertEqual(method_line.journal_id.bank_account_id.sanitized_acc_number, COMPANY_IBAN)
        self.assertEqual(self.company.sepa_creditor_identifier, CREDITOR_ID)
        # running it again (module update) keeps what the accountant chose
        method_line.mail_notif = False
        self.env["res.company"]._childcare_setup_direct_debit([self.company.id])
        self.assertFalse(method_line.mail_notif)
        # a wrong creditor identifier is refused (OCA)
        with self.assertRaisesRegex(ValidationError, "invalid"):
            self.company.sepa_creditor_identifier = "BE44ZZZ0207347495"

    # ------------------------------------------------------------------ mandates
    def test_mandate_from_the_family(self):
        mandate = self.mandate_a
        self.assertEqual(mandate.state, "valid")
        self.assertEqual(mandate.format, "sepa_core")
        self.assertEqual(mandate.unique_mandate_reference, "CC-DUPONT-0001")
        self.assertEqual(mandate.signature_date, date(2025, 9, 15))
        self.assertEqual(mandate.partner_id, self.family_a.partner_id)
        self.assertEqual(mandate.partner_bank_id.sanitized_acc_number, IBAN_A)
        self.assertEqual(mandate.partner_bank_id.acc_type, "iban")
        family = self.family_a.with_user(self.user_manager)
        self.assertEqual(family.mandate_ids, mandate)
        self.assertTrue(family.has_valid_mandate)
        self.assertFalse(self.family_b.with_user(self.user_manager).has_valid_mandate)
        Family = self.env["childcare.family"].with_user(self.user_manager)
        families = self.family_a | self.family_b
        self.assertEqual(Family.search([("id", "in", families.ids), ("has_valid_mandate", "=", True)]), self.family_a)
        self.assertEqual(Family.search([("id", "in", families.ids), ("has_valid_mandate", "=", False)]), self.family_b)
        # without a reference, OCA's sequence numbers the mandate
        mandate_b = self.new_mandate(self.family_b, IBAN_B, False, date(2025, 10, 1), user=self.accountant)
        self.assertTrue(mandate_b.unique_mandate_reference)
        self.assertNotEqual(mandate_b.unique_mandate_reference, "New")

    def test_mandate_bad_input(self):
        Mandate = self.env["account.banking.mandate"]
        Bank = self.env["res.partner.bank"]
        mandates, banks = Mandate.search_count([]), Bank.search_count([])
        # an invalid IBAN
        for iban in (BAD_IBAN, BAD_ACCOUNT, "BE62 5100", "not an iban"):
            with self.assertRaisesRegex(ValidationError, "not a valid IBAN"):
                self.new_mandate(self.family_b, iban, "CC-JANSSENS-1", date(2025, 10, 1))
        # a reference already used in the municipality, whatever its case
        with self.assertRaisesRegex(ValidationError, "CC-DUPONT-0001 is already used"):
            self.new_mandate(self.family_b, IBAN_B, "CC-DUPONT-0001", date(2025, 10, 1))
        with self.assertRaisesRegex(ValidationError, "already used"):
            self.new_mandate(self.family_b, IBAN_B, "cc-dupont-0001", date(2025, 10, 1))
        # also through OCA's own form (no wizard)
        bank_b = Bank.create({"acc_number": IBAN_B, "partner_id": self.family_b.partner_id.id})
        with self.assertRaisesRegex(ValidationError, "already used"):
            Mandate.create(
                {
                    "partner_id": self.family_b.partner_id.id,
                    "partner_bank_id": bank_b.id,
                    "unique_mandate_reference": "CC-DUPONT-0001",
                    "signature_date": "2025-10-01",
                }
            )
        with self.assertRaisesRegex(ValidationError, "already used"):
            Mandate.create(
                [
                    {"partner_id": self.family_b.partner_id.id, "unique_mandate_reference": "CC-SAME"},
                    {"partner_id": self.family_b.partner_id.id, "unique_mandate_reference": "CC-SAME"},
                ]
            )
        # a signature in the future (OCA)
        with self.assertRaisesRegex(ValidationError, "future"):
            self.new_mandate(self.family_b, IBAN_B, "CC-JANSSENS-2", fields.Date.today() + timedelta(days=3))
        self.assertEqual(Mandate.search_count([]), mandates)
        self.assertEqual(Bank.search_count([]), banks + 1)  # only bank_b, created by the test itself

    # ------------------------------------------------------------------ the debit order of a run
    def test_pain008_of_a_run(self):
        run = self.run_month()
        invoice_a, invoice_b = self.invoice_of(run, self.family_a), self.invoice_of(run, self.family_b)
        action = run.with_user(self.user_manager).action_create_direct_debit()
        order = run.debit_order_id
        # municipal staff do not open OCA's payment orders: the run shows the file
        self.assertEqual(action["tag"], "soft_reload")
        self.assertEqual(order.state, "generated")
        self.assertEqual(order.payment_type, "inbound")
        self.assertEqual(order.payment_method_id.code, "sepa_direct_debit")
        self.assertEqual(run.debit_file_id, order.payment_file_id)
        self.assertTrue(run.debit_file_name.endswith(".xml"))
        # only family A has a mandate: family B is left out and pays by transfer
        self.assertEqual(order.payment_line_ids.move_line_id.move_id, invoice_a)
        self.assertEqual(order.total_company_currency, 232.50)
        self.assertTrue(invoice_a.childcare_in_collection)
        self.assertFalse(invoice_b.childcare_in_collection)
        self.assertEqual(
            self.env["account.move"].search(
                [("childcare_in_collection", "=", True), ("childcare_run_id", "=", run.id)]
            ),
            invoice_a,
        )
        # the pre-notification gives the family 14 days
        self.assertEqual(order.date_scheduled, fields.Date.today() + timedelta(days=14))
        root, ns = self.pain008(order)
        self.assertTrue(root.nsmap[None].endswith("pain.008.001.08"))
        self.assertEqual(root.xpath("//p:GrpHdr/p:NbOfTxs", namespaces=ns)[0].text, "1")
        self.assertEqual(root.xpath("//p:GrpHdr/p:CtrlSum", namespaces=ns)[0].text, "232.50")
        self.assertEqual(root.xpath("//p:PmtInf/p:PmtTpInf/p:LclInstrm/p:Cd", namespaces=ns)[0].text, "CORE")
        self.assertEqual(root.xpath("//p:PmtInf/p:PmtTpInf/p:SeqTp", namespaces=ns)[0].text, "RCUR")
        self.assertEqual(root.xpath("//p:PmtInf/p:CdtrAcct/p:Id/p:IBAN", namespaces=ns)[0].text, COMPANY_IBAN)
        self.assertEqual(root.xpath("//p:CdtrSchmeId/p:Id/p:PrvtId/p:Othr/p:Id", namespaces=ns)[0].text, CREDITOR_ID)
        self.assertEqual(
            root.xpath("//p:PmtInf/p:ReqdColltnDt", namespaces=ns)[0].text, order.date_scheduled.isoformat()
        )
        tx = root.xpath("//p:DrctDbtTxInf", namespaces=ns)
        self.assertEqual(len(tx), 1)
        self.assertEqual(tx[0].xpath("p:InstdAmt", namespaces=ns)[0].text, "232.50")
        self.assertEqual(tx[0].xpath("p:InstdAmt", namespaces=ns)[0].get("Ccy"), "EUR")
        self.assertEqual(tx[0].xpath(".//p:MndtId", namespaces=ns)[0].text, "CC-DUPONT-0001")
        self.assertEqual(tx[0].xpath(".//p:DtOfSgntr", namespaces=ns)[0].text, "2025-09-15")
        self.assertEqual(tx[0].xpath("p:DbtrAcct/p:Id/p:IBAN", namespaces=ns)[0].text, IBAN_A)
        self.assertEqual(tx[0].xpath("p:RmtInf/p:Ustrd", namespaces=ns)[0].text, invoice_a.payment_reference)
        self.assertIn("1 families without a valid mandate pay by transfer", run.message_ids[:1].body)
        # one order per run
        with self.assertRaisesRegex(UserError, "already collected"):
            run.with_user(self.user_manager).action_create_direct_debit()

    def test_pain008_two_families(self):
        mandate_b = self.new_mandate(self.family_b, IBAN_B, "CC-JANSSENS-0001", date(2025, 10, 2), user=self.accountant)
        run = self.run_month()
        action = run.with_user(self.accountant).action_create_direct_debit()
        order = run.debit_order_id
        self.assertEqual((action["res_model"], action["res_id"]), ("account.payment.order", order.id))
        root, ns = self.pain008(order)
        self.assertEqual(root.xpath("//p:GrpHdr/p:NbOfTxs", namespaces=ns)[0].text, "2")
        self.assertEqual(root.xpath("//p:GrpHdr/p:CtrlSum", namespaces=ns)[0].text, "577.50")
        found = {
            tx.xpath(".//p:MndtId", namespaces=ns)[0].text: (
                tx.xpath("p:InstdAmt", namespaces=ns)[0].text,
                tx.xpath(".//p:DtOfSgntr", namespaces=ns)[0].text,
                tx.xpath("p:DbtrAcct/p:Id/p:IBAN", namespaces=ns)[0].text,
            )
            for tx in root.xpath("//p:DrctDbtTxInf", namespaces=ns)
        }
        self.assertEqual(
            found,
            {
                "CC-DUPONT-0001": ("232.50", "2025-09-15", IBAN_A),
                mandate_b.unique_mandate_reference: ("345.00", "2025-10-02", IBAN_B),
            },
        )
        self.assertTrue(all(run.move_ids.mapped("childcare_in_collection")))

    def test_collect_refuses_families_without_mandate(self):
        run = self.run_month()
        Order = self.env["account.payment.order"]
        orders = Order.search_count([])
        with self.assertRaisesRegex(UserError, "No valid direct-debit mandate for: Janssens"):
            run.move_ids.with_user(self.accountant).action_childcare_collect_by_debit()
        self.assertEqual(Order.search_count([]), orders)
        self.assertFalse(any(run.move_ids.mapped("childcare_in_collection")))
        # the invoice of family A alone is collected
        run.move_ids.filtered(lambda m: m.childcare_family_id == self.family_a).with_user(
            self.accountant
        ).action_childcare_collect_by_debit()
        self.assertEqual(Order.search_count([]), orders + 1)
        # and never twice
        with self.assertRaisesRegex(UserError, "not already in collection"):
            self.invoice_of(run, self.family_a).with_user(self.accountant).action_childcare_collect_by_debit()

    def test_run_without_any_mandate(self):
        self.mandate_a.cancel()
        run = self.run_month()
        with self.assertRaisesRegex(UserError, "No open invoice of this run"):
            run.with_user(self.user_manager).action_create_direct_debit()
        self.assertFalse(run.debit_order_id)

    # ------------------------------------------------------------------ returned debits
    def collect_and_upload(self, run):
        run.with_user(self.user_manager).action_create_direct_debit()
        order = run.debit_order_id
        order.generated2uploaded()
        return order

    def import_return(self, data):
        wizard = (
            self.env["payment.return.import"].with_user(self.accountant).create({"data_file": base64.b64encode(data)})
        )
        action = wizard.import_file()
        return self.env["payment.return"].browse(action["res_id"])

    def test_returned_debit_pain002(self):
        self.new_mandate(self.family_b, IBAN_B, "CC-JANSSENS-0001", date(2025, 10, 2))
        run = self.run_month()
        invoice_a, invoice_b = self.invoice_of(run, self.family_a), self.invoice_of(run, self.family_b)
        order = self.collect_and_upload(run)
        # the families were pre-notified by OCA's mail (amount and date of the debit)
        notified = self.env["mail.mail"].search([("model", "=", "account.payment.order"), ("res_id", "=", order.id)])
        self.assertEqual(notified.recipient_ids, self.family_a.partner_id | self.family_b.partner_id)
        mail_a = notified.filtered(lambda m: m.recipient_ids == self.family_a.partner_id)
        self.assertIn("232,50", mail_a.body_html)  # in French, the family's language
        self.assertIn(order.date_scheduled.strftime("%d/%m/%Y"), mail_a.body_html)  # the collection date
        self.assertIn(IBAN_A[-4:], mail_a.body_html)
        # collected: paid on the payment, still in collection until the bank's statement
        for invoice in invoice_a | invoice_b:
            self.assertIn(invoice.payment_state, ("in_payment", "paid"))
            self.assertTrue(invoice.childcare_in_collection)
        payment_a = order.payment_ids.filtered(lambda p: p.partner_id == self.family_a.partner_id)
        # the bank rejects family A's debit: insufficient funds
        payment_return = self.import_return(
            pain002("RJCT-2026-0001", COMPANY_IBAN, [(payment_a.memo, "232.50", "AM04", "Dupont", IBAN_A)])
        )
        self.assertEqual(len(payment_return.line_ids), 1)
        line = payment_return.line_ids
        self.assertEqual(line.partner_id, self.family_a.partner_id)
        self.assertEqual(line.amount, 232.50)
        self.assertEqual(line.reason_id.code, "AM04")
        self.assertEqual(line.move_line_ids.move_id, payment_a.move_id)
        self.assertEqual(payment_return.journal_id, order.journal_id)
        payment_return.with_user(self.accountant).action_confirm()
        self.assertEqual(payment_return.state, "done")
        self.assertEqual(invoice_a.payment_state, "not_paid")
        self.assertEqual(invoice_a.amount_residual, 232.50)
        self.assertTrue(invoice_a.returned_payment)
        self.assertFalse(invoice_a.childcare_in_collection)
        # family B's debit went through
        self.assertIn(invoice_b.payment_state, ("in_payment", "paid"))
        self.assertTrue(invoice_b.childcare_in_collection)
        # family A is told, in its language, with the reason and what to pay
        message = invoice_a.message_ids.filtered(lambda m: self.family_a.partner_id in m.partner_ids)
        self.assertEqual(len(message), 1)
        self.assertIn(invoice_a.name, message.subject)
        self.assertIn(invoice_a.payment_reference, message.body)
        self.assertFalse(invoice_b.message_ids.filtered(lambda m: self.family_b.partner_id in m.partner_ids))
        # the same file again: nothing new
        with self.assertRaisesRegex(UserError, "already imported"):
            self.import_return(
                pain002("RJCT-2026-0001", COMPANY_IBAN, [(payment_a.memo, "232.50", "AM04", "Dupont", IBAN_A)])
            )
        # re-opened, the invoice can be collected again
        invoice_a.with_user(self.accountant).action_childcare_collect_by_debit()
        self.assertTrue(invoice_a.childcare_in_collection)

    def test_returned_debit_camt054(self):
        run = self.run_month()
        invoice_a = self.invoice_of(run, self.family_a)
        order = self.collect_and_upload(run)
        payment = order.payment_ids
        payment_return = self.import_return(
            camt054(
                "NTF-2026-0008", COMPANY_IBAN, payment.memo, amount="232.50", reason="MD06", name="Dupont", iban=IBAN_A
            )
        )
        self.assertEqual(payment_return.line_ids.move_line_ids.move_id, payment.move_id)
        self.assertEqual(payment_return.line_ids.reason_id.code, "MD06")
        payment_return.action_confirm()
        self.assertEqual(invoice_a.payment_state, "not_paid")
        self.assertFalse(invoice_a.childcare_in_collection)
        self.assertEqual(
            self.env["account.move"].search([("id", "=", invoice_a.id), ("childcare_in_collection", "=", False)]),
            invoice_a,
        )
        # cancelling the return puts the debit back
        payment_return.action_cancel()
        self.assertIn(invoice_a.payment_state, ("in_payment", "paid"))
        self.assertTrue(invoice_a.childcare_in_collection)

    def test_unknown_return_file(self):
        with self.assertRaises(UserError):
            self.import_return(b"<?xml version='1.0'?><Document xmlns='urn:other'><Nothing/></Document>")

    # ------------------------------------------------------------------ access
    def test_access(self):
        run = self.run_month()
        for user in (self.user_portal_a, self.user_staff_s1, self.user_employee):
            with mute_logger(*ACCESS_LOGGERS), self.assertRaises(AccessError):
                self.as_user(user, run).action_create_direct_debit()
            with mute_logger(*ACCESS_LOGGERS), self.assertRaises(AccessError):
                self.as_user(user, run.move_ids).action_childcare_collect_by_debit()
            # nobody but billing staff reads a family's mandate (its IBAN)
            with mute_logger(*ACCESS_LOGGERS), self.assertRaises(AccessError):
                self.as_user(user, self.mandate_a).read(["unique_mandate_reference"])
            with mute_logger(*ACCESS_LOGGERS), self.assertRaises(AccessError):
                self.as_user(user, self.env["childcare.mandate.wizard"]).create(
                    {"family_id": self.family_a.id, "iban": IBAN_A, "signature_date": "2025-09-01"}
                ).action_create()
        self.assertFalse(run.debit_order_id)
        self.assertEqual(
            self.as_user(self.user_staff_s1, self.env["account.banking.mandate"]).search([]),
            self.env["account.banking.mandate"],
        )
        # the run's order is set by its button only
        self.assertRefused(self.user_manager, run, {"debit_order_id": False})
        # municipal staff and accountants read them
        self.assertEqual(
            self.as_user(self.user_manager, self.mandate_a).read(["unique_mandate_reference"])[0][
                "unique_mandate_reference"
            ],
            "CC-DUPONT-0001",
        )
        self.assertEqual(self.as_user(self.accountant, self.family_a).mandate_ids, self.mandate_a)

    # ------------------------------------------------------------------ views
    def test_views(self):
        run = self.run_month()
        run.with_user(self.user_manager).action_create_direct_debit()
        # municipal staff see the mandates on the family and the run's file; structure staff do not
        for user, sees in ((self.user_manager, True), (self.accountant, True), (self.user_staff_s1, False)):
            arch = etree.fromstring(
                self.env["childcare.family"].with_user(user).get_views([(False, "form")])["views"]["form"]["arch"]
            )
            self.assertEqual(bool(arch.xpath("//field[@name='mandate_ids']")), sees, user.login)
            self.assertEqual(bool(arch.xpath("//button[@name='action_new_mandate']")), sees, user.login)
        values = run.with_user(self.user_manager).read(
            ["debit_order_id", "debit_order_state", "debit_file_name", "debit_amount", "debit_count"]
        )[0]
        self.assertEqual(values["debit_order_state"], "generated")
        self.assertEqual((values["debit_amount"], values["debit_count"]), (232.50, 1))
        arch = etree.fromstring(run.with_user(self.user_manager).get_views([(False, "form")])["views"]["form"]["arch"])
        self.assertTrue(arch.xpath("//button[@name='action_create_direct_debit']"))
        self.assertTrue(arch.xpath("//field[@name='debit_file']"))
        search = etree.fromstring(
            self.env["account.move"]
            .with_user(self.accountant)
            .get_views([(False, "search")])["views"]["search"]["arch"]
        )
        self.assertTrue(search.xpath("//filter[@name='childcare_in_collection']"))
        for xmlid in ("childcare_billing.childcare_mandate_action", "childcare_billing.childcare_debit_order_action"):
            action = self.env.ref(xmlid)
            self.env[action.res_model].with_user(self.accountant).get_views([(False, "list"), (False, "form")])
        wizard_arch = self.env["childcare.mandate.wizard"].with_user(self.user_manager).get_views([(False, "form")])
        self.assertIn("iban", wizard_arch["views"]["form"]["arch"])
