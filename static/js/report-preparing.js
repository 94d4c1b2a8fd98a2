// The "being prepared" page of a download (templates/file_preparing.html: reports, compendium):
// ask the status URL every 1.5 s and start the download once the file is there, so nobody has
// to click twice. Without JavaScript the page's <noscript> meta refresh does the same. When the
// file cannot be prepared now ("unavailable": no worker alive, or waited too long) it stops and
// says so, with the link to the document's page (the page's <template data-unavailable-template>).
(function () {
  "use strict";
  var box = document.getElementById("report-preparing");
  if (!box || !window.fetch) {
    return;
  }
  var statusUrl = box.getAttribute("data-status-url");
  var downloadUrl = box.getAttribute("data-download-url");
  function poll() {
    fetch(statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.json();
      })
      .then(function (answer) {
        if (answer.state === "ready") {
          window.location.assign(downloadUrl);
        } else if (answer.state === "unavailable") {
          var template = box.querySelector("template[data-unavailable-template]");
          var status = box.querySelector("[role=status]");
          if (status) {
            status.textContent = box.getAttribute("data-unavailable-heading");
          }
          template.parentNode.replaceChild(template.content.cloneNode(true), template);
        } else if (answer.state === "failed") {
          var note = box.querySelector("[data-failed-text]");
          note.textContent = note.getAttribute("data-failed-text");
        } else {
          window.setTimeout(poll, 1500);
        }
      })
      .catch(function () {
        window.setTimeout(poll, 3000);
      });
  }
  window.setTimeout(poll, 1000);
})();
