// Search as you type, on top of a page that works without it: the search box offers
// completions of its last word (GET /api/complete) and the results below follow what is
// typed, fetched as the same server-rendered page (GET /?q=...) and swapped in.
(function () {
  "use strict";
  var form = document.querySelector("form.search");
  var box = form && form.querySelector("input[name=q]");
  var list = document.getElementById("completions");
  if (!box || !list || !window.fetch || !window.DOMParser || !window.URLSearchParams) return;
  var WAIT_MS = 120;  // after the last keystroke
  var timer = null;
  var asked = 0;  // answers to an older keystroke are dropped

  box.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(update, WAIT_MS);
  });

  function update() {
    var mine = ++asked;
    var typed = box.value;
    if (!typed.trim()) return;
    fetch("/api/complete?" + new URLSearchParams({ q: typed }))
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data || mine !== asked) return;
        list.replaceChildren.apply(list, data.completions.map(function (text) {
          var option = document.createElement("option");
          option.value = text;
          return option;
        }));
        // Mid-word, the results are those of the likeliest completion (as Google Instant did).
        var mid = /[^\s]$/.test(typed) && data.completions.length;
        return showResults(mid ? data.completions[0] : typed, mine);
      })
      .catch(function () {});
  }

  function showResults(query, mine) {
    var params = new URLSearchParams(new FormData(form));
    params.set("q", query);
    params.delete("page");
    return fetch("/?" + params, { headers: { Accept: "text/html" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html || mine !== asked) return;
        var page = new DOMParser().parseFromString(html, "text/html");
        var fresh = page.querySelector("main");
        var current = document.querySelector("main");
        if (!fresh || !current) return;
        current.replaceWith(fresh);
        document.title = page.title;
        history.replaceState(null, "", "/?" + params);
      });
  }
})();
