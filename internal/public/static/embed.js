// Registre embed script: submits a Registre form in the page and shows the
// answer where the form was. Without it, the form posts as plain HTML.
(function () {
  "use strict";
  function setup(form) {
    var action = form.getAttribute("action");
    fetch(action + "/started", { credentials: "omit" })
      .then(function (r) { return r.json(); })
      .then(function (d) {
        var f = form.querySelector('input[name="_started"]');
        if (f && d.started) { f.value = d.started; }
      })
      .catch(function () {});
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var body = new URLSearchParams(new FormData(form));
      var button = form.querySelector("button[type=submit]");
      if (button) { button.disabled = true; }
      fetch(action, { method: "POST", body: body, credentials: "omit", headers: { Accept: "application/json" } })
        .then(function (r) { return r.json(); })
        .then(function (d) {
          if (button) { button.disabled = false; }
          form.querySelectorAll(".registre-error, .registre-confirm").forEach(function (e) { e.remove(); });
          if (d.confirm) {
            // The start time was missing or stale: nothing was stored; the
            // person sends the form once more with the fresh one.
            var f = form.querySelector('input[name="_started"]');
            if (f) { f.value = d.started; }
            var c = document.createElement("p");
            c.className = "registre-confirm";
            c.setAttribute("role", "status");
            c.textContent = d.message;
            var at = button ? (button.closest("p") || button) : form.lastElementChild;
            at.insertAdjacentElement("beforebegin", c);
            return;
          }
          if (d.ok) {
            if (d.redirect) { window.location.href = d.redirect; return; }
            var p = document.createElement("p");
            p.setAttribute("role", "status");
            p.textContent = d.message;
            form.replaceWith(p);
            return;
          }
          var errors = d.errors || {};
          Object.keys(errors).forEach(function (name) {
            var input = form.querySelector('[name="' + CSS.escape(name) + '"]');
            var e = document.createElement("small");
            e.className = "registre-error";
            e.setAttribute("role", "alert");
            e.textContent = errors[name];
            if (input) { input.setAttribute("aria-invalid", "true"); input.insertAdjacentElement("afterend", e); }
          });
          if (!Object.keys(errors).length) { window.alert(d.message); }
        })
        .catch(function () { if (button) { button.disabled = false; } form.submit(); });
    });
  }
  document.querySelectorAll("form[data-registre-form]").forEach(setup);
})();
