// guide studio's page: edit, hear and build a guide. No framework and no build step; every change goes to
// the JSON API under /api/ with the page's CSRF token (the server checks it and the Origin).
"use strict";

const CSRF = document.querySelector('meta[name="csrf-token"]').content;
const $ = (selector) => document.querySelector(selector);
const state = { id: null, doc: null, dirty: new Map(), events: null, job: null, lastJob: null };

const LANG_NAMES = { en: "English", ar: "العربية" };
const IN_ENGLISH = { en: "English", ar: "Arabic" };

function label(name) {
  // "faq[2].answer" -> "Answer"; the item's heading says which one.
  const last = name.split(".").pop().replace(/\[\d+\]/, "");
  return { title: "Title", intro: "Introduction", outro: "Closing words", question: "Question", answer: "Answer",
           body: "Paragraph", bullets: "Bullet" }[last] || last;
}

function itemOf(name) {
  const match = name.match(/^(sections|faq)\[(\d+)\]/);
  if (match) return `${match[1]}[${match[2]}]`;
  return name;
}

function itemHeading(item, texts) {
  const title = texts.find((t) => t.name === `${item}.title` || t.name === `${item}.question`);
  const number = item.match(/\[(\d+)\]/);
  const named = title && title.source ? `: ${title.source}` : "";
  if (item.startsWith("sections")) return `Section ${Number(number[1]) + 1}${named}`;
  if (item.startsWith("faq")) return `Question ${Number(number[1]) + 1}${named}`;
  return { title: "Title", intro: "Introduction", outro: "Closing words" }[item] || item;
}

async function api(path, body) {
  const options = body === undefined ? {} : {
    method: "POST",
    headers: { "content-type": "application/json", "x-csrf-token": CSRF },
    body: JSON.stringify(body),
  };
  const response = await fetch(path, options);
  if (!response.ok) {
    let data = {};
    try { data = await response.json(); } catch (e) { data = { error: await response.text().catch(() => "") }; }
    const error = new Error(data.error || `the studio answered ${response.status}`);
    error.status = response.status;
    error.fields = data.fields || [];
    throw error;
  }
  return response;
}

function say(text, kind) {
  const message = $("#message");
  message.textContent = text;
  message.className = kind || "";
}

function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

function stateBadge(text) {
  const names = { recorded: "recorded", changed: "changed since the last build", "to translate": "to translate" };
  return el("span", { class: `state ${text.state.replace(" ", "-")}`, text: names[text.state] || text.state });
}

function diffNodes(diff) {
  // The review record's word diff, "Results last 3 to [-4-] {+6+} months.", as text with <del> and <ins>
  // (each said in words too, for a screen reader): text nodes only, never markup from the script.
  const nodes = [];
  let at = 0;
  for (const match of diff.matchAll(/\[-(.*?)-\]|\{\+(.*?)\+\}/g)) {
    if (match.index > at) nodes.push(diff.slice(at, match.index));
    nodes.push(match[1] !== undefined
      ? el("del", {}, el("span", { class: "sr-only", text: "removed: " }), match[1])
      : el("ins", {}, el("span", { class: "sr-only", text: "added: " }), match[2]));
    at = match.index + match[0].length;
  }
  if (at < diff.length) nodes.push(diff.slice(at));
  return nodes;
}

