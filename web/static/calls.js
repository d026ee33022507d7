// The call list refreshes itself: every few seconds it asks /calls/feed.json for the rows
// (rendered by the server, in the page's language and time zone) and swaps them in when
// they changed. It pauses while the tab is hidden. A lost login reloads the page, which
// then shows the login form. Live push replaces polling later; the fragment stays the same.
(function () {
  "use strict";

  var table = document.getElementById("calls-table");
  if (!table) return;
  var tbody = table.tBodies[0];
  var status = document.getElementById("refresh-status");
  var statusText = status.querySelector(".refresh-text");
  var announcer = document.getElementById("new-calls");
  var url = table.dataset.feedUrl;
  var interval = parseInt(table.dataset.interval, 10) || 5000;
  var fingerprint = table.dataset.fingerprint;
  var timer = null;
  var busy = false;

  function rowIds() {
    var ids = {};
    tbody.querySelectorAll("tr[data-call-id]").forEach(function (row) {
      ids[row.dataset.callId] = true;
    });
    return ids;
  }

  function showStale(stale) {
    status.classList.toggle("is-stale", stale);
    if (stale) statusText.textContent = status.dataset.failed;
  }

  function announceNew(count) {
    if (count < 1) return;
    announcer.textContent = count === 1
      ? status.dataset.newOne
      : status.dataset.newMany.replace("{num}", String(count));
  }

  function swapRows(html) {
    var before = rowIds();
    tbody.innerHTML = html; // server-rendered, autoescaped fragment from our own origin
    var fresh = 0;
    tbody.querySelectorAll("tr[data-call-id]").forEach(function (row) {
      if (!before[row.dataset.callId]) {
        row.classList.add("is-new");
        fresh += 1;
      }
    });
    announceNew(fresh);
  }

  function refresh() {
    if (busy) return;
    busy = true;
    fetch(url, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
      cache: "no-store",
    })
      .then(function (response) {
        if (response.status === 401) {
          window.location.reload();
          throw new Error("logged out");
        }
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (data) {
        if (data.fingerprint !== fingerprint) {
          swapRows(data.html);
          fingerprint = data.fingerprint;
        }
        showStale(false);
        statusText.textContent = status.dataset.updated.replace("{time}", data.updated_at);
      })
      .catch(function () {
        showStale(true);
      })
      .finally(function () {
        busy = false;
        schedule();
      });
  }

  function schedule() {
    window.clearTimeout(timer);
    if (!document.hidden) timer = window.setTimeout(refresh, interval);
  }

  document.addEventListener("visibilitychange", function () {
    if (document.hidden) {
      window.clearTimeout(timer);
    } else {
      refresh();
    }
  });

  schedule();
})();
