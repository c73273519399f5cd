// Upload with a progress bar: forms marked data-upload are sent with
// XMLHttpRequest (the server answers JSON when asked for it). Without this
// script the same forms post normally and the server redirects back.
//
// A bid part whose form carries data-seal-key is sealed here, in the
// bidder's browser, before anything is sent: the hydration bundle's
// BrowserSealer (the same code the server seals with) encrypts the file to
// the tender's key in 1 MiB steps and computes its SHA-256; the server stores
// only the sealed bytes and records that the browser sealed them. Should the
// bundle not load, the plain form is sent and the server seals on arrival.
(function () {
  "use strict";
  var STEP = 1024 * 1024;

  async function sealInBrowser(form, file, status, bar) {
    var mod = await import("/pkg/dialoog.js");
    // Already initialised by the hydration script; this only waits for it.
    await mod.default({ module_or_path: "/pkg/dialoog.wasm" });
    var sealer = new mod.BrowserSealer(form.dataset.sealKey, form.dataset.sealBinding);
    var parts = [];
    for (var off = 0; off < file.size; off += STEP) {
      var piece = new Uint8Array(await file.slice(off, off + STEP).arrayBuffer());
      parts.push(sealer.push(piece));
      if (bar) {
        bar.hidden = false;
        bar.value = Math.round((Math.min(off + STEP, file.size) / file.size) * 100);
      }
      status.textContent = "Bezig met versleutelen in uw browser: " + (bar ? bar.value : "") + "%";
    }
    parts.push(sealer.finish());
    var fd = new FormData();
    fd.append("verzegeld", "browser");
    fd.append("sha256", sealer.sha256());
    fd.append("grootte", String(sealer.size()));
    fd.append("bestand", new Blob(parts, { type: "application/octet-stream" }), file.name);
    sealer.free();
    return fd;
  }

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
    if (form.dataset.sealKey && file && file.files[0]) {
      if (file.files[0].size === 0) {
        status.textContent = "Het bestand is leeg.";
        if (button) button.disabled = false;
        return;
      }
      sealInBrowser(form, file.files[0], status, bar).then(
        function (fd) { xhr.send(fd); },
        function () {
          // The bundle did not load: the server seals it on arrival instead.
          xhr.send(new FormData(form));
        }
      );
    } else {
      xhr.send(new FormData(form));
    }
  });
  document.addEventListener("click", function (ev) {
    if (ev.target instanceof Element && ev.target.closest("[data-print]")) window.print();
  });
})();
