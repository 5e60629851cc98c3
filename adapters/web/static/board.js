// Keeps the page's <main> live over server-sent events. The server pushes the whole
// <main> ("board") on connecting and when it must, and otherwise only the elements that
// changed ("patch": [[element id, html], ...], an incident's card say), already drawn and
// escaped. Each push carries its number; a patch that does not follow the one shown, or
// names an element the page lacks, means this page missed something: it reconnects, and
// the server answers a new connection with the whole <main>. No framework: the page must
// work on the centre's locked-down machines without a build step.
"use strict";
(function () {
  var main = document.getElementById("live");
  var state = document.getElementById("live-state");
  if (!main || !main.dataset.stream) { return; }
  var shown = null;  // the number of the push the page shows
  var source = null;
  function show(word, cls) {
    if (!state) { return; }
    state.textContent = state.dataset[word] || word;
    state.className = "live-state " + cls;
  }
  // Minutes since something began (an incident's age, a unit's silence) count on here: the
  // server draws a card again when it changes, not every minute. They are counted from the
  // board's clock (#updated's data-now, in seconds, as last drawn); this machine's clock only
  // measures the time since that arrived, so a centre PC set wrong shows the right minutes.
  var clock = {now: null, at: 0};
  function countMinutes() {
    var updated = document.getElementById("updated");
    if (!updated || !updated.dataset.now) { return; }
    if (updated.dataset.now !== clock.now) { clock = {now: updated.dataset.now, at: Date.now()}; }
    var now = Number(clock.now) + (Date.now() - clock.at) / 1000;
    var spans = main.querySelectorAll(".minutes[data-since]");
    for (var i = 0; i < spans.length; i++) {
      var minutes = Math.max(0, Math.floor((now - Number(spans[i].dataset.since)) / 60));
      var words = spans[i].dataset.words.replace("{minutes}", String(minutes));
      if (spans[i].textContent !== words) { spans[i].textContent = words; }
    }
  }
  function changed() {
    countMinutes();
    main.dataset.version = String((Number(main.dataset.version) || 0) + 1);
  }
  function apply(parts) {
    for (var i = 0; i < parts.length; i++) {
      if (!document.getElementById(parts[i][0])) { return false; }
    }
    for (var j = 0; j < parts.length; j++) {
      document.getElementById(parts[j][0]).outerHTML = parts[j][1];  // drawn and escaped by the server
    }
    return true;
  }
  function connect() {
    source = new EventSource(main.dataset.stream);
    source.addEventListener("open", function () { show("live", "ok"); });
    source.addEventListener("error", function () { show("lost", "lost"); shown = null; });
    source.addEventListener("board", function (event) {
      shown = event.lastEventId ? Number(event.lastEventId) : null;
      if (event.data) {
        main.innerHTML = event.data;  // drawn and escaped by the server (adapters/web/pages.py)
        changed();
      }
    });
    source.addEventListener("patch", function (event) {
      var number = Number(event.lastEventId);
      var parts = null;
      try { parts = JSON.parse(event.data); } catch (e) { parts = null; }
      if (shown === null || number !== shown + 1 || !parts || !apply(parts)) {
        source.close();  // a gap: start again from the whole page
        shown = null;
        connect();
        return;
      }
      shown = number;
      changed();
    });
    source.addEventListener("signedout", function () {
      source.close();
      window.location.reload();  // the server now answers with the sign-in page
    });
  }
  connect();
  countMinutes();
  setInterval(countMinutes, 10000);
})();
