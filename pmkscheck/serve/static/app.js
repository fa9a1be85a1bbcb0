// pmkscheck serve: the page. Plain DOM, no framework, no request outside this server.
// Every text from a file goes in through textContent, never innerHTML.
"use strict";

const T = {
  id: {
    subtitle: "Periksa data PMKS/PPKS", drop_title: "Tarik berkas ke sini",
    drop_help: "xlsx, xlsm, xls, ods, csv — satu atau banyak berkas sekaligus. Berkas asli di komputer Anda tidak diubah.",
    pick: "Pilih berkas…", template_title: "Unduh templat pengisian", district: "Kab/kota",
    kind: "Jenis templat", kind_individu: "Daftar per orang", kind_keluarga: "Daftar per keluarga (KK)", kind_rekap: "Rekap per kecamatan",
    download: "Unduh", rules_title: "Daftar pemeriksaan", rules_filter: "Cari kode atau kata…",
    footer: "NIK dan No. KK disamarkan dalam laporan. Berkas unggahan dihapus saat server berhenti.",
    uploading: "Mengunggah", queued: "Menunggu giliran", read: "Membaca", check: "Memeriksa",
    write: "Menulis hasil", done: "Selesai", failed: "Gagal", unreadable: "Tidak dapat dibaca",
    changes: "Sejak pengiriman sebelumnya", added: "orang baru", removed: "orang hilang",
    changed: "orang berubah", fixed: "temuan diperbaiki", new_f: "temuan baru", open: "temuan masih ada",
    rows: "baris data", errors: "galat", warnings: "peringatan", infos: "info",
    rows_with_errors: "baris bergalat", sheet: "Lembar", district_l: "Kab/kota", unknown: "tidak diketahui",
    data_date: "Tanggal data", findings: "Temuan per kode", code: "Kode", severity: "Tingkat",
    what: "Temuan", count: "Jumlah", cells: "Sel", completeness: "Kelengkapan per kolom", complete: "Kelengkapan",
    field: "Kolom", kecamatan: "Per kecamatan", kec: "Kecamatan", with_errors: "Baris bergalat",
    no_findings: "Tidak ada temuan.", downloads: "Unduh hasil", full_report: "Laporan lengkap (HTML)",
    province: "Rekap provinsi", more: "lainnya", why: "Mengapa", fix: "Cara memperbaiki",
    error: "galat", warning: "peringatan", info: "info", line: "baris",
  },
  en: {
    subtitle: "Check PMKS/PPKS data", drop_title: "Drop files here",
    drop_help: "xlsx, xlsm, xls, ods, csv — one or many files at once. The original files on your computer are not changed.",
    pick: "Choose files…", template_title: "Download a submission template", district: "Kab/kota",
    kind: "Template", kind_individu: "Person list", kind_keluarga: "Family list (one row per KK)", kind_rekap: "Recap per kecamatan",
    download: "Download", rules_title: "Every check", rules_filter: "Search a code or word…",
    footer: "NIK and No. KK are masked in reports. Uploaded files are deleted when the server stops.",
    uploading: "Uploading", queued: "Waiting", read: "Reading", check: "Checking",
    write: "Writing results", done: "Done", failed: "Failed", unreadable: "Could not be read",
    changes: "Since the previous submission", added: "persons added", removed: "persons removed",
    changed: "persons changed", fixed: "findings fixed", new_f: "new findings", open: "findings still open",
    rows: "data rows", errors: "errors", warnings: "warnings", infos: "infos",
    rows_with_errors: "rows with errors", sheet: "Sheet", district_l: "Kab/kota", unknown: "unknown",
    data_date: "Data date", findings: "Findings by code", code: "Code", severity: "Severity",
    what: "Finding", count: "Count", cells: "Cells", completeness: "Completeness per field", complete: "Completeness",
    field: "Field", kecamatan: "Per kecamatan", kec: "Kecamatan", with_errors: "Rows with errors",
    no_findings: "No findings.", downloads: "Download results", full_report: "Full report (HTML)",
    province: "Province summary", more: "more", why: "Why", fix: "How to fix",
    error: "error", warning: "warning", info: "info", line: "line",
  },
};

const params = new URLSearchParams(location.search);
const TOKEN = params.get("token") || "";
if (TOKEN) history.replaceState(null, "", "/");  // keep the token out of the address bar
let lang = localStorage.getItem("pmkscheck-lang") || "id";
let RULES = {};
const jobs = [];