function standing(text, doc) {
  // What the text says against its source, in words: numbers that differ, and a source changed since review.
  const source = IN_ENGLISH[doc.source_language] || doc.source_language;
  const sourceText = doc.texts.find((t) => t.name === text.name && t.lang === doc.source_language);
  const nodes = [];
  if (text.parity.state === "differs") {
    nodes.push(el("p", { class: "differs" }, el("strong", { text: `Numbers differ from the ${source}: ` }),
      text.parity.message.replace(/\.?$/, "."), " A build is refused until they match."));
  }
  if (text.parity.marked.length) {
    nodes.push(el("p", { class: "muted" }, `Differs from the ${source} on purpose (marked “translation differs”): `,
      ...text.parity.marked.flatMap((words, i) => [i ? ", " : "", el("bdi", { lang: text.lang, text: words })])));
  }
  if (text.review.stale) {
    const box = el("div", { class: "stale" });
    if (text.review.before === null) {
      box.append(el("p", {}, el("strong", { text: "Needs review: " }),
        `this text was added since the translations were last reviewed; check it says what the ${source} says.`));
    } else {
      box.append(el("p", {}, el("strong", { text: "Needs review: " }),
        `the ${source} changed since this translation was reviewed:`),
        el("p", { class: "diff", lang: doc.source_language, dir: sourceText && sourceText.rtl ? "rtl" : "ltr" },
          ...diffNodes(text.review.diff)));
    }
    box.append(el("button", { type: "button", "data-action": "reviewed", "data-path": text.path,
      "aria-label": `Mark reviewed: ${label(text.name)}, ${IN_ENGLISH[text.lang] || text.lang}` }, "Mark reviewed"));
    nodes.push(box);
  }
  return nodes;
}

function refused(doc) {
  // Whether a build of the script as loaded would be refused (a translation saying other numbers).
  return doc.texts.some((t) => t.parity.state === "differs");
}

function standingSummary(doc) {
  // The page's message about every text at once: translations a build refuses, and those to review.
  const source = IN_ENGLISH[doc.source_language] || doc.source_language;
  const differs = doc.texts.filter((t) => t.parity.state === "differs").length;
  const stale = doc.texts.filter((t) => t.review.stale).length;
  const parts = [];
  if (differs) parts.push(`${differs} translation(s) say other numbers than the ${source}, as shown at each; a build is refused until they match.`);
  if (stale) parts.push(`${stale} translation(s) need review: the ${source} changed since they were reviewed.`);
  if (doc.review_problem) parts.push(doc.review_problem);
  return parts.join(" ");
}

function renderSentences(text, list, buildFailed) {
  list.replaceChildren();
  text.sentences.forEach((sentence, index) => {
    const flagged = sentence.flags.length > 0;
    const button = el("button", {
      type: "button", class: "play", "data-action": "play", "data-path": text.path, "data-sentence": String(index),
      "aria-label": `Play sentence ${index + 1}${sentence.state === "changed" ? " (records it first)" : ""}`,
    }, "▶");
    const waiting = sentence.state === "changed";
    const note = !waiting ? "" : buildFailed ? "(not recorded: the build failed, see above)" : "(not recorded yet)";
    const classes = [flagged ? "flagged" : "", waiting && buildFailed ? "failed" : ""].join(" ").trim();
    const item = el("li", { class: classes || null, "data-path": text.path, "data-sentence": String(index) }, button,
      el("span", { lang: text.lang, dir: text.rtl ? "rtl" : "ltr", text: sentence.text }),
      el("span", { class: "sstate", lang: "en", dir: "ltr", text: note }));
    if (flagged) {
      item.append(el("span", { class: "heard", text: `Proof: ${sentence.flags.join("; ")}` + (sentence.heard ? ` — heard: “${sentence.heard}”` : "") }));
    }
    list.append(item);
  });
}

