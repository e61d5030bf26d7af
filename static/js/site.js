// Enhancements only: every page is complete without this file.
(function () {
  "use strict";

  var root = document.documentElement;
  var darkQuery = window.matchMedia("(prefers-color-scheme: dark)");

  function currentTheme() {
    return root.getAttribute("data-theme") || (darkQuery.matches ? "dark" : "light");
  }

  function saveTheme(theme) {
    try {
      window.localStorage.setItem("theme", theme);
    } catch (e) {
      // Not saved: the choice still holds for this page.
    }
  }

  function setUpThemeToggle() {
    var button = document.querySelector(".theme-toggle");
    if (!button) return;
    var sync = function () {
      button.setAttribute("aria-pressed", currentTheme() === "dark" ? "true" : "false");
    };
    button.addEventListener("click", function () {
      var next = currentTheme() === "dark" ? "light" : "dark";
      root.setAttribute("data-theme", next);
      saveTheme(next);
      sync();
    });
    darkQuery.addEventListener("change", sync);
    sync();
    button.hidden = false;
  }

  // A message in the page's language (from its data-messages): {name} filled in, the plural form for n
  // chosen by the browser's CLDR rules for <html lang>.
  function message(messages, key, n, values) {
    var text = messages[key] || "";
    var lang = root.getAttribute("lang") || "en";
    if (typeof text === "object") text = text[new Intl.PluralRules(lang).select(n)] || text.other;
    var all = Object.assign({ n: new Intl.NumberFormat(lang).format(n) }, values || {});
    return text.replace(/\{(\w+)\}/g, function (whole, name) { return name in all ? all[name] : whole; });
  }

  // Timeline: hide the entries whose program or outcome is unticked, and the windows left empty.
  function setUpTimelineFilters() {
    var form = document.getElementById("timeline-filters");
    if (!form) return;
    var entries = Array.prototype.slice.call(document.querySelectorAll(".timeline .entry"));
    var windows = Array.prototype.slice.call(document.querySelectorAll(".window"));
    var status = document.getElementById("filter-status");
    var messages = JSON.parse(form.dataset.messages || "{}");
    var ticked = function (name) {
      var boxes = form.querySelectorAll('input[name="' + name + '"]:checked');
      return Array.prototype.map.call(boxes, function (box) { return box.value; });
    };
    var apply = function () {
      var programs = ticked("program");
      var outcomes = ticked("outcome");
      var shown = 0;
      entries.forEach(function (entry) {
        var keep = programs.indexOf(entry.dataset.program) >= 0 && outcomes.indexOf(entry.dataset.outcome) >= 0;
        entry.hidden = !keep;
        if (keep) shown += 1;
      });
      windows.forEach(function (section) {
        section.hidden = !section.querySelector(".entry:not([hidden])");
      });
      var total = entries.length;
      status.textContent = message(messages, shown === total ? "all" : "some", total, { shown: String(shown) });
    };
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.hidden = false;
    apply();
  }

  // Print: links within the site are written as paths; give the printout their full address.
  function setUpPrintAddresses() {
    window.addEventListener("beforeprint", function () {
      document.querySelectorAll(".prose a.mission-link").forEach(function (link) {
        link.setAttribute("data-print-url", link.href);
      });
    });
  }

  setUpThemeToggle();
  setUpTimelineFilters();
  setUpPrintAddresses();
})();
