// Progressive enhancement only: every page works without JavaScript.
document.addEventListener("change", (event) => {
  const el = event.target;
  if (el.matches("[data-autosubmit]")) el.form.submit();
});

// Contact form: show location only for face-to-face, the failure reason only when not met.
function syncContactForm(form) {
  const mode = form.querySelector("input[name=mode]:checked");
  const outcome = form.querySelector("input[name=outcome]:checked");
  const loc = form.querySelector("[data-field=location]");
  const why = form.querySelector("[data-field=failure_reason]");
  if (loc && mode) loc.hidden = mode.value !== "face_to_face";
  if (why && outcome) why.hidden = outcome.value !== "not_met";
}
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("form[data-contact-form]").forEach((form) => {
    syncContactForm(form);
    form.addEventListener("change", () => syncContactForm(form));
  });
});

// Idempotent create forms (outreach/submissions.py): each form is served with a new token, and
// a page fetched again by Back or a reload (pages are never cached) would get a new one too.
// Remember the token a form was sent with, for this tab only, and give it back to the same form
// when the person returns to it by Back, Forward or a reload: the server then answers "Already
// saved" instead of saving a second record. A new visit (a link, the address bar) is a new form.
document.addEventListener("DOMContentLoaded", () => {
  const nav = (performance.getEntriesByType && performance.getEntriesByType("navigation")[0]) || {};
  const returning = nav.type === "back_forward" || nav.type === "reload";
  document.querySelectorAll("input[name=submission_token]").forEach((input, i) => {
    const key = `outreach.submission:${location.pathname}#${i}`;
    try {
      const kept = returning ? sessionStorage.getItem(key) : null;
      if (kept) input.value = kept;
      else sessionStorage.removeItem(key);
    } catch (e) {
      return; // storage refused: the server still stops a resent request
    }
    if (input.form) {
      input.form.addEventListener("submit", () => {
        try {
          sessionStorage.setItem(key, input.value);
        } catch (e) {
          // nothing to keep
        }
      });
    }
  });
});