function render(doc) {
  const main = $("#texts");
  main.replaceChildren();
  if (doc.problems) {
    say("This script cannot be read: " + doc.problems.map((p) => p.message).join("; "), "bad");
    return;
  }
  $("#voices").textContent = "Voices: " + doc.voices.map((v) => `${v.lang}: ${v.voice} (${v.why})`).join(" · ");
  $('[data-action="proof"]').hidden = !doc.proof_available;
  const player = $("#player");
  player.hidden = !doc.player;
  player.href = `/guides/${encodeURIComponent(doc.id)}/index.html`;
  const items = [];
  for (const text of doc.texts) {
    const item = itemOf(text.name);
    if (!items.includes(item)) items.push(item);
  }
  for (const item of items) {
    const texts = doc.texts.filter((t) => itemOf(t.name) === item);
    const headingId = `h-${item.replace(/\W/g, "-")}`;
    const section = el("section", { class: "item", "aria-labelledby": headingId }, el("h2", { id: headingId, text: itemHeading(item, texts) }));
    const names = [...new Set(texts.map((t) => t.name))];
    for (const name of names) {
      const row = el("div", { class: "langs" });
      for (const text of texts.filter((t) => t.name === name)) {
        const id = `t-${text.path.replace(/\W/g, "-")}`;
        const errorId = `${id}-error`;
        const area = el("textarea", {
          id, "data-path": text.path, lang: text.lang, dir: text.rtl ? "rtl" : "ltr",
          "aria-describedby": `${errorId} ${id}-standing`, "aria-invalid": text.parity.state === "differs" ? "true" : null,
          placeholder: text.state === "to translate" ? (text.rtl ? "اكتب الترجمة هنا" : "Write the translation here") : null,
        });
        area.value = state.dirty.has(text.path) ? state.dirty.get(text.path) : text.source;
        if (state.dirty.has(text.path)) area.classList.add("dirty");
        area.addEventListener("input", () => {
          if (area.value === text.source) { state.dirty.delete(text.path); area.classList.remove("dirty"); }
          else { state.dirty.set(text.path, area.value); area.classList.add("dirty"); }
        });
        area.rows = Math.min(12, Math.max(2, Math.ceil(area.value.length / 75)));
        const heading = el("label", { for: id, lang: "en" }, `${label(text.name)} · `,
          el("span", { lang: text.lang, class: "ui", text: LANG_NAMES[text.lang] || text.lang }), stateBadge(text));
        const list = el("ol", { class: "sentences", "aria-label": `Sentences of ${label(text.name)}, ${LANG_NAMES[text.lang] || text.lang}` });
        renderSentences(text, list, Boolean(doc.job && doc.job.kind === "build" && doc.job.state === "failed"));
        const notes = el("div", { class: "standing", id: `${id}-standing`, "data-path": text.path, lang: "en", dir: "ltr" });
        notes.replaceChildren(...standing(text, doc));
        row.append(el("div", { class: "text", lang: text.lang, dir: text.rtl ? "rtl" : "ltr" }, heading, area,
          el("p", { class: "error", id: errorId, "aria-live": "polite" }), notes, list));
      }
      section.append(row);
    }
    main.append(section);
  }
}

async function load(keepMessage) {
  const response = await api(`/api/scripts/${encodeURIComponent(state.id)}`);
  state.doc = await response.json();
  render(state.doc);
  if (!keepMessage && !state.doc.problems) say(standingSummary(state.doc), refused(state.doc) || state.doc.review_problem ? "bad" : "");
  showJob(state.doc.job);
  if (state.doc.built_elsewhere) say("This guide is being built from the command line now; build here when it has finished.", "bad");
}

async function changedOnDisk() {
  const response = await api(`/api/scripts/${encodeURIComponent(state.id)}`);
  const doc = await response.json();
  if (!state.doc || doc.version === state.doc.version) return;
  if (state.dirty.size) {
    say("The script was changed elsewhere (another tab, an editor, a git pull). Your unsaved edits are still here; " +
        "a save will be refused: copy them, reload the page, and make them again.", "bad");
    return;
  }
  await load(true);
  say("The script was changed elsewhere; the page shows it as it is now.", "ok");
}

function clearErrors() {
  document.querySelectorAll("textarea[aria-invalid]").forEach((a) => a.removeAttribute("aria-invalid"));
  document.querySelectorAll(".error").forEach((e) => { e.textContent = ""; });
}

async function save() {
  if (!state.doc || state.dirty.size === 0) { say("Nothing to save: no text was changed."); return; }
  clearErrors();
  const texts = Object.fromEntries(state.dirty);
  try {
    const response = await api(`/api/scripts/${encodeURIComponent(state.id)}/save`, { version: state.doc.version, texts });
    const saved = await response.json();
    state.dirty.clear();
    await load(true);
    const summary = standingSummary(state.doc);
    say((saved.changed.length ? `Saved ${saved.changed.length} text(s).` : "Saved: nothing had changed.") +
        (summary ? ` ${summary}` : ""), refused(state.doc) ? "bad" : "ok");
  } catch (error) {
    showFields(error.fields);
    say(`Not saved. ${error.message}`, "bad");
  }
}

