""" "My documents": every PDF the municipality issued to the family (invoices and credit notes, tax attestations
281.86, health-fund attestations of the camps, the letters attached to the household or its applications), each
downloaded through a route that checks it is the user's household's (never a raw ``/web/content`` link)."""

from odoo import http
from odoo.http import request

from .common import CitizenPortal


class CitizenDocumentPortal(CitizenPortal):
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "citizen_document_count" in counters:
            families = self._citizen_families()
            values["citizen_document_count"] = len(families._citizen_documents()) if families else 0
        return values

    @http.route(["/my/documents"], type="http", auth="user", website=True)
    def portal_my_documents(self, kind=None, **kw):
        families = self._citizen_families()
        documents = families._citizen_documents() if families else []
        kinds = request.env["childcare.family"]._citizen_document_kinds()
        if kind and kind not in kinds:
            kind = None
        counts = {key: sum(1 for doc in documents if doc["kind"] == key) for key in kinds}
        values = self._prepare_portal_layout_values()
        values.update(
            page_name="citizen_documents",
            documents=[doc for doc in documents if not kind or doc["kind"] == kind],
            document_kinds=kinds,
            document_counts=counts,
            kind=kind,
            families=families,
        )
        return request.render("citizen_portal.portal_my_documents", values)

    @http.route(["/my/documents/<int:attachment_id>"], type="http", auth="user", website=True)
    def portal_document_download(self, attachment_id, **kw):
        families = self._citizen_families()
        attachments = families._citizen_issued_attachments() if families else request.env["ir.attachment"]
        attachment = attachments.filtered(lambda a: a.id == attachment_id)
        if not attachment:
            raise request.not_found()
        # sudo (from _citizen_issued_attachments): a document issued to one of the user's households;
        # _citizen_pdf_response is portal_invoice.py's (the portal's controllers are merged in one class)
        return self._citizen_pdf_response(attachment.raw, attachment.name)
