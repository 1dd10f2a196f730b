import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("childcare_attendance_day_grid", {
    steps: () => [
        { trigger: ".o_childcare_day_grid .o_cc_row[data-child='Léa DUPONT'][data-recorded='0']" },
        { trigger: ".o_cc_all_present", run: "click" },
        { trigger: ".o_cc_save:enabled", run: "click" },
        { trigger: ".o_cc_row[data-child='Léa DUPONT'][data-recorded='1']" },
        { trigger: ".o_cc_save:disabled" },
    ],
});

// Opens a view and waits until it is rendered: the tour fails on any error in the browser console.
registry.category("web_tour.tours").add("childcare_attendance_view_smoke", {
    steps: () => [{ trigger: ".o_action_manager .o_view_controller:not(.o_view_sample_data) .o_content" }],
});
