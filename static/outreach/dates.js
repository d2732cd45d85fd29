// Date and time inputs in the page's language (issue 13, item 5).
//
// A browser draws <input type="date|time|datetime-local"> in its own language and format, not
// the page's: a Bulgarian page on an English phone showed mm/dd/yyyy with AM/PM. flatpickr
// (static/vendor/flatpickr) draws the calendar in the page's language and shows dates as the
// app writes them everywhere (dd.mm.yyyy, 24-hour time). The form still sends the ISO value
// the server reads, and without JavaScript the browser's own input works as before.
(function () {
  "use strict";

  const KINDS = {
    date: { dateFormat: "Y-m-d", altFormat: "d.m.Y" },
    "datetime-local": { dateFormat: "Y-m-d\\TH:i", altFormat: "d.m.Y H:i", enableTime: true },
    time: { dateFormat: "H:i", altFormat: "H:i", enableTime: true, noCalendar: true },
  };
  const PLACEHOLDERS = {
    bg: { date: "дд.мм.гггг", "datetime-local": "дд.мм.гггг чч:мм", time: "чч:мм" },
    en: { date: "dd.mm.yyyy", "datetime-local": "dd.mm.yyyy hh:mm", time: "hh:mm" },
  };
  // What a person may type besides the shown format (the server reads the same ones).
  const TYPED = [
    /^(\d{1,2})[./](\d{1,2})[./](\d{4})(?:[ T](\d{1,2}):(\d{2}))?$/, // 06.12.2026 14:30
    /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{1,2}):(\d{2}))?$/, // 2026-12-06T14:30
  ];

  function parse(text, format) {
    const value = text.trim();
    if (!value) return undefined;
    if (format === "H:i") {
      const t = /^(\d{1,2})[:.](\d{2})$/.exec(value);
      return t ? new Date(1970, 0, 1, Number(t[1]), Number(t[2])) : undefined;
    }
    for (const [i, pattern] of TYPED.entries()) {
      const m = pattern.exec(value);
      if (!m) continue;
      const [day, month, year] = i === 0 ? [m[1], m[2], m[3]] : [m[3], m[2], m[1]];
      const date = new Date(Number(year), Number(month) - 1, Number(day), Number(m[4] || 0), Number(m[5] || 0));
      // 31.02.2026 is no date: refuse it rather than roll over into March.
      if (date.getDate() !== Number(day) || date.getMonth() !== Number(month) - 1) return undefined;
      return date;
    }
    return undefined;
  }

  function enhance(input) {
    if (input.dataset.datesEnhanced || !window.flatpickr) return;
    const kind = KINDS[input.type];
    if (!kind) return;
    input.dataset.datesEnhanced = "1";
    const lang = (document.documentElement.lang || "en").slice(0, 2);
    // Weeks start on Monday in both languages, as the app's formats say (FIRST_DAY_OF_WEEK).
    const own = window.flatpickr.l10ns && window.flatpickr.l10ns[lang];
    const locale = { ...(own || {}), firstDayOfWeek: 1 };
    const picker = window.flatpickr(input, {
      ...kind,
      altInput: true,
      allowInput: true,
      disableMobile: true, // a phone's own picker follows the phone's language, not the page's
      time_24hr: true,
      locale,
      minDate: input.min || undefined,
      maxDate: input.max || undefined,
      parseDate: parse,
    });
    if (!picker || !picker.altInput) return;
    const shown = picker.altInput;
    // The label, the error text and the hint belong to what the person types in.
    for (const name of ["aria-describedby", "aria-invalid"]) {
      if (input.hasAttribute(name)) shown.setAttribute(name, input.getAttribute(name));
    }
    if (input.id) {
      shown.id = input.id;
      input.id = `${input.id}-value`;
    }
    shown.autocomplete = "off";
    shown.placeholder = input.placeholder || PLACEHOLDERS[lang === "bg" ? "bg" : "en"][input.type];
    // A typed value counts when the form is sent, even if the field never lost focus; a value
    // that is no date goes to the server as typed, which says what is wrong with it.
    if (input.form) {
      input.form.addEventListener(
        "submit",
        () => {
          const text = shown.value.trim();
          const chosen = picker.selectedDates[0];
          if (text === (chosen ? picker.formatDate(chosen, kind.altFormat) : "")) return;
          const typed = parse(text, kind.dateFormat);
          if (typed) picker.setDate(typed, false);
          else input.value = text;
        },
        true,
      );
    }
  }

  function enhanceAll(root) {
    (root || document).querySelectorAll("input[type=date], input[type=datetime-local], input[type=time]").forEach(enhance);
  }

  document.addEventListener("DOMContentLoaded", () => enhanceAll(document));
  // Forms that htmx brings into the page (inline edits on the plan and the client page).
  document.addEventListener("htmx:load", (event) => enhanceAll(event.detail && event.detail.elt));
})();
