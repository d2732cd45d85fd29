// The outbox (issue 17): forms kept on the phone without signal, sent when it returns.
// Plain script for both the pages (offline.js) and the service worker (importScripts).
// Any form marked `data-outbox` can be queued; an item is the form's fields, the address it
// posts to and its idempotency key (the form's `submission_token`, outreach/submissions.py),
// so a resend of a form the server already saved is answered "Already saved", never saved twice.
// Nothing leaves the outbox without the worker's say unless the server saved it.
(function (root) {
  "use strict";
  const DB_NAME = "outreach";
  const STORE = "outbox";

  function request(req) {
    return new Promise((resolve, reject) => {
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }

  function open() {
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => {
      if (!req.result.objectStoreNames.contains(STORE)) req.result.createObjectStore(STORE, { keyPath: "key" });
    };
    return request(req);
  }

  async function withStore(mode, work) {
    const db = await open();
    try {
      const tx = db.transaction(STORE, mode);
      const done = new Promise((resolve, reject) => {
        tx.oncomplete = resolve;
        tx.onerror = () => reject(tx.error);
        tx.onabort = () => reject(tx.error);
      });
      const result = await request(work(tx.objectStore(STORE)));
      await done;
      return result;
    } finally {
      db.close(); // never hold the database open: sign-out deletes it
    }
  }

  const all = () => withStore("readonly", (s) => s.getAll());
  const get = (key) => withStore("readonly", (s) => s.get(key));
  const put = (item) => withStore("readwrite", (s) => s.put(item));
  const remove = (key) => withStore("readwrite", (s) => s.delete(key));

  function text(html) {
    return html.replace(/<[^>]*>/g, "").replace(/&#x27;|&#39;/g, "'").replace(/&quot;/g, '"')
      .replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&").replace(/\s+/g, " ").trim();
  }

  // The messages of a form the server showed again with errors: "Field: message".
  function formErrors(html) {
    const errors = [];
    const general = html.match(/<div class="form-errors"[\s\S]*?<\/div>/);
    if (general) {
      for (const li of general[0].match(/<li>[\s\S]*?<\/li>/g) || []) errors.push(text(li));
    }
    const parts = html.split(/data-field="/).slice(1);
    for (const part of parts) {
      const list = part.match(/<ul class="errorlist"[^>]*>([\s\S]*?)<\/ul>/);
      if (!list) continue;
      const label = part.match(/<(?:legend|label)[^>]*>([\s\S]*?)<\/(?:legend|label)>/);
      const name = label ? text(label[1]).replace(/\s*\*$/, "") : "";
      for (const li of list[1].match(/<li>[\s\S]*?<\/li>/g) || []) {
        errors.push(name ? `${name}: ${text(li)}` : text(li));
      }
    }
    return errors;
  }

  // Send one item; answer what became of it. The server's answers (outreach/middleware.py,
  // OutboxAnswerMiddleware): a redirect as JSON (saved, or the sign-in page), 400 with the form
  // and its errors, 404 for a client no longer of the worker's team.
  async function sendOne(item, csrf) {
    const body = new URLSearchParams();
    for (const [name, value] of item.fields) body.append(name, value);
    let response;
    try {
      response = await fetch(item.url, {
        method: "POST",
        body,
        credentials: "same-origin",
        redirect: "manual",
        cache: "no-store",
        headers: {
          "X-CSRFToken": csrf || "",
          "X-Outreach-Outbox": "1",
          "Idempotency-Key": item.key,
          "X-Recorded-At": item.recordedAt,
        },
      });
    } catch (err) {
      return { state: "waiting" }; // no signal: try again later
    }
    const status = response.status;
    if (response.headers.get("X-Outbox-Answer") === "redirect") {
      const answer = await response.json();
      if (answer.signin) return { state: "attention", kind: "signin", status };
      return { state: "sent", location: answer.location };
    }
    if (status === 404) return { state: "attention", kind: "not-found", status };
    if (status === 400) return { state: "attention", kind: "invalid", status, errors: formErrors(await response.text()) };
    if (status === 401 || status === 403) return { state: "attention", kind: "refused", status };
    if (status >= 500 || status === 429 || status === 0) return { state: "waiting", status };
    return { state: "attention", kind: "refused", status };
  }

  function locked(work) {
    if (root.navigator && root.navigator.locks) return root.navigator.locks.request("outreach-outbox", work);
    return work();
  }

  // Send every waiting item of this user (and those refused only because the session had ended).
  // One sender at a time (a page and the service worker may both try); were one to send twice
  // anyway, the idempotency key makes the second an "Already saved".
  function sendAll({ csrf, userId }) {
    return locked(async () => {
      const results = [];
      const items = (await all()).filter(
        (i) => i.userId === userId && (i.status === "waiting" || (i.status === "attention" && i.kind === "signin"))
      );
      items.sort((a, b) => a.createdAt - b.createdAt);
      for (const item of items) {
        const result = await sendOne(item, csrf);
        if (result.state === "sent") {
          await remove(item.key);
        } else if (!(await get(item.key))) {
          continue; // discarded meanwhile
        } else {
          await put({ ...item, status: result.state, kind: result.kind || "", httpStatus: result.status || 0, errors: result.errors || [], triedAt: Date.now() });
        }
        results.push({ item, ...result });
        if (result.state === "waiting" && !result.status) break; // no signal: stop for now
      }
      return results;
    });
  }

  function deleteAll() {
    return new Promise((resolve) => {
      const req = indexedDB.deleteDatabase(DB_NAME);
      req.onsuccess = req.onerror = req.onblocked = () => resolve();
    });
  }

  root.OutreachOutbox = { all, get, put, remove, sendOne, sendAll, deleteAll, formErrors, DB_NAME };
})(self);
