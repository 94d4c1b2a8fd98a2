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