function showFields(fields) {
  // Each problem under the text it belongs to; the first such text gets the focus.
  let placed = false;
  for (const field of fields) {
    const area = field.path && document.querySelector(`textarea[data-path="${CSS.escape(field.path)}"]`);
    if (area) {
      area.setAttribute("aria-invalid", "true");
      document.getElementById(`${area.id}-error`).textContent = field.message;
      if (!placed) area.focus();
      placed = true;
    }
  }
}

async function markReviewed(button) {
  const path = button.dataset.path;
  if (state.dirty.size) { say("Save your changes first (Ctrl+S): a review is recorded against the saved texts.", "bad"); return; }
  try {
    const response = await api(`/api/scripts/${encodeURIComponent(state.id)}/reviewed`, { version: state.doc.version, path });
    const { states } = await response.json();
    for (const found of states) {
      const text = state.doc.texts.find((t) => t.path === found.path);
      if (!text) continue;
      text.parity = found.parity;
      text.review = found.review;
      const notes = document.querySelector(`.standing[data-path="${CSS.escape(found.path)}"]`);
      if (notes) notes.replaceChildren(...standing(text, state.doc));
    }
    const area = document.querySelector(`textarea[data-path="${CSS.escape(path)}"]`);
    if (area) area.focus();
    say(`Marked reviewed: the ${IN_ENGLISH[path.split("/").pop()] || "translation"} is recorded as checked against the ` +
        `${IN_ENGLISH[state.doc.source_language] || state.doc.source_language} as it is now.`, "ok");
  } catch (error) { say(`Not marked reviewed. ${error.message}`, "bad"); }
}

async function undo() {
  if (!state.doc) return;
  if (state.dirty.size && !confirm("Undo the last save? Your unsaved changes in the page will be lost.")) return;
  try {
    await api(`/api/scripts/${encodeURIComponent(state.id)}/undo`, { version: state.doc.version });
    state.dirty.clear();
    await load(true);
    say("The previous version is back.", "ok");
  } catch (error) { say(`Could not undo. ${error.message}`, "bad"); }
}

async function play(button) {
  const path = button.dataset.path;
  const index = Number(button.dataset.sentence);
  const item = button.closest("li");
  const body = { path, sentence: index };
  if (state.dirty.has(path)) body.text = state.dirty.get(path);
  if (button.dataset.entry) {
    const entry = entryForm();
    body.entry = { lang: entry.lang, word: entry.word, say: entry.say || null };
  }
  item.classList.add("recording");
  button.setAttribute("aria-busy", "true");
  try {
    const response = await api(`/api/scripts/${encodeURIComponent(state.id)}/preview`, body);
    const about = JSON.parse(decodeURIComponent(response.headers.get("x-guide-about") || "%7B%7D"));
    const audio = $("#audio");
    if (audio.src.startsWith("blob:")) URL.revokeObjectURL(audio.src);
    audio.src = URL.createObjectURL(await response.blob());
    await audio.play().catch(() => {});
    item.classList.remove("failed");
    const note = item.querySelector(".sstate");
    if (note && about.recorded) note.textContent = "(recorded now; the next build uses it)";
    say(about.fallback && about.fallback.length ? `Played, but ${about.fallback.join("; ")}` : `Playing: ${about.sentence}`,
        about.fallback && about.fallback.length ? "bad" : "");
  } catch (error) {
    item.classList.add("failed");
    const failedNote = item.querySelector(".sstate");
    if (failedNote) failedNote.textContent = "(could not be recorded: see the message above)";
    say(`Could not play it. ${error.message}`, "bad");
  } finally {
    item.classList.remove("recording");
    button.removeAttribute("aria-busy");
  }
}

async function start(kind) {
  if (state.dirty.size) { say("Save your changes first (Ctrl+S): a build records what is saved.", "bad"); return; }
  try {
    await api(`/api/scripts/${encodeURIComponent(state.id)}/${kind}`, {});
  } catch (error) {
    if (error.fields.length) {
      // A translation saying other numbers: each text shows it as it is on disk now; the first gets the focus.
      await load(true).catch(() => {});
      const first = error.fields.find((f) => f.path);
      const area = first && document.querySelector(`textarea[data-path="${CSS.escape(first.path)}"]`);
      if (area) area.focus();
    }
    say(`The ${kind} was refused. ${error.message}`, "bad");
  }
}

