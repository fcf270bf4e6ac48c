// Small behaviours without inline scripts (the content-security policy forbids them).
(function () {
  "use strict";
  // <form data-ms-keep-changes="text">: once something in it is changed, sending another form of the page (which
  // reloads it) first asks with that text, so typed changes are not lost without a word. Its fields may sit
  // elsewhere on the page and name it by their `form` attribute.
  function changedForms() {
    return Array.prototype.filter.call(document.querySelectorAll("form[data-ms-keep-changes]"),
      function (f) { return f.dataset.msChanged === "1"; });
  }
  function markChanged(event) {
    var form = event.target.form;
    if (form && form.hasAttribute("data-ms-keep-changes")) { form.dataset.msChanged = "1"; }
  }
  document.addEventListener("input", markChanged);
  document.addEventListener("change", markChanged);
  // <form data-ms-confirm="text"> asks before it is sent.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var unsaved = changedForms().filter(function (f) { return f !== form; });
    if (unsaved.length && !window.confirm(unsaved[0].getAttribute("data-ms-keep-changes"))) {
      event.preventDefault(); return;
    }
    var question = form.getAttribute("data-ms-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); return; }
    // A second click on a submit button does not send the form twice.
    if (form.dataset.msSubmitted === "1") { event.preventDefault(); return; }
    form.dataset.msSubmitted = "1";
    form.querySelectorAll("button[type=submit]").forEach(function (b) { b.setAttribute("aria-busy", "true"); });
    window.setTimeout(function () { form.dataset.msSubmitted = ""; }, 8000);
  });
  // <input data-ms-shown-with="name=value">: shown (with its .form-check) only while the box named `name` with
  // that value is ticked in the same form; hidden, it is disabled too, so it is not sent but keeps its tick for
  // when its box is ticked again. E.g. a call's focus directions follow the domains ticked.
  function followTicks(root) {
    root.querySelectorAll("input[data-ms-shown-with]").forEach(function (input) {
      var rule = input.getAttribute("data-ms-shown-with").split("=");
      var scope = input.form || document;
      var box = scope.querySelector("input[name='" + rule[0] + "'][value='" + rule[1] + "']");
      var shown = !box || box.checked;
      var wrapper = input.closest(".form-check") || input;
      wrapper.hidden = !shown;
      input.disabled = !shown;
    });
  }
  followTicks(document);
  document.addEventListener("change", function (event) {
    var name = event.target.name;
    if (name && event.target.form && event.target.form.querySelector("input[data-ms-shown-with^='" + name + "=']")) {
      followTicks(event.target.form);
    }
  });
  // <select data-ms-autosubmit> sends its filter form when changed.
  document.addEventListener("change", function (event) {
    if (event.target.matches("[data-ms-autosubmit]")) { event.target.form.requestSubmit(); }
  });
})();
