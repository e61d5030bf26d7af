// Search with Pagefind. The index lives beside the site (pagefind/), so it works offline and
// under any sub-path: the form carries the bundle's URL, and Pagefind finds its files from there.
const form = document.getElementById("search-form");
const input = document.getElementById("search-input");
const program = document.getElementById("search-program");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const MAX_RESULTS = 20;
const messages = form ? JSON.parse(form.dataset.messages || "{}") : {};
const lang = document.documentElement.lang || "en";

// A message in the page's language: {name} filled in, and for a count the plural form of the language.
function say(key, values = {}, n = null) {
  let text = messages[key] || "";
  if (typeof text === "object") text = text[new Intl.PluralRules(lang).select(n)] || text.other;
  const all = n === null ? values : { n: new Intl.NumberFormat(lang).format(n), ...values };
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in all ? all[name] : whole));
}

let pagefind = null;
let latest = 0;

async function load() {
  if (!pagefind) {
    pagefind = await import(form.dataset.pagefind);
    await pagefind.options({ excerptLength: 24 });
    pagefind.init();
  }
  return pagefind;
}

function resultItem(data) {
  const item = document.createElement("li");
  const link = document.createElement("a");
  link.href = data.url;
  link.textContent = data.meta.title || data.url;
  item.append(link);
  const kind = data.filters && data.filters.kind;
  if (kind && kind.length) {
    const label = document.createElement("span");
    label.className = "result-kind";
    label.textContent = kind[0];
    item.append(label);
  }
  const excerpt = document.createElement("p");
  excerpt.innerHTML = data.excerpt; // Pagefind escapes the text and adds only <mark>
  item.append(excerpt);
  return item;
}

function describe(count, query, programName) {
  const scope = programName ? say("scope", { program: programName }) : "";
  const what = query ? say("what", { query }) : "";
  if (!count) return say("none", { what, scope });
  const shown = count > MAX_RESULTS ? say("first", { max: String(MAX_RESULTS) }) : "";
  return say("results", { what, scope }, count) + shown;
}

function remember(query, programName) {
  const url = new URL(window.location.href);
  url.searchParams.delete("q");
  url.searchParams.delete("program");
  if (query) url.searchParams.set("q", query);
  if (programName) url.searchParams.set("program", programName);
  window.history.replaceState(null, "", url);
}

async function run() {
  const query = input.value.trim();
  const programName = program.value;
  const ticket = ++latest;
  remember(query, programName);
  if (!query && !programName) {
    list.replaceChildren();
    status.textContent = "";
    return;
  }
  status.textContent = say("searching");
  const engine = await load();
  const filters = programName ? { program: programName } : {};
  const search = await engine.search(query || null, { filters });
  if (ticket !== latest || !search) return; // a newer search has started
  const data = await Promise.all(search.results.slice(0, MAX_RESULTS).map((r) => r.data()));
  if (ticket !== latest) return;
  list.replaceChildren(...data.map(resultItem));
  status.textContent = describe(search.results.length, query, programName);
}

function start() {
  const params = new URLSearchParams(window.location.search);
  input.value = params.get("q") || "";
  const wanted = params.get("program");
  if (wanted && Array.from(program.options).some((o) => o.value === wanted)) program.value = wanted;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    runSafely();
  });
  input.addEventListener("input", runSafely);
  program.addEventListener("change", runSafely);
  if (input.value || program.value) runSafely();
}

async function runSafely() {
  try {
    await run();
  } catch (error) {
    status.textContent = say("unavailable");
    console.warn(error);
  }
}

if (form && input && program && status && list) start();
