// The front desk page: fill the choices from the clinic data, keep the preview up to date, and
// send every action as a POST (the patient's name never goes into a URL). Remembers the clinic,
// each clinic's paper and the printer in local storage, never the patient; clears the patient's
// name and address after a few idle minutes, so the next patient does not find them.
"use strict";

const DATA = JSON.parse(document.getElementById("desk-data").dataset.json);
const CSRF = document.querySelector('meta[name="csrf-token"]').content;
const REMEMBER = ["clinic", "printer"];  // and the paper, per clinic (paperKey)
const IDLE_CLEAR_MS = 3 * 60 * 1000;
const $ = (id) => document.getElementById(id);
let previewController = null;
let previewTimer = null;
let previewSeq = 0;
let idleTimer = null;

// A clinic's paper: the one last chosen for it, else its own (one with a letterhead for
// letter paper must not get A4 because another clinic was printed on A4).
function paperKey(clinic) { return "handouts.paper." + clinic.id; }

function clinicData() {
  return DATA.clinics.find((c) => c.id === $("clinic").value) || DATA.clinics[0];
}

function choices() {
  const lang = document.querySelector('input[name="lang"]:checked');
  const form = {
    clinic: $("clinic").value, practitioner: $("practitioner").value,
    lang: lang ? lang.value : "", paper: $("paper").value, edition: $("edition").value,
    patient: $("patient").value,
  };
  if ($("printer")) form.printer = $("printer").value;
  return form;
}

async function post(action, extra, signal) {
  const response = await fetch("/api/" + action, {
    method: "POST", credentials: "same-origin", cache: "no-store", signal,
    headers: { "Content-Type": "application/json", "X-CSRF-Token": CSRF },
    body: JSON.stringify(Object.assign(choices(), extra || {})),
  });
  if (!response.ok) {
    let message = "Something went wrong (" + response.status + ").";
    try { message = (await response.json()).error || message; } catch (e) { /* not JSON */ }
    throw new Error(message);
  }
  return response;
}

function fillSelect(select, items) {
  select.replaceChildren(...items.map((item) => new Option(item.name, item.id)));
}

function fillLanguages(languages) {
  const box = $("languages");
  box.replaceChildren();
  languages.forEach((lang, index) => {
    const label = document.createElement("label");
    const input = document.createElement("input");
    input.type = "radio"; input.name = "lang"; input.value = lang.id; input.checked = index === 0;
    const name = document.createElement("span");
    name.lang = lang.id; name.textContent = lang.name;
    label.append(input, name);
    box.append(label);
  });
}

function showClinic() {
  const clinic = clinicData();
  const broken = clinic.errors.length > 0;
  $("clinic-name").textContent = clinic.name;
  $("clinic-errors").hidden = !broken;
  $("controls").hidden = broken;
  $("clinic-error-lines").replaceChildren(...clinic.errors.map((line) => {
    const item = document.createElement("li");
    item.textContent = "Error: " + line;
    return item;
  }));
  const root = document.documentElement.style;
  // a clinic that cannot load has no colours of its own: neutral ones, not the last clinic's
  root.setProperty("--primary", broken ? "#3A3A3A" : clinic.primary);
  root.setProperty("--on-primary", broken ? "#FFFFFF" : clinic.onPrimary);
  root.setProperty("--brand-text", broken ? "#3A3A3A" : clinic.brandText);
  if (broken) $("preview-status").textContent = "No preview until the settings are fixed.";
  if (!broken) {
    fillSelect($("practitioner"), clinic.practitioners);
    fillLanguages(clinic.languages);
    const paper = localStorage.getItem(paperKey(clinic));
    const known = [...$("paper").options].some((o) => o.value === paper);
    $("paper").value = paper && known ? paper : clinic.paper;
    $("send").dataset.available = clinic.smtp ? "yes" : "no";
  }
  $("logo").hidden = broken || !clinic.logo;
  if (!broken && clinic.logo) $("logo").src = clinic.logo;  // decorative: the heading names it
  showEmailButtons();
  $("pages").hidden = broken;
  if (!broken) schedulePreview(0);
}

function showEmailButtons() {
  const typed = /\S+@\S+/.test($("to").value);
  $("email-draft").hidden = !typed;
  $("send").hidden = !typed || $("send").dataset.available !== "yes";
}

function say(message) { $("error").textContent = ""; $("status").textContent = message; }
function fail(error) { $("status").textContent = ""; $("error").textContent = error.message; }

function schedulePreview(delay) {
  clearTimeout(previewTimer);
  previewTimer = setTimeout(updatePreview, delay);
}

