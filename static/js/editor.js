// The Markdown editor: a formatting toolbar over the textareas the page marks (macros.textarea
// with editor=True), and paste from Word or a web page kept as Markdown by the server
// (POST /editor/markdown). The stored text stays Markdown; without this file the textarea works
// as a plain one and the toolbar stays hidden. Every word shown comes from the page's data-*.
(function () {
  "use strict";

  // --- Changing the text ---------------------------------------------------------------------

  // Replace value[start:end] with text, then select selStart..selEnd. Through the browser's
  // editing command where it exists, so that Ctrl+Z undoes it like typing.
  function replace(ta, start, end, text, selStart, selEnd) {
    var before = ta.value;
    var expected = before.slice(0, start) + text + before.slice(end);
    ta.focus();
    ta.setSelectionRange(start, end);
    var done = false;
    try {
      done = document.execCommand("insertText", false, text) && ta.value === expected;
    } catch (e) {
      done = false;
    }
    if (!done) {
      ta.value = before;
      ta.setRangeText(text, start, end, "end");
      ta.dispatchEvent(new Event("input", { bubbles: true }));
    }
    ta.setSelectionRange(selStart, selEnd);
  }

  // How many "*" open or close a run: 1 italic, 2 bold, 3 both.
  function stars(text, atEnd) {
    var m = atEnd ? text.match(/\**$/) : text.match(/^\**/);
    return m[0].length;
  }

  function isOn(count, m) {
    return m === 2 ? count >= 2 : count === 1 || count >= 3;
  }

  // Bold and italic: wrap the selection in the marker, or unwrap it; nothing selected, a
  // placeholder word is inserted and selected, ready to be typed over.
  function toggleInline(ta, marker, placeholder) {
    var v = ta.value;
    var s = ta.selectionStart;
    var e = ta.selectionEnd;
    var m = marker.length;
    if (s === e) {
      replace(ta, s, e, marker + placeholder + marker, s + m, s + m + placeholder.length);
      return;
    }
    var sel = v.slice(s, e);
    var inside = Math.min(stars(sel, false), stars(sel, true));
    if (sel.length > 2 * inside && isOn(inside, m)) {
      var inner = sel.slice(m, sel.length - m);
      replace(ta, s, e, inner, s, s + inner.length);
      return;
    }
    var around = Math.min(stars(v.slice(0, s), true), stars(v.slice(e), false));
    if (isOn(around, m)) {
      replace(ta, s - m, e + m, sel, s - m, e - m);
      return;
    }
    // Markdown does not make "** text **" bold: the spaces go outside the markers.
    var lead = sel.match(/^\s*/)[0].length;
    var trail = sel.match(/\s*$/)[0].length;
    var core = sel.slice(lead, sel.length - trail);
    if (!core) return;
    var text = sel.slice(0, lead) + marker + core + marker + sel.slice(sel.length - trail);
    replace(ta, s, e, text, s + lead + m, s + lead + m + core.length);
  }

  // The whole lines the selection touches.
  function lineRange(ta) {
    var v = ta.value;
    var s = ta.selectionStart;
    var e = ta.selectionEnd;
    if (e > s && v.charAt(e - 1) === "\n") e -= 1;
    var start = v.lastIndexOf("\n", s - 1) + 1;
    var end = v.indexOf("\n", e);
    return { start: start, end: end === -1 ? v.length : end };
  }

  var HEADING = /^#{1,6}\s+/;
  var BULLET = /^\s*[-*+]\s+/;
  var NUMBER = /^\s*\d{1,9}[.)]\s+/;

  // Headings and lists: a prefix on each selected line, taken off if every line has it.
  function toggleLines(ta, kind) {
    var r = lineRange(ta);
    var lines = ta.value.slice(r.start, r.end).split("\n");
    var filled = lines.filter(function (l) { return l.trim() !== ""; });
    var has = { heading: HEADING, bullets: BULLET, numbers: NUMBER }[kind];
    var all = filled.length > 0 && filled.every(function (l) { return has.test(l); });
    var n = 0;
    var out = lines.map(function (line) {
      if (line.trim() === "") return line;
      if (all) return line.replace(has, "");
      var bare = line.replace(HEADING, "").replace(BULLET, "").replace(NUMBER, "");
      if (kind === "heading") return "## " + bare;
      if (kind === "bullets") return "- " + bare;
      n += 1;
      return n + ". " + bare;
    });
    var text = out.join("\n");
    replace(ta, r.start, r.end, text, r.start, r.start + text.length);
  }

  // Blank lines around a block inserted at the caret, so that Markdown reads it as a block.
  function asBlock(v, s, e, block) {
    var head = v.slice(0, s);
    var tail = v.slice(e);
    var before = head === "" || /\n\n$/.test(head) ? "" : /\n$/.test(head) ? "\n" : "\n\n";
    var after = tail === "" || /^\n\n/.test(tail) ? "" : /^\n/.test(tail) ? "\n" : "\n\n";
    return { before: before, text: before + block + after };
  }

  function row(cells) {
    return "| " + cells.join(" | ") + " |";
  }

  // A table: the selected tab-separated lines (copied from Excel) become one; otherwise an empty
  // table of three columns whose first heading is selected.
  function insertTable(ta, word) {
    var v = ta.value;
    var s = ta.selectionStart;
    var e = ta.selectionEnd;
    while (e > s && v.charAt(e - 1) === "\n") e -= 1; // the line break stays after the table
    var sel = v.slice(s, e);
    var rows;
    if (sel.indexOf("\t") !== -1) {
      rows = sel.replace(/\n+$/, "").split("\n").map(function (l) {
        return l.split("\t").map(function (c) { return c.trim().replace(/\|/g, "\\|"); });
      });
      var width = Math.max.apply(null, rows.map(function (r) { return r.length; }));
      rows = rows.map(function (r) {
        while (r.length < width) r.push("");
        return r;
      });
    } else {
      rows = [[word + " 1", word + " 2", word + " 3"], ["", "", ""]];
    }
    var rule = rows[0].map(function () { return "---"; });
    var lines = [row(rows[0]), row(rule)].concat(rows.slice(1).map(row));
    var block = asBlock(v, s, e, lines.join("\n"));
    var first = s + block.before.length + 2;
    replace(ta, s, e, block.text, first, first + rows[0][0].length);
  }

  // A link: the selection becomes its text and the address is selected to be typed.
  function insertLink(ta, placeholder) {
    var v = ta.value;
    var s = ta.selectionStart;
    var e = ta.selectionEnd;
    var label = v.slice(s, e).replace(/\s+/g, " ").trim();
    var url = "https://";
    if (!label) {
      replace(ta, s, e, "[" + placeholder + "](" + url + ")", s + 1, s + 1 + placeholder.length);
      return;
    }
    var text = "[" + label + "](" + url + ")";
    var at = s + label.length + 3;
    replace(ta, s, e, text, at, at + url.length);
  }

  function act(ta, bar, what) {
    var d = bar.dataset;
    if (what === "bold") toggleInline(ta, "**", d.textBold || "");
    else if (what === "italic") toggleInline(ta, "*", d.textItalic || "");
    else if (what === "heading" || what === "bullets" || what === "numbers") toggleLines(ta, what);
    else if (what === "table") insertTable(ta, d.textColumn || "");
    else if (what === "link") insertLink(ta, d.textLink || "");
  }

  // --- Paste from Word or a web page ----------------------------------------------------------

  function csrfToken(ta) {
    var field = ta.form && ta.form.querySelector("input[name=csrf_token]");
    if (field && field.value) return field.value;
    var holder = ta.closest("[hx-headers]");
    if (holder) {
      try {
        return JSON.parse(holder.getAttribute("hx-headers"))["X-CSRF-Token"] || "";
      } catch (e) { /* fall through to the meta element */ }
    }
    var meta = document.querySelector("meta[name=csrf-token]");
    return meta ? meta.content : "";
  }

  function say(ta, text) {
    var status = document.getElementById(ta.id + "-status");
    if (status) status.textContent = text || "";
  }

  // Insert the pasted text where the caret was, or where it is now if the author typed on;
  // converted Markdown of several lines as a block of its own.
  function insertPasted(ta, pasted, at, block) {
    var v = ta.value;
    var s = v === at.value ? at.start : ta.selectionStart;
    var e = v === at.value ? at.end : ta.selectionEnd;
    var text = pasted;
    if (block && pasted.indexOf("\n") !== -1) text = asBlock(v, s, e, pasted).text;
    replace(ta, s, e, text, s + text.length, s + text.length);
  }

  function onPaste(evt, ta, bar) {
    var data = evt.clipboardData;
    if (!data || !bar.dataset.pasteUrl) return;
    var html = data.getData("text/html");
    if (!html || !/<[a-z]/i.test(html)) return; // plain text: the browser pastes it
    var plain = data.getData("text/plain");
    evt.preventDefault();
    var at = { value: ta.value, start: ta.selectionStart, end: ta.selectionEnd };
    say(ta, bar.dataset.msgConverting);
    fetch(bar.dataset.pasteUrl, {
      method: "POST",
      credentials: "same-origin",
      redirect: "manual", // signed out: the login page is not Markdown
      headers: {
        "Content-Type": "text/html; charset=utf-8",
        "Accept": "application/json",
        "X-CSRF-Token": csrfToken(ta),
      },
      body: html,
    })
      .then(function (response) {
        var type = response.headers.get("content-type") || "";
        if (!response.ok || type.indexOf("application/json") !== 0) throw new Error("refused");
        return response.json();
      })
      .then(function (answer) {
        if (!answer || typeof answer.markdown !== "string" || !answer.markdown) throw new Error("empty");
        insertPasted(ta, answer.markdown, at, true);
        say(ta, bar.dataset.msgPasted);
      })
      .catch(function () {
        insertPasted(ta, plain, at, false); // as the browser would have pasted it
        say(ta, bar.dataset.msgPlain);
      });
  }

  // --- Wiring ----------------------------------------------------------------------------------

  // One button in the tab order; the arrow keys, Home and End move along the toolbar.
  function roving(bar, buttons) {
    buttons.forEach(function (b, i) { b.tabIndex = i === 0 ? 0 : -1; });
    bar.addEventListener("keydown", function (evt) {
      var i = buttons.indexOf(document.activeElement);
      if (i === -1) return;
      var next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: buttons.length - 1 }[evt.key];
      if (next === undefined) return;
      evt.preventDefault();
      next = (next + buttons.length) % buttons.length;
      buttons[i].tabIndex = -1;
      buttons[next].tabIndex = 0;
      buttons[next].focus();
    });
  }

  function setUp(bar) {
    var ta = document.getElementById(bar.dataset.editorFor);
    if (!ta || bar.dataset.ready) return;
    bar.dataset.ready = "1";
    var buttons = Array.prototype.slice.call(bar.querySelectorAll("button[data-md]"));
    buttons.forEach(function (button) {
      // mousedown would move the focus, and some browsers the selection, away from the text
      button.addEventListener("mousedown", function (evt) { evt.preventDefault(); });
      button.addEventListener("click", function () { act(ta, bar, button.dataset.md); });
    });
    roving(bar, buttons);
    ta.addEventListener("keydown", function (evt) {
      if (!(evt.ctrlKey || evt.metaKey) || evt.altKey || evt.shiftKey) return;
      var key = evt.key.toLowerCase();
      if (key === "b" || key === "i") {
        evt.preventDefault();
        act(ta, bar, key === "b" ? "bold" : "italic");
      }
    });
    ta.addEventListener("paste", function (evt) { onPaste(evt, ta, bar); });
    bar.hidden = false;
  }

  function setUpAll() {
    document.querySelectorAll(".md-toolbar[data-editor-for]").forEach(setUp);
  }

  // Pages arrive whole or swapped in by htmx (hx-boost): set up whatever is new each time.
  document.addEventListener("htmx:load", setUpAll);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUpAll);
  else setUpAll();
})();