async function cancel() {
  try { await api(`/api/scripts/${encodeURIComponent(state.id)}/cancel`, {}); say("Cancelling after the sentence being recorded…"); }
  catch (error) { say(error.message, "bad"); }
}

function minutes(seconds) {
  if (seconds === null || seconds === undefined) return "";
  const s = Math.round(seconds);
  return s < 60 ? `about ${s} s left` : `about ${Math.round(s / 60)} min left`;
}

let statesAsked = 0;

async function refreshStates() {
  // During a build: each sentence's state as its take is recorded, without redrawing what is being edited.
  statesAsked = Date.now();
  const response = await api(`/api/scripts/${encodeURIComponent(state.id)}`);
  const doc = await response.json();
  if (doc.version !== (state.doc && state.doc.version) || !doc.texts) return;
  const running = doc.job && doc.job.state === "running" && doc.job.kind === "build";
  const failed = doc.job && doc.job.state === "failed" && doc.job.kind === "build";
  for (const text of doc.texts) {
    text.sentences.forEach((sentence, index) => {
      const item = document.querySelector(`li[data-path="${CSS.escape(text.path)}"][data-sentence="${index}"]`);
      if (!item) return;
      const note = item.querySelector(".sstate");
      const waiting = sentence.state === "changed";
      item.classList.toggle("recording", running && waiting);
      item.classList.toggle("failed", failed && waiting);
      note.textContent = !waiting ? "" : running ? "(being recorded by the build)"
        : failed ? "(not recorded: the build failed, see above)" : "(not recorded yet)";
    });
  }
}

function showJob(job) {
  const running = Boolean(job && job.state === "running");
  $('[data-action="cancel"]').hidden = !running;
  $('[data-action="build"]').disabled = running;
  $('[data-action="proof"]').disabled = running;
  const progress = $("#progress");
  progress.hidden = !running;
  const text = $("#job-text");
  if (!job) { text.textContent = ""; return; }
  const what = job.kind === "build" ? "Building" : "Proofing";
  if (running) {
    progress.max = Math.max(job.total, 1);
    progress.value = job.done;
    text.textContent = job.total
      ? `${what}: sentence ${job.done} of ${job.total}${job.item ? ` — ${job.item}` : ""}; ${minutes(job.seconds_left)}${job.cancelling ? " (cancelling…)" : ""}`
      : `${what}…`;
  } else if (job.state === "done") {
    text.textContent = `${job.kind === "build" ? "Build" : "Proof"} finished in ${job.seconds} s.`;
  } else {
    text.textContent = job.error;
  }
  const result = $("#result");
  if (job.state !== "running" && job.result) {
    result.hidden = false;
    $("#result-summary").textContent = job.result.summary;
    $("#result-warnings").replaceChildren(...job.result.warnings.map((w) => el("li", { text: `Warning: ${w}` })));
    $("#result-files").replaceChildren(...job.result.files.map((f) => el("li", { text: f })));
  }
  if (running && job.kind === "build" && Date.now() - statesAsked > 2000) refreshStates().catch(() => {});
  const finished = state.lastJob && state.lastJob.number === job.number && state.lastJob.state === "running" && job.state !== "running";
  state.lastJob = job;
  if (finished) load(true);
}

function listen() {
  if (state.events) state.events.close();
  state.events = new EventSource(`/api/scripts/${encodeURIComponent(state.id)}/events`);
  state.events.addEventListener("job", (event) => showJob(JSON.parse(event.data)));
  state.events.addEventListener("script", () => changedOnDisk().catch(() => {}));
}

// -- pronunciations ------------------------------------------------------------
function entryForm() {
  return { lang: $("#pron-lang").value, word: $("#pron-word").value.trim(), say: $("#pron-say").value.trim() };
}

