// Small enhancements on top of htmx; every page works without this file.
(function () {
  "use strict";

  // Forms that carry files (the text and its files sent together): while the request runs, the
  // buttons are disabled (hx-disabled-elt) and a line says how much has gone and which files.
  // The words come from the page (data-msg-sending), never from here.
  function uploadForm(evt) {
    var elt = evt.detail && evt.detail.elt;
    return elt && elt.closest ? elt.closest(".upload-form") : null;
  }

  function chosenNames(form) {
    var names = [];
    form.querySelectorAll("input[type=file]").forEach(function (input) {
      Array.prototype.forEach.call(input.files || [], function (f) { names.push(f.name); });
    });
    return names.join(", ");
  }

  document.addEventListener("htmx:beforeRequest", function (evt) {
    var form = uploadForm(evt);
    if (!form) return;
    form.dataset.uploading = chosenNames(form);
    var status = form.querySelector(".upload-status");
    if (status && form.dataset.uploading) {
      status.textContent = (form.dataset.msgSending || "") + " 0% — " + form.dataset.uploading;
    }
  });

  document.addEventListener("htmx:xhr:progress", function (evt) {
    var form = evt.target.closest && evt.target.closest(".upload-form");
    if (!form || !evt.detail.lengthComputable) return;
    var percent = Math.round((evt.detail.loaded / evt.detail.total) * 100);
    var bar = form.querySelector(".upload-progress");
    if (bar && form.dataset.uploading) {
      bar.hidden = false;
      bar.value = percent;
    }
    var status = form.querySelector(".upload-status");
    if (status && form.dataset.uploading) {
      status.textContent = (form.dataset.msgSending || "") + " " + percent + "% — " + form.dataset.uploading;
    }
  });

  document.addEventListener("htmx:afterRequest", function (evt) {
    var form = uploadForm(evt);
    if (!form) return;
    delete form.dataset.uploading;
  });
})();
