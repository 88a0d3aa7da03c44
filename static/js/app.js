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

  // Where a keyboard or screen reader user is taken. After a form that failed, to the error
  // summary (it says what went wrong and links to each field); after a page changed by htmx
  // (hx-boost), to the new page's main heading, where a full page load would start reading.
  // The page title says "Error: " while the page shows an error summary: the server writes it
  // into full pages, this keeps it right when only a part of the page was swapped.
  var titlePrefix = "";

  function errorSummary(within) {
    if (within && within.matches && within.matches(".error-summary")) return within;
    return (within || document).querySelector(".error-summary");
  }

  function syncTitle() {
    var summary = errorSummary();
    if (summary) {
      titlePrefix = (summary.dataset.titlePrefix || "") + " ";
      if (titlePrefix.trim() && document.title.indexOf(titlePrefix) !== 0) {
        document.title = titlePrefix + document.title;
      }
    } else if (titlePrefix.trim() && document.title.indexOf(titlePrefix) === 0) {
      document.title = document.title.slice(titlePrefix.length);
    }
  }

  function focusHeading() {
    var main = document.getElementById("main");
    var heading = (main && main.querySelector("h1")) || main;
    if (!heading) return;
    if (!heading.hasAttribute("tabindex")) heading.setAttribute("tabindex", "-1");
    heading.focus({ preventScroll: true });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var summary = errorSummary();
    syncTitle();
    if (summary) summary.focus();
  });

  var settled = typeof WeakSet === "function" ? new WeakSet() : null;
  document.addEventListener("htmx:afterSettle", function (evt) {
    var detail = evt.detail || {};
    if (detail.xhr && settled) {
      if (settled.has(detail.xhr)) return; // one swap may settle several elements
      settled.add(detail.xhr);
    }
    syncTitle();
    var verb = detail.requestConfig && detail.requestConfig.verb;
    var summary = errorSummary(evt.target && evt.target.querySelector ? evt.target : null);
    if (summary && verb && verb !== "get") {
      summary.focus(); // a form was sent and came back with errors (polling never moves focus)
    } else if (detail.boosted) {
      focusHeading();
    }
  });
})();
