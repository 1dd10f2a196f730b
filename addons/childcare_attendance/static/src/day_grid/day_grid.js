import { Component, onWillStart, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";

/**
 * Day grid: every child expected in a structure on a day, one row each. Loading is one call
 * (childcare.attendance.day_grid_data), saving the whole grid is one call (day_grid_save), which
 * answers with the refreshed grid.
 */
export class DayGrid extends Component {
    static template = "childcare_attendance.DayGrid";
    static props = { ...standardActionServiceProps };

    setup() {
        this.orm = useService("orm");
        this.notification = useService("notification");
        this.state = useState({ data: null, dirty: false, saving: false });
        const context = this.props.action?.context || {};
        onWillStart(() => this.load(context.structure_id || false, context.date || false));
    }

    async load(structureId, date) {
        this.state.data = await this.orm.call("childcare.attendance", "day_grid_data", [structureId, date]);
        this.state.dirty = false;
    }

    get counts() {
        const rows = this.state.data?.rows || [];
        return {
            expected: rows.length,
            present: rows.filter((r) => r.absence_reason === "none" && r.hour_in).length,
            absent: rows.filter((r) => r.absence_reason !== "none").length,
        };
    }

    formatHour(hour) {
        if (!hour) {
            return "";
        }
        const minutes = Math.round(hour * 60);
        return `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
    }

    parseHour(text) {
        const match = /^(\d{1,2}):(\d{2})/.exec(text || "");
        return match ? Number(match[1]) + Number(match[2]) / 60 : false;
    }

    nowHour() {
        // the current time in the structure's timezone, whatever the tablet's
        const parts = new Intl.DateTimeFormat("en-GB", {
            timeZone: this.state.data.tz, hour: "2-digit", minute: "2-digit", hourCycle: "h23",
        }).format(new Date());
        return this.parseHour(parts);
    }

    setHour(row, field, value) {
        row[field] = this.parseHour(value);
        this.state.dirty = true;
    }

    setAbsence(row, reason) {
        row.absence_reason = reason;
        if (reason !== "none") {
            row.hour_in = row.hour_out = false;
        }
        this.state.dirty = true;
    }

    setNote(row, value) {
        row.note = value;
        this.state.dirty = true;
    }

    async checkIn(row) {
        row.absence_reason = "none";
        row.hour_in = this.nowHour();
        this.state.dirty = true;
        await this.save();
    }

    async checkOut(row) {
        row.hour_out = Math.max(this.nowHour(), row.hour_in + 1 / 60);
        this.state.dirty = true;
        await this.save();
    }

    allPresent() {
        for (const row of this.state.data.rows) {
            if (row.absence_reason === "none") {
                row.hour_in = row.hour_in || row.planned_from;
                row.hour_out = row.hour_out || row.planned_to;
            }
        }
        this.state.dirty = true;
    }

    async onStructureChange(ev) {
        await this.load(Number(ev.target.value), this.state.data.date);
    }

    async onDateChange(ev) {
        await this.load(this.state.data.structure_id, ev.target.value);
    }

    async save() {
        const data = this.state.data;
        this.state.saving = true;
        try {
            const rows = data.rows.map((r) => ({
                child_id: r.child_id,
                hour_in: r.hour_in || false,
                hour_out: r.hour_out || false,
                absence_reason: r.absence_reason,
                note: r.note || false,
            }));
            this.state.data = await this.orm.call("childcare.attendance", "day_grid_save", [
                data.structure_id, data.date, rows,
            ]);
            this.state.dirty = false;
            this.notification.add(_t("Attendance saved."), { type: "success" });
        } finally {
            this.state.saving = false;
        }
    }
}

registry.category("actions").add("childcare_attendance.day_grid", DayGrid);
