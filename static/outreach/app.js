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
