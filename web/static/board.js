// The live board. One EventSource on /live/stream: a "snapshot" first (everything live
// now), then one event per change. Durations tick every second in the browser from the
// server's timestamps (corrected for clock skew). Rows are built with textContent only.
// Each applied event fires a "live:applied" DOM event (used by the latency benchmark).
(function () {
  "use strict";

  var board = document.getElementById("board");
  if (!board) return;
  var d = board.dataset;
  var status = document.getElementById("live-status");
  var statusText = status.querySelector(".refresh-text");
  var callsBody = document.querySelector("#live-calls tbody");
  var callsEmpty = document.getElementById("live-empty");
  var agentsTable = document.getElementById("agents-table");
  var agentsBody = agentsTable.tBodies[0];
  var agentsEmpty = document.getElementById("agents-empty");
  var liveCount = document.getElementById("live-count");
  var spyResult = document.getElementById("spy-result");
  var canSpy = d.canSpy === "true";

  var calls = {};   // linkedid -> payload
  var agents = {};  // extension -> payload (from the agents feature)
  var skew = 0;     // server clock - browser clock, in seconds
  var source = null;
  var retryTimer = null;
  var figuresTimer = null;

  function now() { return Date.now() / 1000 + skew; }

  function duration(seconds) {
    if (seconds === null || seconds === undefined || isNaN(seconds)) return "—";
    var total = Math.max(0, Math.round(seconds));
    var h = Math.floor(total / 3600), m = Math.floor((total % 3600) / 60), s = total % 60;
    var ss = (s < 10 ? "0" : "") + s;
    if (h) return h + ":" + (m < 10 ? "0" : "") + m + ":" + ss;
    return m + ":" + ss;
  }

  function percent(value) {
    return value === null || value === undefined ? "—" : Math.round(value * 100) + "%";
  }

  // Narrow screens show each row as a card, labelling each cell with its column's name.
  function labelCells(table) {
    var names = Array.prototype.map.call(table.tHead.rows[0].cells, function (th) {
      return th.textContent.trim();
    });
    Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
      Array.prototype.forEach.call(row.cells, function (cell, i) {
        if (names[i]) cell.dataset.label = names[i];
      });
    });
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function setStatus(kind) {
    status.classList.toggle("is-stale", kind !== "live");
    statusText.textContent = d[kind] || status.dataset[kind] || kind;
  }

  // ---- calls in progress ----

  function callerCell(call) {
    var td = el("td", "cell-caller");
    var link = el("a", "caller-link");
    if (call.id) link.href = d.detailUrl.replace(/0$/, String(call.id));
    link.appendChild(el("span", "caller-name", call.caller_name || call.caller_number || d.unknown));
    if (call.caller_name) link.appendChild(el("span", "caller-number", call.caller_number));
    td.appendChild(link);
    return td;
  }

  function spyCell(call) {
    var td = el("td", "cell-actions");
    if (!canSpy || call.phase !== "talking" || !call.agent) return td;
    var group = el("div", "spy-buttons");
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", d.spyHint.replace("{ext}", call.agent));
    ["listen", "whisper", "barge"].forEach(function (mode) {
      var button = el("button", "button button-small spy-" + mode, d[mode]);
      button.type = "button";
      button.dataset.mode = mode;
      button.dataset.agent = call.agent;
      button.title = d.spyHint.replace("{ext}", call.agent);
      group.appendChild(button);
    });
    td.appendChild(group);
    return td;
  }

  function callRow(call) {
    var tr = el("tr");
    tr.dataset.linkedid = call.linkedid;
    tr.dataset.phase = call.phase;
    tr.appendChild(callerCell(call));
    var dialed = el("td");
    dialed.appendChild(el("span", "mono", call.dialed || "—"));
    tr.appendChild(dialed);
    var phase = el("td");
    phase.appendChild(el("span", "badge badge-phase badge-" + call.phase, d["phase" + call.phase.charAt(0).toUpperCase() + call.phase.slice(1)] || call.phase));
    tr.appendChild(phase);
    tr.appendChild(el("td", "cell-queue", call.queue || "—"));
    var agent = el("td");
    agent.appendChild(el("span", "mono", call.agent || "—"));
    tr.appendChild(agent);
    var inState = el("td", "cell-num tick", duration(now() - call.since));
    inState.dataset.since = call.since;
    tr.appendChild(inState);
    var total = el("td", "cell-num tick muted-cell", duration(now() - call.started));
    total.dataset.since = call.started;
    tr.appendChild(total);
    tr.appendChild(spyCell(call));
    return tr;
  }

  function renderCalls() {
    var list = Object.keys(calls).map(function (k) { return calls[k]; });
    list.sort(function (a, b) { return (a.started || 0) - (b.started || 0); });
    var existing = {};
    Array.prototype.forEach.call(callsBody.rows, function (row) { existing[row.dataset.linkedid] = row; });
    var fragment = document.createDocumentFragment();
    list.forEach(function (call) {
      var old = existing[call.linkedid];
      var row = callRow(call);
      if (!old) row.classList.add("is-new");
      fragment.appendChild(row);
    });
    callsBody.replaceChildren(fragment);
    labelCells(callsBody.parentNode);
    callsEmpty.hidden = list.length > 0;
    liveCount.textContent = String(list.length);
  }

  // ---- agents ----

  function agentRows() {
    var rows = Object.keys(agents).map(function (k) { return agents[k]; });
    if (rows.length) return rows;
    // Until the agents feature publishes states: the agents seen on calls.
    return Object.keys(calls).map(function (k) { return calls[k]; })
      .filter(function (c) { return c.agent && (c.phase === "talking" || c.phase === "ringing"); })
      .map(function (c) {
        return {
          extension: c.agent, state: c.phase, since: c.since, queue: c.queue,
          caller: c.caller_name || c.caller_number,
        };
      });
  }

  function renderAgents() {
    var rows = agentRows();
    rows.sort(function (a, b) { return String(a.extension).localeCompare(String(b.extension)); });
    var fragment = document.createDocumentFragment();
    rows.forEach(function (a) {
      var tr = el("tr");
      tr.dataset.agent = a.extension;
      var name = el("td");
      name.appendChild(el("span", "mono", a.extension));
      if (a.name) name.appendChild(el("span", "agent-name", " " + a.name));
      tr.appendChild(name);
      var state = el("td");
      var key = String(a.state || "");
      var label = agentsTable.getAttribute("data-state-" + key) || key;
      var badge = el("span", "badge badge-agent badge-agent-" + key, label);
      state.appendChild(badge);
      if (a.reason) state.appendChild(el("span", "muted-cell", " " + a.reason));
      tr.appendChild(state);
      var since = el("td", "cell-num tick", duration(now() - a.since));
      since.dataset.since = a.since;
      tr.appendChild(since);
      tr.appendChild(el("td", "", a.caller || "—"));
      tr.appendChild(el("td", "", a.queue || (Array.isArray(a.queues) ? a.queues.join(", ") : "") || "—"));
      fragment.appendChild(tr);
    });
    agentsBody.replaceChildren(fragment);
    labelCells(agentsTable);
    agentsEmpty.hidden = rows.length > 0;
  }

  // ---- the wallboard ----

  function setFigure(scope, name, text) {
    var cell = scope.querySelector('[data-figure="' + name + '"]');
    if (!cell) return;
    var target = cell.querySelector(".kpi-value") || cell;
    if (target.textContent !== text) target.textContent = text;
  }

  function liveFigures() {
    // Waiting, longest wait and talking change every second: counted here from the calls.
    var perQueue = { "": { waiting: 0, longest: null, talking: 0 } };
    Object.keys(calls).forEach(function (k) {
      var c = calls[k];
      if (!c.queue) return;
      [c.queue, ""].forEach(function (q) {
        var f = perQueue[q] || (perQueue[q] = { waiting: 0, longest: null, talking: 0 });
        if (c.phase === "queue" || c.phase === "ringing") {
          f.waiting += 1;
          var waited = now() - (c.queued || c.started);
          f.longest = f.longest === null ? waited : Math.max(f.longest, waited);
        } else if (c.phase === "talking") {
          f.talking += 1;
        }
      });
    });
    document.querySelectorAll("#queues-table tbody tr").forEach(function (row) {
      var f = perQueue[row.dataset.queue] || { waiting: 0, longest: null, talking: 0 };
      setFigure(row, "waiting", String(f.waiting));
      setFigure(row, "longest_wait", f.longest === null ? "—" : duration(f.longest));
      setFigure(row, "talking", String(f.talking));
    });
    var kpis = document.getElementById("kpis");
    setFigure(kpis, "waiting", String(perQueue[""].waiting));
    setFigure(kpis, "longest_wait", perQueue[""].longest === null ? "—" : duration(perQueue[""].longest));
  }

  function applyFigures(list) {
    list.forEach(function (f) {
      var row = document.querySelector('#queues-table tbody tr[data-queue="' + CSS.escape(f.queue) + '"]');
      var scopes = row ? [row] : [];
      if (f.queue === "") scopes.push(document.getElementById("kpis"));
      scopes.forEach(function (scope) {
        setFigure(scope, "offered", String(f.offered));
        setFigure(scope, "answered", String(f.answered));
        setFigure(scope, "service_level", percent(f.service_level));
        setFigure(scope, "average_speed_of_answer", f.average_speed_of_answer === null ? "—" : duration(f.average_speed_of_answer));
        setFigure(scope, "abandon_rate", percent(f.abandon_rate));
        setFigure(scope, "callbacks_pending", String(f.callbacks_pending));
      });
    });
  }

  function refreshFigures() {
    window.clearTimeout(figuresTimer);
    figuresTimer = window.setTimeout(function () {
      fetch(d.queuesUrl, { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) { if (data) applyFigures(data.queues); })
        .catch(function () {});
    }, 300);
  }

  // ---- ticking ----

  function tick() {
    var t = now();
    document.querySelectorAll("#board .tick[data-since]").forEach(function (cell) {
      var since = parseFloat(cell.dataset.since);
      var text = isNaN(since) ? "—" : duration(t - since);
      if (cell.textContent !== text) cell.textContent = text;
    });
    liveFigures();
  }

  // ---- the stream ----

  function applied(kind, key, payload) {
    board.dispatchEvent(new CustomEvent("live:applied", { detail: { kind: kind, key: key, payload: payload } }));
  }

  function onSnapshot(message) {
    var data = JSON.parse(message.data);
    skew = data.now - Date.now() / 1000;
    calls = {};
    data.calls.forEach(function (c) { calls[c.linkedid] = c; });
    agents = {};
    data.agents.forEach(function (a) { agents[a.extension] = a; });
    renderCalls();
    renderAgents();
    tick();
    refreshFigures();
    setStatus(data.ami_connected === false ? "amiDown" : "live");
    applied("snapshot", "", data);
  }

  function onCall(message) {
    var call = JSON.parse(message.data);
    var before = calls[call.linkedid];
    if (call.ended) {
      delete calls[call.linkedid];
    } else {
      calls[call.linkedid] = call;
    }
    renderCalls();
    if (!Object.keys(agents).length) renderAgents();
    tick();
    if (call.ended || !before || before.phase !== call.phase) refreshFigures();
    applied("call", call.linkedid, call);
  }

  function onAgent(message) {
    var agent = JSON.parse(message.data);
    var key = agent.key || agent.extension;
    agent.extension = agent.extension || key;
    if (agent.ended) delete agents[key]; else agents[key] = agent;
    renderAgents();
    applied("agent", key, agent);
  }

  function onAmi(message) {
    var data = JSON.parse(message.data);
    setStatus(data.connected ? "live" : "amiDown");
  }

  function connect() {
    window.clearTimeout(retryTimer);
    source = new EventSource(d.streamUrl);
    source.addEventListener("snapshot", onSnapshot);
    source.addEventListener("call", onCall);
    source.addEventListener("agent", onAgent);
    source.addEventListener("ami", onAmi);
    source.onerror = function () {
      setStatus("lost");
      if (source.readyState !== EventSource.CLOSED) return; // the browser retries itself
      // Refused (login gone, or too many streams): find out which, then retry or reload.
      fetch(d.queuesUrl, { credentials: "same-origin", redirect: "manual" })
        .then(function (r) {
          if (r.status === 401 || r.type === "opaqueredirect") window.location.reload();
        })
        .catch(function () {});
      retryTimer = window.setTimeout(connect, 5000);
    };
  }

  // ---- listen / whisper / barge ----

  callsBody.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-mode]");
    if (!button) return;
    var form = new FormData();
    form.append("csrf_token", d.csrf);
    form.append("agent", button.dataset.agent);
    form.append("mode", button.dataset.mode);
    button.disabled = true;
    fetch(d.spyUrl, { method: "POST", body: form, credentials: "same-origin" })
      .then(function (r) { return r.json().catch(function () { return { ok: false, message: "HTTP " + r.status }; }); })
      .then(function (data) {
        spyResult.textContent = data.message;
        spyResult.classList.toggle("is-error", !data.ok);
      })
      .catch(function () { spyResult.textContent = d.lost; })
      .finally(function () { button.disabled = false; });
  });

  d.amiDown = status.dataset.amiDown;
  d.live = status.dataset.live;
  d.lost = status.dataset.lost;
  d.connecting = status.dataset.connecting;
  setStatus("connecting");
  window.setInterval(tick, 1000);
  connect();
})();