function t(key) { return (T[lang] && T[lang][key]) || key; }

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") node.className = v; else if (k === "text") node.textContent = v;
    else node.setAttribute(k, v);
  }
  for (const c of children) if (c != null) node.append(c);
  return node;
}

function api(path, options = {}) {
  const headers = Object.assign({"X-Pmkscheck-Token": TOKEN}, options.headers || {});
  return fetch(path, Object.assign({}, options, {headers, credentials: "same-origin"}));
}

function num(n) { return Number(n).toLocaleString(lang === "id" ? "id-ID" : "en-US"); }
function pct(x) { return (x * 100).toLocaleString(lang === "id" ? "id-ID" : "en-US", {maximumFractionDigits: 1}) + " %"; }

// ---- language -------------------------------------------------------------------------
function applyLang() {
  document.documentElement.lang = lang;
  for (const node of document.querySelectorAll("[data-t]")) node.textContent = t(node.dataset.t);
  for (const node of document.querySelectorAll("[data-t-placeholder]")) node.placeholder = t(node.dataset.tPlaceholder);
  document.getElementById("lang-id").setAttribute("aria-pressed", String(lang === "id"));
  document.getElementById("lang-en").setAttribute("aria-pressed", String(lang === "en"));
  document.title = "pmkscheck — " + t("subtitle");
  loadRules();
  updateTemplateLink();
  for (const job of jobs) renderJob(job);
}

// ---- upload and progress ----------------------------------------------------------------
function upload(files) {
  const list = Array.from(files);
  if (!list.length) return;
  const job = {names: list.map(f => f.name), state: "uploading", sent: 0, data: null, error: null,
               node: el("article", {class: "job"})};
  jobs.unshift(job);
  document.getElementById("jobs").prepend(job.node);
  renderJob(job);
  const form = new FormData();
  for (const f of list) form.append("files", f, f.name);
  const xhr = new XMLHttpRequest();
  xhr.open("POST", "/api/jobs?lang=" + lang);
  xhr.setRequestHeader("X-Pmkscheck-Token", TOKEN);
  xhr.upload.onprogress = (e) => { if (e.lengthComputable) { job.sent = e.loaded / e.total; renderJob(job); } };
  xhr.onload = () => {
    let body = {};
    try { body = JSON.parse(xhr.responseText); } catch (e) { body = {error: xhr.statusText}; }
    if (xhr.status >= 300) { job.state = "failed"; job.error = body.error || xhr.statusText; renderJob(job); return; }
    job.id = body.id; job.data = body; job.state = body.state; renderJob(job); poll(job);
  };
  xhr.onerror = () => { job.state = "failed"; job.error = "network"; renderJob(job); };
  xhr.send(form);
}

async function poll(job) {
  while (job.state === "queued" || job.state === "running") {
    await new Promise(r => setTimeout(r, 400));
    const res = await api("/api/jobs/" + job.id);
    if (!res.ok) { job.state = "failed"; job.error = res.statusText; break; }
    job.data = await res.json();
    job.state = job.data.state;
    if (job.state === "failed") job.error = job.data.error;
    renderJob(job);
  }
  renderJob(job);
}

function statusText(job) {
  if (job.state === "uploading") return t("uploading") + " " + Math.round(job.sent * 100) + " %";
  if (job.state === "queued") return t("queued");
  if (job.state === "running") {
    const steps = Object.entries((job.data && job.data.step) || {});
    if (!steps.length) return t("read") + "…";
    return steps.map(([name, step]) => name + ": " + t(step)).join(" · ");
  }
  const files = (job.data && job.data.report && job.data.report.files) || [];
  if (job.state === "done" && files.length && files.every(f => f.error)) return t("unreadable");
  return t(job.state);
}

function renderJob(job) {
  const node = job.node;
  node.replaceChildren();
  node.dataset.state = job.state;
  node.append(el("h2", {text: job.names.join(", ")}));
  node.append(el("div", {class: "status", text: statusText(job)}));
  if (job.state === "uploading") node.append(el("progress", {value: String(job.sent), max: "1"}));
  else if (job.state === "queued" || job.state === "running") node.append(el("progress"));
  if (job.error) node.append(el("p", {class: "failed", text: job.error}));
  if (job.state !== "done" || !job.data || !job.data.report) return;
  node.append(renderDownloads(job));
  for (const f of job.data.report.files) node.append(renderFile(f));
  if (job.data.has_province) {
    node.append(el("h3", {class: "section", text: t("province")}));
    node.append(el("iframe", {class: "province", src: "/api/jobs/" + job.id + "/provinsi.html",
      sandbox: "", title: t("province")}));
  }
}