async function loadLexicon() {
  const response = await api(`/api/scripts/${encodeURIComponent(state.id)}/lexicon`);
  const { entries } = await response.json();
  $("#pron-lang").replaceChildren(...state.doc.languages.map((l) => el("option", { value: l, text: LANG_NAMES[l] || l })));
  $("#lexicon").replaceChildren(...entries.map((e) => el("tr", {},
    el("td", { text: LANG_NAMES[e.lang] || e.lang }),
    el("td", { lang: e.lang, text: e.word }),
    el("td", { lang: e.lang, text: e.say + (e.numbers_differ ? " (numbers differ)" : "") }),
    el("td", {}, e.editable ? el("button", { type: "button", "data-action": "pron-edit", "data-lang": e.lang, "data-word": e.word,
                                             "data-say": e.say, "aria-label": `Change ${e.word}` }, "Change") : el("span", { text: "in the lexicon file" })))));
}

async function pronCheck() {
  const entry = entryForm();
  if (!entry.word) { say("Write the word as it is written in the texts.", "bad"); return; }
  const response = await api(`/api/scripts/${encodeURIComponent(state.id)}/pronunciation/check`, { ...entry, say: entry.say || null });
  const { sentences } = await response.json();
  const list = $("#pron-sentences");
  if (!sentences.length) { list.replaceChildren(el("li", { text: "It changes no sentence of this guide." })); return; }
  list.replaceChildren(...sentences.map((s) => el("li", {},
    el("span", { text: `${s.path}: ` }), el("span", { lang: s.path.split("/").pop(), text: s.text }), el("br"),
    el("button", { type: "button", "data-action": "play", "data-path": s.path, "data-sentence": String(s.sentence),
                   "aria-label": `Hear it now: sentence ${s.sentence + 1} of ${s.path}` }, "▶ Hear it now"),
    el("button", { type: "button", "data-action": "play", "data-path": s.path, "data-sentence": String(s.sentence), "data-entry": "1",
                   "aria-label": `Hear it with the new pronunciation: sentence ${s.sentence + 1} of ${s.path}` }, "▶ Hear it with the new pronunciation"))));
  say(`${sentences.length} sentence(s) change.`);
}

async function pronSave(remove) {
  const entry = entryForm();
  if (!entry.word || (!remove && !entry.say)) { say("Write the word, and how to say it.", "bad"); return; }
  if (state.dirty.size) { say("Save your text changes first (Ctrl+S).", "bad"); return; }
  try {
    await api(`/api/scripts/${encodeURIComponent(state.id)}/pronunciation`,
      { version: state.doc.version, lang: entry.lang, word: entry.word, say: remove ? null : entry.say });
    await load(true);
    await loadLexicon();
    say(remove ? `Removed the pronunciation of ${entry.word}.` : `Saved: ${entry.word} is said ${entry.say}.`, "ok");
  } catch (error) { say(`Not saved. ${error.message}`, "bad"); }
}

// -- voices -------------------------------------------------------------------
async function loadVoices() {
  const response = await api(`/api/scripts/${encodeURIComponent(state.id)}/voices`);
  const { languages } = await response.json();
  $("#voice-rows").replaceChildren(...languages.map((v) => {
    const engines = [...new Set([v.engine, ...v.options.map((o) => o.engine)])];
    const engine = el("select", { id: `engine-${v.lang}` }, ...engines.map((e) => el("option", { value: e, text: e, selected: e === v.engine })));
    const voice = el("select", { id: `voice-${v.lang}` });
    const fill = () => {
      const names = v.options.filter((o) => o.engine === engine.value);
      voice.replaceChildren(el("option", { value: "", text: "the engine's default" }),
        ...names.map((o) => el("option", { value: o.voice, text: `${o.voice}${o.detail ? ` (${o.detail})` : ""}`, selected: o.voice === v.voice })));
    };
    engine.addEventListener("change", fill);
    fill();
    const speed = el("input", { id: `speed-${v.lang}`, type: "number", min: "0.5", max: "2", step: "0.05", value: String(v.speed) });
    const online = v.online ? ` Online voice: ${v.online.message}.` : "";
    const fallback = v.fallback ? ` If it cannot be reached: ${v.fallback}.` : "";
    return el("div", { class: "voice-row", role: "group", "aria-label": `Voice for ${LANG_NAMES[v.lang] || v.lang}` },
      el("strong", { text: LANG_NAMES[v.lang] || v.lang }),
      el("label", { for: `engine-${v.lang}`, text: "Engine" }), engine,
      el("label", { for: `voice-${v.lang}`, text: "Voice" }), voice,
      el("label", { for: `speed-${v.lang}`, text: "Speed" }), speed,
      el("button", { type: "button", "data-action": "voice-save", "data-lang": v.lang }, "Save voice"),
      el("p", { class: v.warning ? "error" : "muted", text: `Speaks now: ${v.speaks} (${v.why}).${online}${fallback}${v.warning ? ` ${v.warning}` : ""}` }));
  }));
}

