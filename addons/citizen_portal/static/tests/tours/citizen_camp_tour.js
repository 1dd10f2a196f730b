import { registry } from "@web/core/registry";

/**
 * A guardian of family A puts two children in two camps (Emma in "Nature week" with the bus, Noah in
 * "Art week") in the cart, sends it, and finds the request with the states youth_camps decided.
 * Data: citizen_portal/tests/test_camp.py (TestPortalCampCart.test_tour_camp_cart).
 */
registry.category("web_tour.tours").add("citizen_camp_tour", {
    url: "/my/camps",
    steps: () => [
        {
            content: "Nature week: choose Emma",
            trigger: "article.o_citizen_camp:contains(Nature week) select[name=child_id]",
            run: "selectByLabel Emma",
        },
        {
            content: "Nature week: she takes the bus at Feluy church",
            trigger: "article.o_citizen_camp:contains(Nature week) select[name=bus_stop_id]",
            run: "selectByLabel Feluy church",
        },
        {
            content: "Add Emma to the cart",
            trigger: "article.o_citizen_camp:contains(Nature week) button:contains(Add to cart)",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Emma is in the cart",
            trigger: "tr.o_citizen_camp_cart_line:contains(Emma):contains(Feluy church)",
        },
        {
            content: "Back to the catalogue",
            trigger: "a:contains(Add another camp)",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Art week: choose Noah",
            trigger: "article.o_citizen_camp:contains(Art week) select[name=child_id]",
            run: "selectByLabel Noah",
        },
        {
            content: "Add Noah to the cart",
            trigger: "article.o_citizen_camp:contains(Art week) button:contains(Add to cart)",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Two lines in the cart",
            trigger: "tr.o_citizen_camp_cart_line:contains(Noah)",
        },
        {
            content: "A word for the organisers",
            trigger: "textarea#camp_cart_note",
            run: "edit Both children can swim",
        },
        {
            content: "Send the request",
            trigger: "button:contains(Send the request)",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The request is sent",
            trigger: ".alert-success:contains(Your request was sent)",
        },
        {
            content: "Emma has her seat",
            trigger: "tr.o_citizen_camp_registration:contains(Emma) .badge:contains(Validated)",
        },
        {
            content: "Noah has his seat",
            trigger: "tr.o_citizen_camp_registration:contains(Noah) .badge:contains(Validated)",
        },
    ],
});
