import { registry } from "@web/core/registry";

/** Choose ``child`` in the card of ``camp`` and add the line to the cart; then back to the catalogue. */
function addToCart(camp, child, { back = true } = {}) {
    const card = `article.o_citizen_camp:contains(${camp})`;
    const steps = [
        {
            content: `${camp}: choose ${child}`,
            trigger: `${card} select[name=child_id]`,
            run: `selectByLabel ${child}`,
        },
        {
            content: `Add ${child} to the cart for ${camp}`,
            trigger: `${card} button:contains(Add to cart)`,
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: `${child} is in the cart for ${camp}`,
            trigger: `tr.o_citizen_camp_cart_line:contains(${child}):contains(${camp})`,
        },
    ];
    if (back) {
        steps.push({
            content: "Back to the catalogue",
            trigger: "a:contains(Add another camp)",
            run: "click",
            expectUnloadPage: true,
        });
    }
    return steps;
}

/**
 * A guardian of family A puts two children in "Nature week" and one of them in "Art week" too, sends the cart
 * and finds the request with its three registrations validated.
 * Data: citizen_portal/tests/test_tours.py (TestTourCampCartPayment).
 */
registry.category("web_tour.tours").add("citizen_camp_cart_two_children_tour", {
    url: "/my/camps",
    steps: () => [
        ...addToCart("Nature week", "Emma"),
        ...addToCart("Nature week", "Noah"),
        ...addToCart("Art week", "Emma", { back: false }),
        {
            content: "Three lines in the cart",
            trigger: "tbody:has(tr.o_citizen_camp_cart_line:nth-child(3)):not(:has(tr.o_citizen_camp_cart_line:nth-child(4)))",
        },
        {
            content: "Send the request",
            trigger: "form.o_citizen_camp_submit button:contains(Send the request)",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The request is sent",
            trigger: ".alert-success:contains(Your request was sent)",
        },
        {
            content: "Emma has her seat in Nature week",
            trigger: "tr.o_citizen_camp_registration:contains(Emma):contains(Nature week) .badge:contains(Validated)",
        },
        {
            content: "Noah has his seat in Nature week",
            trigger: "tr.o_citizen_camp_registration:contains(Noah):contains(Nature week) .badge:contains(Validated)",
        },
        {
            content: "Emma has her seat in Art week",
            trigger: "tr.o_citizen_camp_registration:contains(Emma):contains(Art week) .badge:contains(Validated)",
        },
    ],
});

/**
 * Once the request is invoiced: My camp requests → the request → its invoice (then from the invoice list, see
 * below) → pay with the demo provider → the invoice is paid → back to the request, whose registrations show
 * "Paid".
 * Data: citizen_portal/tests/test_tours.py (TestTourCampCartPayment).
 */
registry.category("web_tour.tours").add("citizen_camp_payment_tour", {
    url: "/my/camp_requests",
    steps: () => [
        {
            content: "Open the request",
            trigger: "tr.o_citizen_camp_request:contains(Emma) a[href*='/my/camp_requests/']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Its invoice is to pay",
            trigger: "dd:has(a.o_citizen_camp_invoice):contains(to pay)",
        },
        {
            content: "Open the invoice",
            trigger: "a.o_citizen_camp_invoice[href*='/my/invoices/']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The invoice, to pay online",
            trigger: "a[data-bs-target='#pay_with']",
        },
        // The request's link (/my/invoices/<id>) carries no access token, which Odoo's payment form sends to
        // /invoice/transaction/<id> (a required argument there): the invoice is paid from the invoice list,
        // whose links carry it (Odoo's get_portal_url).
        {
            content: "The household's invoices",
            trigger: ".o_portal_submenu a[href^='/my/invoices']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Open the camp invoice",
            trigger: ".o_portal_my_doc_table td a[href*='/my/invoices/'][href*='access_token=']",
            run: "click",
            expectUnloadPage: true,
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
        {
            content: "Back to the portal home",
            trigger: ".o_portal_submenu a[href='/my/home']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Camp requests",
            trigger: ".o_portal_index_card a[href='/my/camp_requests']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Open the request again",
            trigger: "tr.o_citizen_camp_request:contains(Emma) a[href*='/my/camp_requests/']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The invoice is paid",
            trigger: "dd:has(a.o_citizen_camp_invoice):contains(paid):not(:contains(to pay))",
        },
        {
            content: "Emma's Nature week is paid",
            trigger: "tr.o_citizen_camp_registration:contains(Emma):contains(Nature week) .badge:contains(Paid)",
        },
        {
            content: "Noah's Nature week is paid",
            trigger: "tr.o_citizen_camp_registration:contains(Noah):contains(Nature week) .badge:contains(Paid)",
        },
        {
            content: "Emma's Art week is paid",
            trigger: "tr.o_citizen_camp_registration:contains(Emma):contains(Art week) .badge:contains(Paid)",
        },
        {
            content: "Nothing left unpaid",
            trigger: "tbody:not(:has(tr.o_citizen_camp_registration .badge:contains(Validated)))",
        },
    ],
});
