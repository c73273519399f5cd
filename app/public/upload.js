// Upload with a progress bar: forms marked data-upload are sent with
// XMLHttpRequest (the server answers JSON when asked for it). Without this
// script the same forms post normally and the server redirects back.
(function () {
  "use strict";
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-upload")) return;
    ev.preventDefault();
    var bar = form.querySelector("progress");
    var status = form.querySelector(".upload-status");
    var button = form.querySelector("button[type=submit]");
    var file = form.querySelector("input[type=file]");
    var max = file && file.dataset.max ? Number(file.dataset.max) : 0;
    if (max && file.files[0] && file.files[0].size > max) {
      status.textContent = "Het bestand is groter dan toegestaan. Er is niets verstuurd.";
      return;
    }
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable && bar) {
        bar.hidden = false;
        bar.value = Math.round((e.loaded / e.total) * 100);
        status.textContent = "Bezig met uploaden: " + bar.value + "%";
      }
    });
    xhr.addEventListener("load", function () {
      var body = {};
      try { body = JSON.parse(xhr.responseText); } catch (e) { /* not JSON */ }
      if (xhr.status >= 200 && xhr.status < 300) {
        status.textContent = "Opgeslagen.";
        window.location.reload();
      } else {
        if (bar) bar.hidden = true;
        status.textContent = body.fout || "Het uploaden is mislukt. Er is niets opgeslagen.";
        if (button) button.disabled = false;
      }
    });
    xhr.addEventListener("error", function () {
      status.textContent = "De verbinding viel weg. Er is niets opgeslagen; probeer het opnieuw.";
      if (button) button.disabled = false;
    });
    if (button) button.disabled = true;
    xhr.send(new FormData(form));
  });
  document.addEventListener("click", function (ev) {
    if (ev.target instanceof Element && ev.target.closest("[data-print]")) window.print();
  });
})();
