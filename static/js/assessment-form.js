/* Live met marks and the x/N total on the assessment form. The server evaluates again on save
   and its result is the one recorded; this only spares the user a round trip while typing. */
(function () {
  "use strict";
  var form = document.getElementById("assessment-form");
  if (!form) return;

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

  function choice(row, suffix) {
    var el = row.querySelector("[name$='" + suffix + "']");
    return el ? el.value : "";
  }

  function indicatorMet(row) {
    var mode = row.dataset.mode;
    if (mode === "computed") {
      var value = parse(choice(row, "_value"));
      if (value === null) return null;
      var met = compare(row.dataset.comparison, value, Number(row.dataset.threshold));
      if (row.dataset.threshold2 !== undefined) {
        var second = parse(choice(row, "_value2"));
        met = met && second !== null && compare(row.dataset.comparison, second, Number(row.dataset.threshold2));
      }
      return met;
    }
    var picked = choice(row, "_met");
    if (picked === "") return null;
    if (mode === "manual" && choice(row, "_reason").trim() === "") return null;
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

  function update() {
    var total = 0;
    form.querySelectorAll("[data-criterion]").forEach(function (criterion) {
      var rows = criterion.querySelectorAll("[data-indicator]");
      var met;
      if (rows.length) {
        met = true;
        rows.forEach(function (row) {
          var m = indicatorMet(row);
          show(row.querySelector("[data-indicator-mark]"), m);
          met = met && m === true;
        });
      } else {
        var flag = criterion.querySelector("[data-criterion-flag] select");
        met = !!flag && flag.value === "1";
      }
      show(criterion.querySelector("[data-criterion-mark]"), met);
      if (met) total += 1;
    });
    document.querySelectorAll(".js-met-total").forEach(function (el) {
      el.textContent = String(total);
    });
  }

  form.addEventListener("input", update);
  form.addEventListener("change", update);
})();
