// Loaded blocking in <head>: applies the reader's saved theme before the first paint, so a
// reader who chose dark never sees a flash of light (and the reverse). No choice: follow the system.
(function () {
  "use strict";
  // Scripts run: the stylesheet keeps room for the theme button from the first paint, so showing it
  // later (site.js, deferred) moves nothing on the page.
  document.documentElement.setAttribute("data-js", "");
  try {
    var saved = window.localStorage.getItem("theme");
    if (saved === "dark" || saved === "light") {
      document.documentElement.setAttribute("data-theme", saved);
    }
  } catch (e) {
    // Storage can be blocked (private modes, strict settings): the system theme still applies.
  }
})();
