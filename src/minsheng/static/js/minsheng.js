// Small behaviours without inline scripts (the content-security policy forbids them).
(function () {
  "use strict";
  // <form data-ms-confirm="text"> asks before it is sent.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute("data-ms-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); return; }
    // A second click on a submit button does not send the form twice.
    if (form.dataset.msSubmitted === "1") { event.preventDefault(); return; }
    form.dataset.msSubmitted = "1";
    form.querySelectorAll("button[type=submit]").forEach(function (b) { b.setAttribute("aria-busy", "true"); });
    window.setTimeout(function () { form.dataset.msSubmitted = ""; }, 8000);
  });
  // <select data-ms-autosubmit> sends its filter form when changed.
  document.addEventListener("change", function (event) {
    if (event.target.matches("[data-ms-autosubmit]")) { event.target.form.requestSubmit(); }
  });
})();
