/* The assessment form: live met marks and the x/N total while it is edited (the server
   evaluates again on save and its result is the one recorded; this only spares the user a
   round trip while typing; a page that cannot be edited, approved or waiting for the province,
   shows the stored marks and count and is never recounted: it has no fields to count from),
   values carried over from last year, a warning before leaving with unsaved changes, Enter
   that never submits, and focus on the error summary of a refused save. */
(function () {
  "use strict";
  var form = document.getElementById("assessment-form");
  if (!form) return;

  // A refused save: the summary at the top links to each field in error.
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      var field = link && document.getElementById(link.getAttribute("href").slice(1));
      if (!field) return;
      event.preventDefault();
      field.focus();  // scroll-padding keeps it clear of the sticky bars
    });
  }

  function parse(text) {
    var s = (text || "").replace(/\s/g, "").replace(",", ".");
    if (s === "" || (s.match(/\./g) || []).length > 1) return null;
    var n = Number(s);
    return isFinite(n) ? n : null;
  }

  function compare(op, value, level) {
    if (op === ">=") return value >= level;
    if (op === "<=") return value <= level;
    return value === level;
  }

  // An indicator's inputs carry data-part (value, value2, met, reason): criteria/forms.py.
  function choice(row, part) {
    var el = row.querySelector("[data-part='" + part + "']");
    return el ? el.value : "";
  }

  function indicatorMet(row) {
    var mode = row.dataset.mode;
    if (mode === "computed") {
      var value = parse(choice(row, "value"));
      if (value === null) return null;
      var met = compare(row.dataset.comparison, value, Number(row.dataset.threshold));
      if (row.dataset.threshold2 !== undefined) {
        var second = parse(choice(row, "value2"));
        met = met && second !== null && compare(row.dataset.comparison, second, Number(row.dataset.threshold2));
      }
      return met;
    }
    var picked = choice(row, "met");
    if (picked === "") return null;
    if (mode === "manual" && choice(row, "reason").trim() === "") return null;
    return picked === "1";
  }

  function show(container, met) {
    var mark = container.querySelector("[data-mark]");
    if (!mark) return;
    mark.classList.remove("criterion-met", "criterion-missed", "text-body-secondary");
    if (met === true) {
      mark.textContent = form.dataset.labelMet;
      mark.classList.add("criterion-met");
    } else if (met === false) {
      mark.textContent = form.dataset.labelMissed;
      mark.classList.add("criterion-missed");
    } else {
      mark.textContent = form.dataset.labelNone;
      mark.classList.add("text-body-secondary");
    }
  }

  // A criterion judged as a whole: its met / not met control (a select, or radio buttons).
  function flagMet(criterion) {
    var box = criterion.querySelector("[data-criterion-flag]");
    if (!box) return null;
    var control = box.querySelector("select") || box.querySelector("input:checked");
    var value = control ? control.value : "";
    return value === "" ? null : value === "1";
  }

  var live = form.hasAttribute("data-live");

  function update() {
    if (!live) return;
    var total = 0;
    form.querySelectorAll("[data-criterion]").forEach(function (criterion) {
      var rows = criterion.querySelectorAll("[data-indicator]");
      var met;
      if (rows.length) {
        // Met when every indicator is; missed as soon as one is; else not entered yet.
        var all = true, missed = false;
        rows.forEach(function (row) {
          var m = indicatorMet(row);
          show(row.querySelector("[data-indicator-mark]"), m);
          all = all && m === true;
          missed = missed || m === false;
        });
        met = all ? true : (missed ? false : null);
      } else {
        met = flagMet(criterion);
      }
      show(criterion.querySelector("[data-criterion-mark]"), met);
      if (met === true) total += 1;
    });
    document.querySelectorAll(".js-met-total").forEach(function (el) {
      el.textContent = String(total);
    });
  }

  // Carried over from last year: the mark (and its hidden marker) goes once the user changes
  // the value or confirms it.
  function confirmCarried(row) {
    var mark = row && row.querySelector("[data-carried-mark]");
    if (!mark) return;
    mark.remove();
    row.removeAttribute("data-carried");
  }
  form.addEventListener("click", function (event) {
    var button = event.target.closest("[data-confirm-carried]");
    if (!button) return;
    var row = button.closest("[data-indicator]");
    var next = row.querySelector("input:not([type=hidden]), select, textarea");
    confirmCarried(row);
    if (next) next.focus();
  });

  // Unsaved changes: warn before leaving, only when something was typed.
  var dirty = false;
  function edited(event) {
    dirty = true;
    confirmCarried(event.target.closest("[data-indicator]"));
    update();
  }
  form.addEventListener("input", edited);
  form.addEventListener("change", edited);
  // Values the page did not send: typed before this script ran (a slow connection) or put
  // back by the browser on returning to the page. Both fire no event here.
  update();
  form.addEventListener("submit", function () { dirty = false; });
  window.addEventListener("beforeunload", function (event) {
    if (!dirty) return;
    event.preventDefault();
    event.returnValue = "";
  });

  // Enter in a field never submits the whole form (textareas keep their new lines, buttons
  // their Enter).
  form.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || event.target.tagName !== "INPUT") return;
    var type = event.target.type;
    if (type === "submit" || type === "button" || type === "reset") return;
    event.preventDefault();
  });
})();