function renderFile(f) {
  const box = el("section", {class: "file", "data-file": f.path});
  box.append(el("h3", {class: "section", text: f.path + (f.sheet ? " — " + t("sheet") + " " + f.sheet : "")}));
  if (f.error) {
    box.append(el("p", {class: "failed", text: f.error.message}));
    if (f.error.fix) box.append(el("p", {text: f.error.fix}));
    return box;
  }
  const d = f.district ? f.district.code + " " + f.district.name : t("unknown");
  let meta = t("district_l") + ": " + d + " · " + f.schema;
  if (f.data_date && f.data_date.date) meta += " · " + t("data_date") + ": " + f.data_date.date;
  box.append(el("p", {class: "meta", text: meta}));
  const s = f.summary;
  const cards = el("div", {class: "cards"});
  for (const [cls, n, label] of [["rows", f.data_rows, t("rows")], ["error", s.errors, t("errors")],
      ["warning", s.warnings, t("warnings")], ["info", s.infos, t("infos")],
      ["rows", s.rows_with_errors, t("rows_with_errors")]]) {
    cards.append(el("div", {class: "card " + cls, "data-count": label}, el("b", {text: num(n)}), label));
  }
  box.append(cards);
  if (f.changes && f.changes.persons) {
    const c = f.changes, p = c.persons, k = c.findings || {};
    const when = c.previous ? " (" + (c.previous.file || "") + (c.previous.data_date ? ", " + c.previous.data_date : "") + ")" : "";
    box.append(el("p", {class: "changes", text: t("changes") + when + ": " +
      [[p.added, "added"], [p.removed, "removed"], [p.changed, "changed"], [k.fixed, "fixed"],
       [k.new, "new_f"], [k.open, "open"]].filter(x => x[0] != null).map(x => num(x[0]) + " " + t(x[1])).join(" · ")}));
  }
  box.append(findingsTable(f));
  box.append(completenessTable(f));
  if (s.kecamatan && s.kecamatan.length) box.append(kecamatanTable(f));
  return box;
}

function findingsTable(f) {
  const wrap = el("div");
  wrap.append(el("h3", {class: "section", text: t("findings")}));
  if (!f.issues.length) { wrap.append(el("p", {text: t("no_findings")})); return wrap; }
  const groups = new Map();
  for (const i of f.issues) {
    if (!groups.has(i.code)) groups.set(i.code, []);
    groups.get(i.code).push(i);
  }
  const order = {error: 0, warning: 1, info: 2};
  const rows = [...groups.entries()].sort((a, b) => order[a[1][0].severity] - order[b[1][0].severity] || b[1].length - a[1].length);
  const table = el("table", {class: "findings"});
  table.append(el("tr", {}, el("th", {text: t("severity")}), el("th", {text: t("code")}),
    el("th", {text: t("what")}), el("th", {class: "num", text: t("count")}), el("th", {text: t("cells")})));
  for (const [code, items] of rows) {
    const rule = RULES[code];
    const where = items.slice(0, 12).map(i => i.cell || (i.row ? t("line") + " " + i.row : "—"));
    const more = items.length > 12 ? " … (+" + num(items.length - 12) + " " + t("more") + ")" : "";
    const sev = items[0].severity;
    table.append(el("tr", {"data-code": code},
      el("td", {}, el("span", {class: "sev " + sev, text: t(sev)})),
      el("td", {text: code}),
      el("td", {text: rule ? rule.title : items[0].message}),
      el("td", {class: "num", text: num(items.length)}),
      el("td", {class: "cells", text: where.join(", ") + more})));
  }
  wrap.append(table);
  return wrap;
}

function completenessTable(f) {
  const wrap = el("div");
  wrap.append(el("h3", {class: "section", text: t("completeness")}));
  const table = el("table");
  table.append(el("tr", {}, el("th", {text: t("field")}), el("th", {text: ""}), el("th", {class: "num", text: "%"})));
  for (const [field, share] of Object.entries(f.summary.completeness || {})) {
    const bar = el("span", {class: "bar"}, el("span", {style: "width:" + Math.round(share * 100) + "%"}));
    table.append(el("tr", {}, el("td", {text: field}), el("td", {}, bar), el("td", {class: "num", text: pct(share)})));
  }
  wrap.append(table);
  return wrap;
}

