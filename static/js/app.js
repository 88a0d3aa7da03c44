// Small enhancements on top of htmx; every page works without this file.
(function () {
  "use strict";
  // Upload forms: show how much of the files has been sent.
  document.addEventListener("htmx:xhr:progress", function (evt) {
    var form = evt.target.closest && evt.target.closest(".upload-form");
    if (!form || !evt.detail.lengthComputable) return;
    var bar = form.querySelector(".upload-progress");
    if (bar) {
      bar.hidden = false;
      bar.value = Math.round((evt.detail.loaded / evt.detail.total) * 100);
    }
  });
})();
