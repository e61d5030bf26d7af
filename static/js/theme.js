// Loaded blocking in <head>: applies the reader's saved theme before the first paint, so a
// reader who chose dark never sees a flash of light (and the reverse). No choice: follow the system.
(function () {
  "use strict";
  try {
    var saved = window.localStorage.getItem("theme");
    if (saved === "dark" || saved === "light") {
      document.documentElement.setAttribute("data-theme", saved);
    }
  } catch (e) {
    // Storage can be blocked (private modes, strict settings): the system theme still applies.
  }
})();
