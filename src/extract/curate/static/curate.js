// extract curate: small plain JavaScript, no build step, no third-party code.
// Clicking a highlight lists its records; selecting text offers "add a record";
// keyboard: a accept, r reject, n/j next, p/k previous, e edit, Escape closes.
(function () {
  "use strict";
  const main = document.querySelector("main.doc");
  if (!main) return;
  const docId = main.dataset.doc;
  const view = main.dataset.view || "";
  const text = document.getElementById("doctext");
  const popover = document.getElementById("popover");
  const addLink = document.getElementById("add-from-selection");
  const textPane = text.closest(".pane");

  function rowFor(id) { return document.querySelector('table.recs tr[data-id="' + CSS.escape(id) + '"]'); }
  function clearHits() { document.querySelectorAll(".hit").forEach((el) => el.classList.remove("hit")); }
  function place(el, x, y) {
    const r = textPane.getBoundingClientRect();
    el.style.left = Math.max(4, x - r.left + textPane.scrollLeft) + "px";
    el.style.top = (y - r.top + textPane.scrollTop + 8) + "px";
  }

  // the selected record: bring its highlight and its table row into view
  const sel = text.querySelector("mark.sel");
  if (sel) sel.scrollIntoView({ block: "center" });
  const selRow = document.querySelector("table.recs tr.sel");
  if (selRow) selRow.scrollIntoView({ block: "nearest" });

  // clicking a highlight shows the records whose evidence it is
  text.addEventListener("click", (ev) => {
    const mark = ev.target.closest("mark[data-ids]");
    if (!mark || !window.getSelection().isCollapsed) return;
    clearHits();
    const ids = mark.dataset.ids.split(" ").filter(Boolean);
    popover.replaceChildren();
    const head = document.createElement("div");
    head.textContent = ids.length + (ids.length === 1 ? " record here" : " records here");
    const list = document.createElement("ul");
    for (const id of ids) {
      const row = rowFor(id);
      const li = document.createElement("li");
      const a = document.createElement("a");
      const q = new URLSearchParams({ r: id });
      if (view) q.set("view", view);
      a.href = "/doc/" + encodeURIComponent(docId) + "?" + q.toString() + "#record";
      a.textContent = row ? row.querySelector("td:nth-child(2) a").textContent : id;
      li.appendChild(a);
      if (row) {
        const st = row.querySelector(".badge");
        if (st) { li.append(" "); li.appendChild(st.cloneNode(true)); }
        row.classList.add("hit");
      }
      list.appendChild(li);
    }
    text.querySelectorAll("mark[data-ids]").forEach((m) => {
      if (m.dataset.ids === mark.dataset.ids) m.classList.add("hit");
    });
    popover.append(head, list);
    popover.hidden = false;
    place(popover, ev.clientX, ev.clientY);
    const first = rowFor(ids[0]);
    if (first) first.scrollIntoView({ block: "nearest" });
  });

  // offset of a DOM position in the normalized text: every piece carries data-o
  function offset(node, off) {
    if (node.nodeType === Node.TEXT_NODE) {
      const el = node.parentElement.closest("[data-o]");
      return el ? Number(el.dataset.o) + off : null;
    }
    if (node === text) {
      if (off >= text.childNodes.length) return Number(text.lastElementChild.dataset.o) + text.lastElementChild.textContent.length;
      return Number(text.childNodes[off].dataset.o);
    }
    const el = node.closest ? node.closest("[data-o]") : null;
    if (!el) return null;
    return Number(el.dataset.o) + (off > 0 ? el.textContent.length : 0);
  }

  function selectionSpan() {
    const s = window.getSelection();
    if (!s || s.isCollapsed || s.rangeCount === 0) return null;
    const r = s.getRangeAt(0);
    if (!text.contains(r.startContainer) || !text.contains(r.endContainer)) return null;
    let a = offset(r.startContainer, r.startOffset);
    let b = offset(r.endContainer, r.endOffset);
    if (a === null || b === null) return null;
    if (a > b) [a, b] = [b, a];
    return b > a ? { start: a, end: b } : null;
  }

  document.addEventListener("selectionchange", () => {
    const span = selectionSpan();
    if (!span) return;
    const q = new URLSearchParams({ start: span.start, end: span.end });
    if (view) q.set("view", view);
    addLink.href = "/doc/" + encodeURIComponent(docId) + "/new?" + q.toString();
  });
  text.addEventListener("mouseup", (ev) => {
    setTimeout(() => {
      const span = selectionSpan();
      if (!span) { addLink.hidden = true; return; }
      popover.hidden = true;
      addLink.hidden = false;
      place(addLink, ev.clientX, ev.clientY);
    }, 0);
  });

  document.addEventListener("click", (ev) => {
    if (!popover.hidden && !popover.contains(ev.target) && !ev.target.closest("mark[data-ids]")) {
      popover.hidden = true;
      clearHits();
    }
  });

  // keyboard shortcuts (not while typing in a field)
  document.addEventListener("keydown", (ev) => {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    const t = ev.target;
    if (t && (t.isContentEditable || ["INPUT", "SELECT", "TEXTAREA"].includes(t.tagName))) {
      if (ev.key === "Escape") t.blur();
      return;
    }
    const click = (id) => { const el = document.getElementById(id); if (el) { ev.preventDefault(); el.click(); } };
    switch (ev.key) {
      case "a": {
        const form = document.getElementById("status-form");
        if (form) { form.elements.go.value = "next"; }
        click("accept");
        break;
      }
      case "r": click("reject"); break;
      case "n": case "j": click("next-record"); break;
      case "p": case "k": click("prev-record"); break;
      case "e": {
        const f = document.querySelector("#edit-form .fields input, #edit-form .fields select");
        if (f) { ev.preventDefault(); f.focus(); }
        break;
      }
      case "Escape": popover.hidden = true; addLink.hidden = true; clearHits(); break;
    }
  });
})();
