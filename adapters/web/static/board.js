// Keeps the page's <main> live: the server pushes the whole <main>, already drawn and
// escaped, over server-sent events whenever something changed in chat. No framework:
// the page must work on the centre's locked-down machines without a build step.
"use strict";
(function () {
  var main = document.getElementById("live");
  var state = document.getElementById("live-state");
  if (!main || !main.dataset.stream) { return; }
  function show(word, cls) {
    if (!state) { return; }
    state.textContent = state.dataset[word] || word;
    state.className = "live-state " + cls;
  }
  var source = new EventSource(main.dataset.stream);
  source.addEventListener("open", function () { show("live", "ok"); });
  source.addEventListener("error", function () { show("lost", "lost"); });
  source.addEventListener("board", function (event) {
    if (event.data) {
      main.innerHTML = event.data;  // drawn and escaped by the server (adapters/web/pages.py)
      main.dataset.version = String((Number(main.dataset.version) || 0) + 1);
    }
  });
  source.addEventListener("signedout", function () {
    source.close();
    window.location.reload();  // the server now answers with the sign-in page
  });
})();
