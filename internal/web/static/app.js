// Registre's few behaviours, kept out of the HTML so that the Content
// Security Policy can forbid inline scripts.
(function () {
  "use strict";
  document.addEventListener("submit", function (e) {
    var msg = e.target.getAttribute && e.target.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) {
      e.preventDefault();
    }
  }, true);

  function init(root) {
    root.querySelectorAll("form[data-autosubmit] select").forEach(function (sel) {
      sel.addEventListener("change", function () { sel.form.submit(); });
    });
    root.querySelectorAll("[data-select-all]").forEach(function (all) {
      all.addEventListener("change", function () {
        all.form.querySelectorAll("input[name=" + all.getAttribute("data-select-all") + "]").forEach(function (box) {
          box.checked = all.checked;
        });
      });
    });
    root.querySelectorAll("[data-select-on-focus]").forEach(function (el) {
      el.addEventListener("focus", function () { el.select(); });
    });
    // The "counts as an interaction" box follows the kind's default until
    // the user touches it.
    root.querySelectorAll("select[data-counts-default]").forEach(function (sel) {
      var box = sel.form.querySelector("input[name=counts_as_interaction]");
      if (!box) { return; }
      var touched = false;
      box.addEventListener("change", function () { touched = true; });
      function sync() {
        if (touched) { return; }
        var opt = sel.options[sel.selectedIndex];
        box.checked = opt && opt.getAttribute("data-counts") === "true";
      }
      sel.addEventListener("change", sync);
      sync();
    });
    // The call outcome only means something for a call: it is disabled
    // (and so not sent) for other kinds; without script the server ignores it.
    root.querySelectorAll("select[data-counts-default]").forEach(function (sel) {
      var outcome = sel.form.querySelector("select[name=outcome]");
      if (!outcome) { return; }
      function sync() { outcome.disabled = sel.value !== "call"; }
      sel.addEventListener("change", sync);
      sync();
    });
  }
  // Progress bars carry their width as data (the CSP forbids inline
  // styles); setting it through the DOM is allowed. Content swapped in by
  // htmx (an import's live progress) gets it too.
  function widths(root) {
    root.querySelectorAll("[data-width]").forEach(function (el) {
      el.style.width = el.getAttribute("data-width") + "%";
    });
  }
  document.addEventListener("DOMContentLoaded", function () { init(document); widths(document); });
  document.addEventListener("htmx:load", function (e) { widths(e.detail.elt.parentNode || document); });
})();