async function updatePreview() {
  if (previewController) previewController.abort();
  previewController = new AbortController();
  const seq = ++previewSeq;
  const started = performance.now();
  $("pages").classList.add("updating");
  $("preview-status").textContent = "Updating the preview…";
  try {
    const result = await (await post("preview", {}, previewController.signal)).json();
    const images = [$("page-1"), $("page-2")];
    await Promise.all(images.map((img, i) => {
      img.hidden = !result.pages[i];
      if (!result.pages[i]) return Promise.resolve();
      img.src = result.pages[i];
      return img.decode().catch(() => undefined);
    }));
    if (seq !== previewSeq) return;
    const extra = result.pageCount > 2 ? ` (the handout has ${result.pageCount} pages)` : "";
    $("preview-status").textContent = "Pages 1 and 2, as they will print" + extra + ".";
    document.body.dataset.previewMs = String(Math.round(performance.now() - started));
    document.body.dataset.previewSeq = String(seq);
    $("error").textContent = "";
  } catch (error) {
    if (error.name === "AbortError" || seq !== previewSeq) return;
    // never leave the last good pages up: they would show another clinic or patient
    for (const img of [$("page-1"), $("page-2")]) { img.hidden = true; img.removeAttribute("src"); }
    $("preview-status").textContent = "No preview: " + error.message;
    fail(error);
  } finally {
    if (seq === previewSeq) $("pages").classList.remove("updating");
  }
}

function fileName(response, fallback) {
  const match = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") || "");
  return match ? match[1] : fallback;
}

async function busy(button, work) {
  // aria-disabled, not disabled: a disabled button loses the keyboard focus
  if (button.getAttribute("aria-disabled") === "true") return;
  button.setAttribute("aria-disabled", "true");
  const started = performance.now();
  try {
    await work();
    document.body.dataset[button.id.replace(/-(\w)/g, (_, c) => c.toUpperCase()) + "Ms"] =
      String(Math.round(performance.now() - started));
  } catch (error) {
    fail(error);
  } finally {
    button.removeAttribute("aria-disabled");
  }
}

async function download(action, extra, fallback) {
  const response = await post(action, extra);
  const name = fileName(response, fallback);
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement("a");
  link.href = url; link.download = name;
  document.body.append(link); link.click(); link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
  say("Downloaded " + name + ".");
}

async function printInBrowser() {
  const response = await post("pdf");
  const url = URL.createObjectURL(new Blob([await response.blob()], { type: "application/pdf" }));
  const frame = $("print-frame");
  frame.onload = () => {
    try {
      frame.contentWindow.focus();
      frame.contentWindow.print();
    } catch (error) {
      window.open(url, "_blank", "noopener");  // a browser that cannot print a framed PDF
    }
  };
  frame.src = url;
  say("The print dialog opens with the handout.");
  setTimeout(() => URL.revokeObjectURL(url), 300000);
}

function clearPatientWhenIdle() {
  clearTimeout(idleTimer);
  if (!$("patient").value && !$("to").value) return;
  idleTimer = setTimeout(() => {
    $("patient").value = ""; $("to").value = "";
    showEmailButtons();
    say("The patient's name and e-mail address were cleared after a few idle minutes.");
    schedulePreview(0);
  }, IDLE_CLEAR_MS);
}

function remember(id) {
  if ($(id)) localStorage.setItem("handouts." + id, $(id).value);
}

function restore() {
  const usable = DATA.clinics.find((c) => c.errors.length === 0);
  if (usable) $("clinic").value = usable.id;  // start on a clinic that can make handouts
  for (const id of REMEMBER) {
    const value = localStorage.getItem("handouts." + id);
    const select = $(id);
    if (value && select && select.tagName === "SELECT" &&
        [...select.options].some((o) => o.value === value)) select.value = value;
  }
}

function start() {
  restore();
  $("clinic").addEventListener("change", () => { remember("clinic"); showClinic(); });
  $("paper").addEventListener("change", () => {
    localStorage.setItem(paperKey(clinicData()), $("paper").value);
    schedulePreview(0);
  });
  if ($("printer")) $("printer").addEventListener("change", () => remember("printer"));
  for (const id of ["practitioner", "edition"]) {
    $(id).addEventListener("change", () => schedulePreview(0));
  }
  $("languages").addEventListener("change", () => schedulePreview(0));
  $("patient").addEventListener("input", () => schedulePreview(500));
  $("patient").addEventListener("keydown", (e) => { if (e.key === "Enter") schedulePreview(0); });
  $("to").addEventListener("input", showEmailButtons);
  $("print").addEventListener("click", (e) => busy(e.currentTarget, printInBrowser));
  $("download").addEventListener("click", (e) =>
    busy(e.currentTarget, () => download("pdf", {}, "handout.pdf")));
  $("email-draft").addEventListener("click", (e) =>
    busy(e.currentTarget, () => download("email-draft", { to: $("to").value }, "handout.eml")));
  $("send").addEventListener("click", (e) => busy(e.currentTarget, async () =>
    say((await (await post("send", { to: $("to").value })).json()).message)));
  if ($("desk-print")) {
    $("desk-print").addEventListener("click", (e) => busy(e.currentTarget, async () =>
      say((await (await post("print")).json()).message)));
  }
  $("desk").addEventListener("submit", (e) => e.preventDefault());
  for (const kind of ["input", "click", "keydown", "change"]) {
    document.addEventListener(kind, clearPatientWhenIdle, true);
  }
  showClinic();
}

start();
