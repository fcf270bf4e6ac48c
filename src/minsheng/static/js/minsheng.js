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
  // <div data-ms-search-select="field"> (core/widgets.py SearchSelect): the text box of ids becomes a combobox that
  // asks the form's own page for at most 20 matches (?choose=field&q=text) as one types. Arrow keys move among
  // them, Enter or a click picks, Escape closes; the chosen rows are listed with a button to remove each. Without
  // this script the box takes the ids typed.
  function searchSelect(root) {
    var box = root.querySelector("input[name]");
    if (box.disabled || box.readOnly) { return; }  // fixed by the form: its chosen row is shown, nothing to search
    var name = box.name;
    var multiple = root.hasAttribute("data-ms-multiple");
    var chosenList = root.querySelector("[data-ms-chosen]");
    var fallback = root.querySelector("[data-ms-fallback]");
    var text = function (key) { return root.getAttribute("data-ms-text-" + key) || ""; };
    var combo = document.createElement("input");
    combo.type = "text";
    combo.className = box.className;
    combo.id = box.id;
    box.id = box.id + "_ids";
    combo.placeholder = text("placeholder");
    combo.autocomplete = "off";
    combo.setAttribute("role", "combobox");
    combo.setAttribute("aria-autocomplete", "list");
    combo.setAttribute("aria-expanded", "false");
    if (box.getAttribute("aria-describedby")) { combo.setAttribute("aria-describedby", box.getAttribute("aria-describedby")); }
    if (box.getAttribute("aria-invalid")) { combo.setAttribute("aria-invalid", box.getAttribute("aria-invalid")); }
    var list = document.createElement("ul");
    list.id = combo.id + "_listbox";
    list.className = "list-group position-absolute shadow-sm ms-search-results";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    combo.setAttribute("aria-controls", list.id);
    var status = document.createElement("div");
    status.className = "visually-hidden";
    status.setAttribute("aria-live", "polite");
    root.style.position = "relative";
    root.insertBefore(combo, box);
    root.insertBefore(list, box.nextSibling);
    root.appendChild(status);
    if (fallback) { fallback.hidden = true; }
    box.type = "hidden";
    box.removeAttribute("required");

    function chip(id, label) {
      var item = document.createElement("li");
      item.setAttribute("data-ms-id", id);
      item.appendChild(document.createTextNode(label + " "));
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "btn btn-link btn-sm p-0 align-baseline";
      remove.textContent = "×";
      remove.setAttribute("aria-label", text("remove") + " " + label);
      remove.addEventListener("click", function () { item.remove(); sync(); combo.focus(); });
      item.appendChild(remove);
      return item;
    }
    function sync(quiet) {  // the ids sent: the hidden box (one) or one hidden input per chosen row (several)
      var ids = Array.prototype.map.call(chosenList.children, function (li) { return li.getAttribute("data-ms-id"); });
      if (multiple) {
        root.querySelectorAll("input[data-ms-picked]").forEach(function (i) { i.remove(); });
        box.value = "";
        box.disabled = ids.length > 0;
        ids.forEach(function (id) {
          var input = document.createElement("input");
          input.type = "hidden"; input.name = name; input.value = id; input.setAttribute("data-ms-picked", "");
          root.appendChild(input);
        });
      } else {
        box.value = ids[0] || "";
      }
      if (!quiet) { box.dispatchEvent(new Event("change", { bubbles: true })); }  // a pick is a change of the form
    }
    Array.prototype.slice.call(chosenList.children).forEach(function (li) {
      chosenList.replaceChild(chip(li.getAttribute("data-ms-id"), li.textContent.trim()), li);
    });
    sync(true);

    var active = -1, asked = 0, timer = null;
    function close() { list.hidden = true; list.innerHTML = ""; active = -1; combo.setAttribute("aria-expanded", "false"); combo.removeAttribute("aria-activedescendant"); }
    function highlight(index) {
      var options = list.querySelectorAll("[role=option]");
      if (!options.length) { return; }
      active = (index + options.length) % options.length;
      options.forEach(function (o, i) { o.setAttribute("aria-selected", i === active ? "true" : "false"); o.classList.toggle("active", i === active); });
      combo.setAttribute("aria-activedescendant", options[active].id);
      options[active].scrollIntoView({ block: "nearest" });
    }
    function pick(option) {
      var id = option.getAttribute("data-ms-id"), label = option.textContent;
      if (!multiple) { chosenList.innerHTML = ""; }
      if (!chosenList.querySelector("[data-ms-id='" + id + "']")) { chosenList.appendChild(chip(id, label)); }
      sync(); close(); combo.value = ""; status.textContent = label;
    }
    function show(data) {
      list.innerHTML = "";
      (data.results || []).forEach(function (row, i) {
        var option = document.createElement("li");
        option.id = list.id + "_" + i;
        option.className = "list-group-item list-group-item-action";
        option.setAttribute("role", "option");
        option.setAttribute("data-ms-id", row.id);
        option.textContent = row.label + " (" + row.id + ")";
        option.addEventListener("mousedown", function (event) { event.preventDefault(); pick(option); });
        list.appendChild(option);
      });
      if (!data.results || !data.results.length) {
        var none = document.createElement("li");
        none.className = "list-group-item text-body-secondary"; none.textContent = text("none");
        list.appendChild(none);
      } else if (data.more) {
        var more = document.createElement("li");
        more.className = "list-group-item small text-body-secondary"; more.textContent = text("more");
        list.appendChild(more);
      }
      list.hidden = false; active = -1;
      combo.setAttribute("aria-expanded", "true");
      status.textContent = data.results && data.results.length ? String(data.results.length) : text("none");
    }
    function search() {
      var q = combo.value.trim();
      if (!q) { close(); return; }
      var mine = ++asked;
      // the page's own query stays (e.g. ?kind=team picks the form the field belongs to)
      var query = new URLSearchParams(window.location.search);
      query.set(root.getAttribute("data-ms-search-parameter"), name);
      query.set("q", q);
      fetch(window.location.pathname + "?" + query.toString(), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { results: [] }; })
        .then(function (data) { if (mine === asked) { show(data); } })
        .catch(function () { if (mine === asked) { close(); } });
    }
    combo.addEventListener("input", function () { window.clearTimeout(timer); timer = window.setTimeout(search, 200); });
    combo.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") { event.preventDefault(); if (list.hidden) { search(); } else { highlight(active + 1); } }
      else if (event.key === "ArrowUp") { event.preventDefault(); highlight(active - 1); }
      else if (event.key === "Enter" && !list.hidden) {
        event.preventDefault();
        var options = list.querySelectorAll("[role=option]");
        if (options[active]) { pick(options[active]); } else if (options.length === 1) { pick(options[0]); }
      } else if (event.key === "Escape" && !list.hidden) { event.preventDefault(); close(); }
    });
    combo.addEventListener("blur", function () { window.setTimeout(close, 150); });
  }
  document.querySelectorAll("[data-ms-search-select]").forEach(searchSelect);
  // <select data-ms-autosubmit> sends its filter form when changed.
  document.addEventListener("change", function (event) {
    if (event.target.matches("[data-ms-autosubmit]")) { event.target.form.requestSubmit(); }
  });
})();
