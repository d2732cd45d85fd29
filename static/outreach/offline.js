// Work without signal (issue 17): the service worker, the outbox on the page, drafts of long
// forms, the idle timeout, and clearing everything at sign-out. Progressive enhancement: every
// page still works without JavaScript. Server side: outreach/offline_views.py.
(() => {
  "use strict";
  const Outbox = self.OutreachOutbox;
  const meta = (name) => document.querySelector(`meta[name="${name}"]`);
  const userId = (meta("outreach-user") || {}).content || "";
  const offline = meta("outreach-offline");
  const box = document.getElementById("outbox");
  const S = box ? box.dataset : {};
  const fmt = (s, values) => String(s || "").replace(/\{(\w+)\}/g, (m, k) => (k in values ? values[k] : m));
  const pad = (n) => String(n).padStart(2, "0");
  const when = (ms) => {
    const d = new Date(ms);
    return `${pad(d.getDate())}.${pad(d.getMonth() + 1)}.${d.getFullYear()} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
  };
  const el = (tag, attrs = {}, children = []) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (k === "text") node.textContent = v;
      else node.setAttribute(k, v);
    }
    for (const child of children) node.append(child);
    return node;
  };
  const DATA_CACHE = "outreach-data";
  const DRAFT = "outreach.draft:";
  const FLASH = "outreach.flash";
  const caseloadPath = offline ? offline.content.split(" ")[0] : "/";
  const isCopy = () => document.body.hasAttribute("data-offline-copy");

  // --- The service worker and the kept copies ------------------------------------------------
  async function wipe() {
    try {
      for (const name of await caches.keys()) if (name.startsWith("outreach-")) await caches.delete(name);
    } catch (e) {
      // no Cache API
    }
    if (Outbox) await Outbox.deleteAll();
    for (const store of [localStorage, sessionStorage]) {
      try {
        Object.keys(store).filter((k) => k.startsWith("outreach.")).forEach((k) => store.removeItem(k));
      } catch (e) {
        // storage refused
      }
    }
    if (navigator.serviceWorker) {
      for (const reg of await navigator.serviceWorker.getRegistrations()) await reg.unregister();
    }
  }

  function startWorker() {
    if (!("serviceWorker" in navigator)) return;
    if (!userId || !offline) {
      // Signed out (the session ended) or not a team member: no copy of any page stays.
      if (self.caches) caches.delete(DATA_CACHE);
      return;
    }
    navigator.serviceWorker.register(offline.dataset.worker, { scope: "/" }).catch(() => {});
    if (isCopy() || !navigator.onLine) return;
    navigator.serviceWorker.ready.then((reg) => {
      const paths = [
        ...offline.content.split(" "),
        offline.dataset.offline,
        offline.dataset.contactForm,
        offline.dataset.missedForm,
      ];
      if (!reg.active) return;
      // The worker's fetches keep the session alive too: the idle clock restarts when they end.
      const channel = new MessageChannel();
      channel.port1.onmessage = touch;
      reg.active.postMessage({ type: "refresh", paths }, [channel.port2]);
    });
    navigator.serviceWorker.addEventListener("message", (event) => {
      if (event.data && event.data.type === "flush") flush();
    });
  }

  function showCopyAge() {
    const note = document.getElementById("offline-copy");
    const at = Number(document.body.getAttribute("data-offline-copy") || 0);
    if (!note || !at) return;
    const minutes = Math.max(0, Math.round((Date.now() - at) / 60000));
    const age = minutes < 60 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${pad(minutes % 60)} min`;
    note.textContent = fmt(S.copy, { time: when(at), age });
    note.hidden = false;
  }

  // --- Drafts of long forms (localStorage, per user and page) --------------------------------
  const draftKey = (path) => `${DRAFT}${userId}:${path}`;
  const kept = (name) => name && name !== "csrfmiddlewaretoken" && name !== "submission_token";

  function formValues(form) {
    const values = [];
    for (const field of form.elements) {
      // Hidden fields too: a plan's draft keeps the version it was typed against, so that saving
      // it over a newer version is a conflict (both shown), never a silent overwrite.
      if (!kept(field.name) || field.disabled || ["submit", "button", "file", "password"].includes(field.type)) continue;
      if ((field.type === "checkbox" || field.type === "radio") && !field.checked) continue;
      if (field.tagName === "SELECT" && field.multiple) {
        for (const option of field.selectedOptions) values.push([field.name, option.value]);
      } else values.push([field.name, field.value]);
    }
    return values;
  }

  function fillForm(form, values) {
    const names = new Set(values.map(([name]) => name));
    for (const field of form.elements) {
      if (!names.has(field.name) && !(field.type === "checkbox" || field.type === "radio")) continue;
      if (!kept(field.name)) continue;
      const mine = values.filter(([name]) => name === field.name).map(([, value]) => value);
      if (field.type === "checkbox" || field.type === "radio") field.checked = mine.includes(field.value);
      else if (field.tagName === "SELECT" && field.multiple) {
        for (const option of field.options) option.selected = mine.includes(option.value);
      } else if (mine.length) field.value = mine[0];
    }
    form.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function readDraft(path) {
    try {
      return JSON.parse(localStorage.getItem(draftKey(path)) || "null");
    } catch (e) {
      return null;
    }
  }

  function writeDraft(path, draft) {
    try {
      localStorage.setItem(draftKey(path), JSON.stringify(draft));
    } catch (e) {
      // storage full or refused: the form still works
    }
  }

  const dropDraft = (path) => localStorage.removeItem(draftKey(path));

  function saveDraft(form, extra = {}) {
    const previous = readDraft(location.pathname) || {};
    writeDraft(location.pathname, { ...previous, savedAt: Date.now(), fields: formValues(form), submitted: false, ...extra });
  }

  function offerDraft(form, draft) {
    const restore = () => {
      fillForm(form, draft.fields);
      form.dataset.outboxReplaces = draft.outboxKey || "";
    };
    if (draft.restoreOnLoad) {
      restore();
      writeDraft(location.pathname, { ...draft, restoreOnLoad: false });
      form.before(el("p", { class: "alert warn draft-note", role: "status", text: fmt(S.draftRestored, { time: when(draft.savedAt) }) }));
      return;
    }
    const note = el("div", { class: "alert warn draft-note", role: "status" }, [el("p", { text: fmt(S.draftFound, { time: when(draft.savedAt) }) })]);
    const yes = el("button", { type: "button", text: S.restore });
    const no = el("button", { type: "button", class: "secondary", text: S.discard });
    yes.addEventListener("click", () => {
      restore();
      note.remove();
    });
    no.addEventListener("click", () => {
      dropDraft(location.pathname);
      note.remove();
    });
    note.append(el("div", { class: "actions" }, [yes, no]));
    form.before(note);
  }

  function startDrafts() {
    if (!userId) return; // the sign-in page: keep every draft for after sign-in
    // A draft whose form was sent and led elsewhere was saved: drop it.
    for (const key of Object.keys(localStorage)) {
      if (!key.startsWith(draftKey(""))) continue;
      const path = key.slice(draftKey("").length);
      const draft = readDraft(path);
      if (draft && draft.submitted && path !== location.pathname) dropDraft(path);
    }
    document.querySelectorAll("form[data-draft]").forEach((form) => {
      const draft = readDraft(location.pathname);
      const shownWithErrors = document.querySelector(".form-errors, .errorlist");
      if (draft && draft.fields && draft.fields.length) {
        if (draft.submitted && shownWithErrors) writeDraft(location.pathname, { ...draft, submitted: false });
        else offerDraft(form, draft.submitted ? { ...draft, restoreOnLoad: true } : draft);
      }
      let timer = null;
      const save = () => {
        clearTimeout(timer);
        timer = setTimeout(() => saveDraft(form), 250);
      };
      form.addEventListener("input", save);
      form.addEventListener("change", save);
      form.addEventListener("submit", () => {
        clearTimeout(timer);
        saveDraft(form, { submitted: true });
      });
    });
  }

  // --- The idle timeout: keep the form, ask to sign in again ---------------------------------
  const CONTACT = "outreach.lastServerContact";
  function touch() {
    try {
      localStorage.setItem(CONTACT, String(Date.now()));
    } catch (e) {
      // nothing to keep
    }
  }

  function startIdleClock() {
    const seconds = Number((meta("outreach-session-seconds") || {}).content || 0);
    if (!userId || !seconds || isCopy()) return;
    touch();
    document.body.addEventListener("htmx:afterRequest", touch);
    const check = () => {
      const last = Number(localStorage.getItem(CONTACT) || Date.now());
      // A little late rather than early: the browser's own requests (the worker's update check)
      // may have kept the session a moment longer than this page knows.
      const left = last + seconds * 1000 + 2000 - Date.now();
      if (left > 0) {
        setTimeout(check, Math.min(left + 250, 60000));
        return;
      }
      document.querySelectorAll("form[data-draft]").forEach((form) => saveDraft(form, { restoreOnLoad: true }));
      const next = location.pathname + location.search;
      const link = el("a", { class: "button", href: `/accounts/login/?next=${encodeURIComponent(next)}`, text: S.signinAgain });
      const dialog = el("dialog", { class: "session-ended", "aria-labelledby": "session-ended-text" }, [
        el("p", { id: "session-ended-text", text: S.sessionEnded }),
        el("div", { class: "actions" }, [link]),
      ]);
      document.body.append(dialog);
      dialog.showModal();
    };
    setTimeout(check, seconds * 1000 + 2000);
  }

  // --- The outbox on the page ------------------------------------------------------------------
  let flushing = false;
  let statusText = "";

  function setStatus(message) {
    statusText = message;
    render();
  }

  function problem(item) {
    if (item.kind === "signin") return S.signin;
    if (item.kind === "not-found") return S.notFound;
    if (item.kind === "invalid") return S.invalid;
    return fmt(S.refused, { status: item.httpStatus || "?" });
  }

  function itemCard(item, attention) {
    const note = (item.fields.find(([name]) => name === "note") || [])[1] || "";
    const card = el("li", { class: attention ? "card outbox-item attention" : "card outbox-item", "data-key": item.key }, [
      el("strong", { text: item.label }),
      el("span", { class: "small muted", text: ` · ${S.recorded} ${when(Date.parse(item.recordedAt))}` }),
    ]);
    if (note) card.append(el("p", { class: "small outbox-note", text: note }));
    if (!attention) return card;
    card.append(el("p", { class: "outbox-problem", text: problem(item) }));
    if (item.errors && item.errors.length) card.append(el("ul", { class: "errorlist" }, item.errors.map((e) => el("li", { text: e }))));
    const buttons = [];
    if (item.kind !== "not-found") {
      const fix = el("button", { type: "button", text: item.kind === "invalid" ? S.fix : S.sendAgain });
      fix.addEventListener("click", () => (item.kind === "invalid" ? openForm(item) : retry(item)));
      buttons.push(fix);
    }
    const discard = el("button", { type: "button", class: "secondary", text: S.discard });
    discard.addEventListener("click", async () => {
      if (!confirm(S.discardConfirm)) return;
      await Outbox.remove(item.key);
      render();
    });
    buttons.push(discard);
    card.append(el("div", { class: "actions" }, buttons));
    return card;
  }

  async function render() {
    if (!box || !Outbox || !userId) return;
    const items = (await Outbox.all()).filter((i) => i.userId === userId);
    const waiting = items.filter((i) => i.status === "waiting");
    const attention = items.filter((i) => i.status === "attention");
    const section = (selector, list, title, isAttention) => {
      const part = box.querySelector(selector);
      part.hidden = !list.length;
      part.querySelector("h3").textContent = `${title} (${list.length})`;
      part.querySelector("ul").replaceChildren(...list.map((i) => itemCard(i, isAttention)));
    };
    section(".outbox-attention", attention, S.attention, true);
    section(".outbox-waiting", waiting, S.waiting, false);
    const send = box.querySelector("[data-outbox-send]");
    send.textContent = flushing ? S.sending : S.sendNow;
    send.disabled = flushing;
    const status = !navigator.onLine && items.length ? S.offlineNow : statusText;
    box.querySelector(".outbox-status").textContent = status;
    box.querySelector(".outbox-status").hidden = !status;
    box.hidden = !items.length && !status;
  }

  async function csrfToken() {
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (input && !isCopy()) return input.value;
    // A kept copy's token may be older than the last sign-in: ask the server for a page.
    const response = await fetch(offline ? offline.dataset.offline : "/", { credentials: "same-origin", cache: "no-store" });
    const html = await response.text();
    return (html.match(/name="csrfmiddlewaretoken" value="([^"]+)"/) || [])[1] || "";
  }

  async function flush() {
    if (!Outbox || !userId || flushing) return;
    flushing = true;
    render();
    try {
      const results = await Outbox.sendAll({ csrf: await csrfToken(), userId });
      const sent = results.filter((r) => r.state === "sent").map((r) => r.item.label);
      // The note that a form was kept for later is done with once the outbox was tried.
      if (results.length) statusText = sent.length ? `${S.sent} ${sent.join("; ")}` : "";
    } catch (e) {
      // no signal for the token: the items wait
    } finally {
      flushing = false;
      render();
    }
  }

  async function retry(item) {
    await Outbox.put({ ...item, status: "waiting", kind: "" });
    flush();
  }

  // Open the refused form at its own address, filled in with what was typed; saving it there
  // (or queueing it again) replaces the item.
  async function openForm(item) {
    writeDraft(item.url, { savedAt: Date.parse(item.recordedAt) || Date.now(), fields: item.fields.filter(([n]) => kept(n)), restoreOnLoad: true, outboxKey: item.key });
    location.href = item.url;
  }

  // The item's name on the outbox: the form's label, with the {name} of the client picked in
  // the field `data-outbox-name-field` names (a visit planned offline), if any.
  function outboxLabel(form) {
    const label = form.dataset.outboxLabel || document.title;
    const field = form.dataset.outboxNameField && form.elements[form.dataset.outboxNameField];
    const option = field && field.selectedOptions ? field.selectedOptions[0] : null;
    return fmt(label, { name: option && option.value ? option.textContent.trim() : "?" });
  }

  async function queue(form) {
    const fields = [];
    for (const [name, value] of new FormData(form)) {
      if (name !== "csrfmiddlewaretoken" && typeof value === "string") fields.push([name, value]);
    }
    const tokenInput = form.querySelector("input[name=submission_token]");
    const key = (tokenInput && tokenInput.value) || crypto.randomUUID();
    if (!fields.some(([name]) => name === "submission_token")) fields.push(["submission_token", key]);
    const url = form.getAttribute("action") ? new URL(form.action, location.href).pathname : location.pathname;
    const item = {
      key,
      url,
      fields,
      label: outboxLabel(form),
      recordedAt: new Date().toISOString(),
      createdAt: Date.now(),
      userId,
      status: "waiting",
    };
    await Outbox.put(item);
    if (form.dataset.outboxReplaces && form.dataset.outboxReplaces !== key) await Outbox.remove(form.dataset.outboxReplaces);
    dropDraft(location.pathname);
    try {
      const wait = new Promise((resolve) => setTimeout(resolve, 1000, null));
      const reg = await Promise.race([navigator.serviceWorker.ready, wait]);
      if (reg && reg.sync) await reg.sync.register("outreach-outbox");
    } catch (e) {
      // no Background Sync: sent on the next page load, when the signal returns, or by "Send now"
    }
    sessionStorage.setItem(FLASH, S.queued);
    if (navigator.onLine) await flush();
    location.href = caseloadPath;
  }

  function startOutbox() {
    if (!box || !Outbox || !userId) return;
    box.querySelector("[data-outbox-send]").addEventListener("click", flush);
    const flash = sessionStorage.getItem(FLASH);
    if (flash) {
      sessionStorage.removeItem(FLASH);
      statusText = flash;
    }
    window.addEventListener("online", () => flush());
    window.addEventListener("offline", () => render());
    document.addEventListener("submit", (event) => {
      const form = event.target;
      if (!form.matches("form[data-outbox]")) return;
      // A form served by the worker without signal is always queued (its CSRF token may be old).
      if (navigator.onLine && !form.hasAttribute("data-offline-form")) {
        if (form.dataset.outboxReplaces) Outbox.remove(form.dataset.outboxReplaces);
        return;
      }
      event.preventDefault();
      queue(form);
    });
    render().then(() => {
      if (navigator.onLine) flush();
    });
  }

  // The empty contact form the worker shows without signal at /clients/<pk>/contacts/new/, or
  // at /visits/<pk>/contact/ (a planned visit's contact, from My work): the name comes from the
  // kept caseload or My work; the server checks the client or the visit when it is sent.
  async function startOfflineForm() {
    const form = document.querySelector("form[data-offline-form]");
    if (!form) return;
    const match = location.pathname.match(/^\/clients\/(\d+)\/contacts\/new\/$/);
    const visit = location.pathname.match(/^\/visits\/(\d+)\/(contact|missed)\/$/);
    const label = document.querySelector("[data-offline-client]");
    if (!match && !visit) {
      form.hidden = true;
      return;
    }
    const token = form.querySelector("input[name=submission_token]");
    if (token) token.value = crypto.randomUUID(); // the kept page's token was for another form
    const started = form.querySelector("input[name=started_at]");
    if (started) {
      const d = new Date();
      started.value = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
    }
    let name = "";
    try {
      const page = match ? caseloadPath : offline.content.split(" ")[1];
      const copy = await caches.match(page, { cacheName: DATA_CACHE });
      if (copy) {
        const doc = new DOMParser().parseFromString(await copy.text(), "text/html");
        if (match) {
          const row = doc.querySelector(`tr[data-client-id="${match[1]}"]`);
          name = row ? row.getAttribute("data-client-name") : "";
        } else {
          // The item links to the visit's contact; its Missed link is beside it.
          const link = doc.querySelector(`a.work-item[href="/visits/${visit[1]}/contact/"] .work-client`);
          name = link ? link.textContent.trim() : "";
        }
      }
    } catch (e) {
      // no copy of the caseload or My work
    }
    const id = match ? match[1] : visit[1];
    const kind = match ? S.contactWith : visit[2] === "missed" ? S.visitMissedFor : S.visitContactWith;
    form.dataset.outboxLabel = fmt(kind, { name: name || `#${id}` });
    label.textContent = name ? form.dataset.outboxLabel : S.unknownClient;
  }

  // --- Sign-out clears the phone ---------------------------------------------------------------
  function startSignOut() {
    document.querySelectorAll("form.logout").forEach((form) => {
      form.addEventListener("submit", async (event) => {
        if (form.dataset.cleared) return;
        event.preventDefault();
        const items = Outbox ? (await Outbox.all()).filter((i) => i.userId === userId) : [];
        if (items.length && !confirm(fmt(S.signoutConfirm, { n: items.length }))) return;
        await wipe();
        form.dataset.cleared = "1";
        form.submit();
      });
    });
  }

  function start() {
    startWorker();
    showCopyAge();
    startOfflineForm().then(startDrafts);
    startIdleClock();
    startOutbox();
    startSignOut();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
  self.OutreachOffline = { flush, render, wipe };
})();
