import { registry } from "@web/core/registry";

// A guardian follows the household's invoices: filters them by child, opens one, reads the statement per
// child and the transfer details (structured reference, EPC QR), sees the PDF download and pays online with
// the demo provider.
registry.category("web_tour.tours").add("citizen_invoice_tour", {
    steps: () => [
        {
            content: "The household's invoices, the children billed on each",
            trigger: "td[name=citizen_children]:contains('Tom')",
        },
        {
            content: "Only Tom's invoices",
            trigger: ".o_citizen_invoice_filters a:contains('Tom')",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The filter is on",
            trigger: ".o_citizen_invoice_filters a.btn-primary[aria-current=page]:contains('Tom')",
        },
        {
            content: "Open Tom's invoice",
            trigger: ".o_portal_my_doc_table td a[href*='/my/invoices/']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The statement per child",
            trigger: ".o_citizen_statement th[scope=row]:contains('Tom')",
        },
        {
            content: "The structured reference of the transfer",
            trigger: ".o_citizen_ogm:contains('+++')",
        },
        {
            content: "The EPC QR code",
            trigger: "img.o_citizen_epc_qr[src^='data:image/png;base64,']",
        },
        {
            content: "The PDF can be downloaded",
            trigger: "a.o_download_btn[href*='report_type=pdf'][href*='download=']",
        },
        {
            content: "Pay now",
            trigger: "a[data-bs-target='#pay_with']",
            run: "click",
        },
        {
            content: "The demo provider's card details",
            trigger: "#pay_with .modal-content input#customer_input",
            run: "edit 4242",
        },
        {
            content: "Pay",
            trigger: "#pay_with button[name=o_payment_submit_button]:enabled",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The invoice is paid",
            trigger: "div[name=invoice_paid_badge]:contains('Paid')",
            timeout: 20000,
        },
    ],
});
