/* The navbar's menu button on narrow screens: the only Bootstrap plugin the pages used, so
   this replaces Bootstrap's 80 KB bundle (no animation; Bootstrap's CSS hides .collapse
   until .show). */
document.addEventListener("click", function (event) {
  var button = event.target.closest('[data-bs-toggle="collapse"]');
  if (!button) return;
  var target = document.querySelector(button.getAttribute("data-bs-target"));
  if (!target) return;
  var open = target.classList.toggle("show");
  button.setAttribute("aria-expanded", open ? "true" : "false");
  button.classList.toggle("collapsed", !open);
});

/* The count of what waits for the user on the home item (the home page's work queue), asked
   after the page has loaded so that no page pays for it; read out as "3 việc đang chờ bạn". */
(function () {
  var badge = document.querySelector("[data-queue-badge]");
  if (!badge || !window.fetch) return;
  fetch(badge.getAttribute("data-url"), { headers: { Accept: "application/json" } })
    .then(function (response) { return response.ok ? response.json() : null; })
    .then(function (data) {
      if (!data || !data.count) return;
      var count = document.createElement("span");
      count.setAttribute("aria-hidden", "true");
      count.textContent = data.count;
      var label = document.createElement("span");
      label.className = "visually-hidden";
      label.textContent = data.label;
      badge.replaceChildren(count, label);
      badge.setAttribute("data-queue-count", data.count);
      badge.hidden = false;
    })
    .catch(function () {});  /* a logged-out session answers the login page: no badge */
})();
