// The supervisors' alert banner: when the live stream announces a "notification" (an
// escalated ticket, an overdue callback visit), fetch the banner again from the server
// (rendered there: one template, one set of translations) and swap it in, no reload.
// A fresh "snapshot" (the stream (re)connected) refreshes it too: nothing is missed.
(function () {
  "use strict";
  var box = document.getElementById("alerts");
  if (!box || !window.EventSource || !window.fetch) return;
  var count = document.getElementById("alert-count");
  var pending = null;

  function refresh() {
    if (pending) return;
    pending = fetch(box.dataset.feed, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (!data) return;
        box.innerHTML = data.html;
        // Acknowledging comes back to this page (the server rendered it for the feed).
        box.querySelectorAll('input[name="next"]').forEach(function (input) {
          input.value = location.pathname + location.search;
        });
        box.dataset.count = String(data.count);
        if (count) {
          count.textContent = String(data.count);
          count.hidden = !data.count;
        }
      })
      .catch(function () {})
      .then(function () {
        pending = null;
      });
  }

  var source = new EventSource(box.dataset.stream);
  source.addEventListener("notification", refresh);
  source.addEventListener("snapshot", refresh);
  window.addEventListener("pagehide", function () {
    source.close();
  });
})();
