// <section data-ms-progress="URL">: the progress of a background job (core/progress.py), polled from URL (JSON)
// until the job has finished. Done: the page is loaded again (data-ms-progress-then, or the answer's `page`) and
// shows the result. Failed: the job's message is shown in place of the bar. No inline script (the
// content-security policy forbids it).
(function () {
  "use strict";
  var INTERVAL = 1000;
  function show(section, data) {
    var bar = section.querySelector("progress");
    if (bar && data.total) { bar.max = data.total; bar.value = data.done; bar.textContent = data.percent + "%"; }
    var phase = section.querySelector("[data-ms-progress-phase]");
    if (phase && data.phase) { phase.textContent = data.phase; }
    var count = section.querySelector("[data-ms-progress-count]");
    if (count && data.total) { count.textContent = data.done + " / " + data.total; }
  }
  function fail(section, message) {
    var box = section.querySelector("[data-ms-progress-failure]");
    section.querySelectorAll("[data-ms-progress-running]").forEach(function (e) { e.hidden = true; });
    if (box) { box.textContent = message; box.hidden = false; }
    section.setAttribute("data-ms-progress-state", "failed");
  }
  function poll(section) {
    var url = section.getAttribute("data-ms-progress");
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}, cache: "no-store"})
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (data) {
        show(section, data);
        if (data.state === "done") {
          section.setAttribute("data-ms-progress-state", "done");
          window.location.assign(section.getAttribute("data-ms-progress-then") || data.page || window.location.href);
        } else if (data.state === "failed") {
          fail(section, data.message);
        } else {
          window.setTimeout(function () { poll(section); }, INTERVAL);
        }
      })
      .catch(function () {
        // The server did not answer (restarting, the network): look again a little later.
        window.setTimeout(function () { poll(section); }, INTERVAL * 5);
      });
  }
  document.querySelectorAll("section[data-ms-progress]").forEach(function (section) {
    window.setTimeout(function () { poll(section); }, INTERVAL);
  });
})();
