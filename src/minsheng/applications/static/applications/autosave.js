// Autosave of an application section: the form is posted in the background a moment after each change,
// with the version it was made from. A refusal (someone else saved first) stops autosaving and says so;
// nothing is overwritten. Without JavaScript the Save button posts the same form.
(function () {
  "use strict";
  var form = document.querySelector("form[data-ms-autosave]");
  if (!form) { return; }
  var status = document.querySelector("[data-ms-autosave-status]");
  var banner = document.querySelector("[data-ms-autosave-error]");
  var version = form.querySelector("[data-ms-version]");
  var timer = null, stopped = false, busy = false, again = false, submitting = false;

  function say(text, incomplete) {
    if (!status) { return; }
    status.textContent = text;
    status.classList.toggle("text-warning-emphasis", Boolean(incomplete));
  }
  // The sidebar's entry of this section lists what it still lacks, as the page would after a reload.
  function showMissing(missing) {
    var entry = document.querySelector("li[data-ms-section='" + form.dataset.msSectionKey + "']");
    if (!entry) { return; }
    var list = entry.querySelector("ul");
    if (list) { list.remove(); }
    var mark = entry.querySelector("[aria-hidden]");
    if (mark) { mark.textContent = missing.length ? "○" : "✓"; }
    if (!missing.length) { return; }
    list = document.createElement("ul");
    list.className = "text-danger ps-3 mb-0";
    missing.forEach(function (text) {
      var item = document.createElement("li");
      item.textContent = (form.dataset.msMissing || "") + " " + text;
      list.appendChild(item);
    });
    entry.appendChild(list);
  }
  function alarm(lines) {
    banner.textContent = "";
    lines.forEach(function (line) { var d = document.createElement("div"); d.textContent = line; banner.appendChild(d); });
    banner.classList.toggle("d-none", lines.length === 0);
  }

  function save() {
    if (stopped) { return; }
    if (busy) { again = true; return; }
    busy = true;
    say(form.dataset.msSaving || "…");
    fetch(form.action, {method: "POST", body: new FormData(form), credentials: "same-origin",
                        headers: {"X-Autosave": "1", "X-CSRFToken": form.querySelector("[name=csrfmiddlewaretoken]").value}})
      .then(function (response) { return response.json().then(function (data) { return [response.status, data]; }); })
      .then(function (pair) {
        var code = pair[0], data = pair[1];
        if (code === 200) {
          version.value = data.version;
          alarm([]);
          say((data.missing.length ? "" : "✓ ") + data.status, data.missing.length > 0);
          showMissing(data.missing);
          var percent = document.querySelector("[data-ms-percent]");
          if (percent) { percent.textContent = data.percent + "%"; }
          var bar = document.querySelector("[data-ms-progress]");
          if (bar) { bar.value = data.percent; }
        } else if (code === 409) {
          stopped = true;
          alarm(data.errors);
          say("✗");
        } else {  // a refusal lists its errors; a database that is briefly unavailable (503) says to try again
          alarm(data.errors || (data.detail ? [data.detail] : []));
          say("✗");
        }
      })
      .catch(function () { say("✗"); })
      .finally(function () {
        busy = false;
        if (submitting) { submitting = false; form.submit(); return; }  // with the version just received
        if (again) { again = false; save(); }
      });
  }

  function later() { window.clearTimeout(timer); timer = window.setTimeout(save, 1200); }
  // The Save button: no background save may race it, or it would carry an outdated version.
  form.addEventListener("submit", function (event) {
    window.clearTimeout(timer);
    if (busy) { event.preventDefault(); submitting = true; }
  });
  form.addEventListener("input", later);
  form.addEventListener("change", later);
})();
