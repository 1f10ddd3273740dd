// extract curate: small plain JavaScript, no build step, no third-party code.
// Clicking a highlight lists its records; selecting text offers "add a record";
// the page image zooms (buttons, or + / - / 0) with its evidence boxes drawn on it;
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

  // page image zoom. The SVG holds the page image and the evidence boxes in PDF points,
  // so sizing the SVG scales both together. The zoom is a share of the panel's width
  // (1 = fit width) and is remembered across records, which are separate page loads.
  const zoomer = (function () {
    const svg = document.getElementById("pageimg");
    if (!svg) return null;
    const box = document.getElementById("pagebox");
    const pane = box.closest(".pane");
    const image = svg.querySelector("image");
    const level = document.getElementById("zoom-level");
    const zoomIn = document.getElementById("zoom-in");
    const zoomOut = document.getElementById("zoom-out");
    const STEPS = [0.5, 0.67, 0.8, 1, 1.25, 1.5, 2, 2.5, 3, 4];
    const KEY = "extract-curate.zoom";
    const scales = svg.dataset.scales.split(" ").map(Number);
    const pageWidth = Number(svg.dataset.width);
    let scale = scales[0];
    let zoom = 1;
    try { zoom = Number(window.localStorage.getItem(KEY)) || 1; } catch (e) { zoom = 1; }
    if (!STEPS.includes(zoom)) zoom = 1;

    function render() {
      const fit = box.clientWidth;
      svg.style.width = zoom === 1 ? "" : Math.round(fit * zoom) + "px";
      level.value = Math.round(zoom * 100) + "%";
      zoomIn.disabled = zoom >= STEPS[STEPS.length - 1];
      zoomOut.disabled = zoom <= STEPS[0];
      // a sharper rendering once the page is shown larger than the one loaded (never a blurrier one)
      const needed = (fit * zoom * (window.devicePixelRatio || 1)) / pageWidth;
      const want = scales.find((x) => x >= needed) || scales[scales.length - 1];
      if (want > scale) {
        scale = want;
        image.setAttribute("href", image.dataset.base + "?scale=" + scale);
      }
    }

    function set(z) {
      // keep the point at the centre of the view where it is
      const fx = (pane.scrollLeft + pane.clientWidth / 2) / pane.scrollWidth;
      const fy = (pane.scrollTop + pane.clientHeight / 2) / pane.scrollHeight;
      zoom = z;
      try { window.localStorage.setItem(KEY, String(z)); } catch (e) { /* private mode: not remembered */ }
      render();
      pane.scrollLeft = fx * pane.scrollWidth - pane.clientWidth / 2;
      pane.scrollTop = fy * pane.scrollHeight - pane.clientHeight / 2;
    }

    function step(dir) {
      const i = STEPS.indexOf(zoom);
      const j = Math.max(0, Math.min(STEPS.length - 1, i + dir));
      if (j !== i) set(STEPS[j]);
    }

    // the selected record's box in the middle of the panel
    function showSelected() {
      const rect = svg.querySelector("rect.box.sel");
      if (!rect) return;
      const r = rect.getBoundingClientRect();
      const p = pane.getBoundingClientRect();
      const head = pane.querySelector(".pane-head").offsetHeight;
      pane.scrollLeft += r.left + r.width / 2 - (p.left + p.width / 2);
      pane.scrollTop += r.top + r.height / 2 - (p.top + head + (p.height - head) / 2);
    }

    zoomIn.addEventListener("click", () => step(1));
    zoomOut.addEventListener("click", () => step(-1));
    document.getElementById("zoom-fit").addEventListener("click", () => set(1));
    render();
    showSelected();
    if (window.ResizeObserver) new ResizeObserver(render).observe(box);
    return { step: step, fit: () => set(1) };
  })();

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
      case "+": case "=": if (zoomer) { ev.preventDefault(); zoomer.step(1); } break;
      case "-": case "_": if (zoomer) { ev.preventDefault(); zoomer.step(-1); } break;
      case "0": if (zoomer) { ev.preventDefault(); zoomer.fit(); } break;
      case "Escape": popover.hidden = true; addLink.hidden = true; clearHits(); break;
    }
  });
})();
