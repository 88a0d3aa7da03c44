// Small enhancements on top of htmx; every page works without this file.
(function () {
  "use strict";
  // Upload forms: show progress, and let refused uploads (413/415/422) show their message
  // in place of the file list instead of being dropped silently.
  document.addEventListener("htmx:xhr:progress", function (evt) {
    var form = evt.target.closest && evt.target.closest(".upload-form");
    if (!form || !evt.detail.lengthComputable) return;
    var bar = form.querySelector(".upload-progress");
    if (bar) {
      bar.hidden = false;
      bar.value = Math.round((evt.detail.loaded / evt.detail.total) * 100);
    }
  });
  document.addEventListener("htmx:beforeSwap", function (evt) {
    var elt = evt.detail.requestConfig && evt.detail.requestConfig.elt;
    var status = evt.detail.xhr.status;
    if (elt && elt.closest && elt.closest("[data-swap-errors]") && [409, 413, 415, 422].indexOf(status) >= 0) {
      evt.detail.shouldSwap = true;
      evt.detail.isError = false;
    }
  });
})();