function kecamatanTable(f) {
  const wrap = el("div");
  wrap.append(el("h3", {class: "section", text: t("kecamatan")}));
  const table = el("table");
  table.append(el("tr", {}, el("th", {text: t("kec")}), el("th", {class: "num", text: t("rows")}),
    el("th", {class: "num", text: t("with_errors")}), el("th", {class: "num", text: t("complete")})));
  for (const k of f.summary.kecamatan) {
    table.append(el("tr", {}, el("td", {text: k.kecamatan + (k.code ? " (" + k.code + ")" : "")}),
      el("td", {class: "num", text: num(k.rows)}), el("td", {class: "num", text: num(k.rows_with_errors)}),
      el("td", {class: "num", text: pct(k.completeness)})));
  }
  wrap.append(table);
  return wrap;
}

function renderDownloads(job) {
  const wrap = el("div");
  if (!job.data.downloads.length && !job.data.has_html) return wrap;
  wrap.append(el("h3", {class: "section", text: t("downloads")}));
  const bar = el("div", {class: "downloads"});
  for (const d of job.data.downloads) {
    bar.append(el("a", {class: "button secondary", href: "/api/jobs/" + job.id + "/files/" + d.id,
      download: d.name, "data-kind": d.kind, text: d.label + (d.sheet ? " — " + d.sheet : "")}));
  }
  if (job.data.has_html) bar.append(el("a", {class: "button", href: "/api/jobs/" + job.id + "/laporan.html",
    target: "_blank", rel: "noopener", text: t("full_report")}));
  wrap.append(bar);
  return wrap;
}

// ---- rules and template -----------------------------------------------------------------
async function loadRules() {
  const res = await api("/api/rules?lang=" + lang);
  if (!res.ok) return;
  const list = await res.json();
  RULES = Object.fromEntries(list.map(r => [r.code, r]));
  renderRules();
  for (const job of jobs) if (job.state === "done") renderJob(job);
}

function renderRules() {
  const box = document.getElementById("rules-list");
  const q = document.getElementById("rules-filter").value.trim().toLowerCase();
  box.replaceChildren();
  for (const r of Object.values(RULES)) {
    const text = (r.code + " " + r.title + " " + r.what).toLowerCase();
    if (q && !text.includes(q)) continue;
    box.append(el("div", {class: "rule"},
      el("h3", {}, el("span", {class: "sev " + r.severity, text: t(r.severity)}), " " + r.code + " — " + r.title),
      el("p", {text: r.what}), el("p", {text: t("why") + ": " + r.why}), el("p", {text: t("fix") + ": " + r.fix})));
  }
}

async function loadDistricts() {
  const res = await api("/api/districts");
  if (!res.ok) return;
  const sel = document.getElementById("district");
  for (const d of await res.json()) sel.append(el("option", {value: d.code, text: d.code + " " + d.name}));
  updateTemplateLink();
}

function updateTemplateLink() {
  const d = document.getElementById("district").value;
  const k = document.getElementById("kind").value;
  document.getElementById("template-link").href = "/api/template?district=" + encodeURIComponent(d) + "&kind=" + encodeURIComponent(k);
}

// ---- wiring -----------------------------------------------------------------------------
window.addEventListener("DOMContentLoaded", () => {
  const drop = document.getElementById("drop");
  for (const ev of ["dragenter", "dragover"]) drop.addEventListener(ev, (e) => { e.preventDefault(); drop.classList.add("over"); });
  for (const ev of ["dragleave", "drop"]) drop.addEventListener(ev, () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => { e.preventDefault(); upload(e.dataTransfer.files); });
  document.addEventListener("dragover", (e) => e.preventDefault());
  document.addEventListener("drop", (e) => e.preventDefault());  // a missed drop never navigates away
  const picker = document.getElementById("picker");
  picker.addEventListener("change", () => { upload(picker.files); picker.value = ""; });
  document.getElementById("lang-id").addEventListener("click", () => { lang = "id"; localStorage.setItem("pmkscheck-lang", lang); applyLang(); });
  document.getElementById("lang-en").addEventListener("click", () => { lang = "en"; localStorage.setItem("pmkscheck-lang", lang); applyLang(); });
  document.getElementById("rules-filter").addEventListener("input", renderRules);
  document.getElementById("district").addEventListener("change", updateTemplateLink);
  document.getElementById("kind").addEventListener("change", updateTemplateLink);
  loadDistricts();
  applyLang();
});