async function voiceSave(lang) {
  if (state.dirty.size) { say("Save your text changes first (Ctrl+S).", "bad"); return; }
  try {
    await api(`/api/scripts/${encodeURIComponent(state.id)}/voice`, {
      version: state.doc.version, lang, engine: $(`#engine-${lang}`).value, voice: $(`#voice-${lang}`).value || null,
      speed: Number($(`#speed-${lang}`).value),
    });
    await load(true);
    await loadVoices();
    say(`Saved the ${LANG_NAMES[lang] || lang} voice. Sentences it speaks will be recorded again at the next build.`, "ok");
  } catch (error) { say(`Not saved. ${error.message}`, "bad"); }
}

// -- new guide ------------------------------------------------------------------
async function newGuide() {
  const file = $("#new-file").files[0];
  let article = $("#new-article").value;
  if (file) article = await file.text();
  const markdown = Boolean(file && file.name.toLowerCase().endsWith(".md")) || /^#\s/m.test(article);
  try {
    const response = await api("/api/guides", { name: $("#new-name").value, article, markdown });
    const { id } = await response.json();
    await refreshScripts(id);
    say("The new guide is ready: translate the texts marked “to translate”, then build.", "ok");
  } catch (error) { say(`Not created. ${error.message}`, "bad"); }
}

async function refreshScripts(select) {
  const response = await api("/api/scripts");
  const { scripts } = await response.json();
  $("#script").replaceChildren(...scripts.map((s) => el("option", { value: s.id, text: s.file })));
  if (select) { $("#script").value = select; await choose(select); }
  return scripts;
}

async function choose(id) {
  if (state.dirty.size && !confirm("Leave this guide? Your unsaved changes will be lost.")) {
    $("#script").value = state.id;
    return;
  }
  state.id = id;
  state.dirty.clear();
  state.lastJob = null;
  $("#result").hidden = true;
  await load();
  listen();
  if (!state.doc.problems) { await loadLexicon(); await loadVoices(); }
}

async function main() {
  const scripts = await refreshScripts();
  const select = $("#script");
  select.addEventListener("change", () => choose(select.value));
  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-action]");
    if (!button) return;
    const action = button.dataset.action;
    if (action === "save") save();
    else if (action === "undo") undo();
    else if (action === "build") start("build");
    else if (action === "proof") start("proof");
    else if (action === "cancel") cancel();
    else if (action === "play") play(button);
    else if (action === "reviewed") markReviewed(button);
    else if (action === "pron-check") pronCheck().catch((error) => say(error.message, "bad"));
    else if (action === "pron-save") pronSave(false);
    else if (action === "pron-remove") pronSave(true);
    else if (action === "pron-edit") {
      $("#pron-lang").value = button.dataset.lang; $("#pron-word").value = button.dataset.word; $("#pron-say").value = button.dataset.say;
      $("#pron-say").focus();
    }
    else if (action === "voice-save") voiceSave(button.dataset.lang);
    else if (action === "new-guide") newGuide();
  });
  document.addEventListener("keydown", (event) => {
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "s") { event.preventDefault(); save(); }
  });
  window.addEventListener("beforeunload", (event) => { if (state.dirty.size) event.preventDefault(); });
  if (!scripts.length) { say("No scripts here yet.", "bad"); return; }
  await choose(scripts[0].id);
}

main().catch((error) => say(`The studio could not start: ${error.message}`, "bad"));
