// The agent desk. One EventSource on /live/stream (the server sends an agent only their own
// calls and state): the agent's state badge follows "agent" events; a call ringing or
// talking on this extension fetches its screen pop (HTML from /desk/<ext>/pop/<linkedid>)
// without a reload. The last pop stays after the call ends (for the ticket), until the next
// call. Forms marked data-async post with fetch and show the answer in place.
(function () {
  "use strict";

  var desk = document.getElementById("desk");
  if (!desk) return;
  var d = desk.dataset;
  var ext = d.extension;
  var status = document.getElementById("live-status");
  var statusText = status.querySelector(".refresh-text");
  var badge = document.getElementById("state-badge");
  var reasonEl = document.getElementById("state-reason");
  var sinceEl = document.getElementById("state-since");
  var popBox = document.getElementById("screen-pop");
  var phaseBadge = document.getElementById("call-phase");
  var announcer = document.getElementById("call-announcer");

  var skew = 0;
  var calls = {};        // linkedid -> payload, this extension's live calls
  var shown = null;      // {linkedid, phase} of the pop on screen
  var popTimer = null;
  var gone = {};         // linkedid -> true: calls that left this extension
  var popNote = null;    // {linkedid, text, error}: the last answer shown in the pop
  var source = null;
  var reasons = JSON.parse(d.reasons || "{}");  // reason -> its label in this language

  function now() { return Date.now() / 1000 + skew; }

  function duration(seconds) {
    if (seconds === null || seconds === undefined || isNaN(seconds)) return "—";
    var total = Math.max(0, Math.round(seconds));
    var h = Math.floor(total / 3600), m = Math.floor((total % 3600) / 60), s = total % 60;
    var ss = (s < 10 ? "0" : "") + s;
    if (h) return h + ":" + (m < 10 ? "0" : "") + m + ":" + ss;
    return m + ":" + ss;
  }

  function stateLabel(state) {
    var key = "state" + state.split("_").map(function (p) {
      return p.charAt(0).toUpperCase() + p.slice(1);
    }).join("");
    return d[key] || state;
  }

  function setStatus(kind) {
    status.classList.toggle("is-stale", kind !== "live");
    statusText.textContent = status.dataset[kind] || kind;
  }

  // ---- my state ----

  var lastState = d.state;

  // A call that left this extension is over for this desk, though its events may go on:
  // transferred away, it still names this agent (who answered it); rung elsewhere after no
  // answer, the stream stops sending it. The agent's own state going from ringing / on a
  // call to anything else says so.
  function callLeft(agent, state) {
    var wasOnCall = lastState === "ringing" || lastState === "on_call";
    var onCall = state === "ringing" || state === "on_call";
    lastState = state;
    if (!wasOnCall || onCall) return;
    Object.keys(calls).forEach(function (linkedid) {
      delete calls[linkedid];
      gone[linkedid] = true;  // its later changes (still naming this agent) stay away
    });
    refreshCall();
  }

  function showState(agent) {
    var state = agent.ended ? "logged_out" : (agent.state || "logged_out");
    callLeft(agent, state);
    badge.className = "badge badge-agent-" + state;
    badge.textContent = stateLabel(state);
    reasonEl.textContent = state === "paused" && agent.reason ? (reasons[agent.reason] || agent.reason) : "";
    desk.dataset.state = state;
    desk.dataset.reason = agent.reason || "";
    if (agent.since) sinceEl.dataset.since = agent.since; else delete sinceEl.dataset.since;
    tick();
  }

  function tick() {
    var since = Number(sinceEl.dataset.since);
    sinceEl.textContent = sinceEl.dataset.since ? duration(now() - since) : "—";
  }

  // ---- the screen pop ----

  function mine(call) {
    return call.agent === ext && !call.ended && (call.phase === "ringing" || call.phase === "talking");
  }

  function current() {
    var list = Object.keys(calls).map(function (k) { return calls[k]; });
    list.sort(function (a, b) { return (b.started || 0) - (a.started || 0); });
    return list[0] || null;
  }

  function showPhase(phase) {
    phaseBadge.hidden = !phase;
    phaseBadge.className = "badge badge-phase badge-" + (phase === "ended" ? "agent-logged_out" : phase);
    var key = "phase" + (phase || "").charAt(0).toUpperCase() + (phase || "").slice(1);
    phaseBadge.textContent = d[key] || phase || "";
    desk.dataset.callPhase = phase || "";
  }

  function fieldKey(el) {
    return (el.form ? el.form.getAttribute("action") : "") + "|" + (el.id || el.name);
  }

  function typedFields(box) {
    var typed = {};
    box.querySelectorAll("input:not([type=hidden]), textarea, select").forEach(function (el) {
      var changed = el.tagName === "SELECT"
        ? Array.prototype.some.call(el.options, function (o) { return o.selected !== o.defaultSelected; })
        : el.value !== el.defaultValue;
      if (changed) typed[fieldKey(el)] = el.value;
    });
    var focused = document.activeElement;
    if (focused && box.contains(focused)) typed["\u0000focus"] = fieldKey(focused);
    return typed;
  }

  function restoreFields(box, typed) {
    box.querySelectorAll("input:not([type=hidden]), textarea, select").forEach(function (el) {
      var key = fieldKey(el);
      if (Object.prototype.hasOwnProperty.call(typed, key)) el.value = typed[key];
      if (typed["\u0000focus"] === key) el.focus();
    });
  }

  function loadPop(linkedid, attempt, message) {
    clearTimeout(popTimer);
    var url = d.popUrl.replace("LINKEDID", encodeURIComponent(linkedid));
    fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) {
        // Not written to the log yet (the store writes in batches; a busy machine is slower):
        // keep asking, quickly at first, for up to about half a minute.
        if (response.status === 404 && attempt < 45) {
          var wait = attempt < 20 ? 300 : 1000;
          popTimer = setTimeout(function () { loadPop(linkedid, attempt + 1, message); }, wait);
          return null;
        }
        return response.ok ? response.text() : null;
      })
      .then(function (html) {
        if (html === null || !shown || shown.linkedid !== linkedid) return;
        // Server-rendered with autoescaping, from our own origin. What the agent has typed
        // or chosen (a note, a transfer target) survives the redraw, unless a form was just
        // sent (message).
        var typed = message ? {} : typedFields(popBox);
        popBox.innerHTML = html;
        restoreFields(popBox, typed);
        if (message) popNote = { linkedid: linkedid, text: message, error: false };
        var result = popBox.querySelector("#pop-result");
        if (result && popNote && popNote.linkedid === linkedid) {
          result.textContent = popNote.text;  // the last answer survives a redraw
          result.classList.toggle("is-error", popNote.error);
        }
        desk.dispatchEvent(new CustomEvent("desk:pop", { detail: { linkedid: linkedid } }));
      })
      .catch(function () {
        popTimer = setTimeout(function () { loadPop(linkedid, attempt + 1, message); }, 1000);
      });
  }

  // My open tickets and my calls today, drawn again by the server (a ticket saved, a call
  // ended).
  function loadLists() {
    fetch(d.listsUrl, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html !== null) document.getElementById("desk-lists").innerHTML = html;
      })
      .catch(function () { /* the next change tries again */ });
  }

  function refreshCall() {
    var call = current();
    if (!call) {
      if (shown && shown.phase !== "ended") {
        shown.phase = "ended";
        showPhase("ended");
        setTimeout(loadLists, 1500);  // once the call log has the ended call
      }
      return;
    }
    var isNew = !shown || shown.linkedid !== call.linkedid;
    if (isNew || shown.phase !== call.phase) {
      shown = { linkedid: call.linkedid, phase: call.phase };
      showPhase(call.phase);
      if (isNew) {
        announcer.textContent = d.incoming.replace("{who}", call.caller_name || call.caller_number || "");
        popBox.dataset.linkedid = call.linkedid;
      }
      loadPop(call.linkedid, 0);
    }
  }

  function applyCall(call) {
    if (gone[call.linkedid]) return;
    if (mine(call)) calls[call.linkedid] = call;
    else delete calls[call.linkedid];
    refreshCall();
  }

  // ---- the stream ----

  function connect() {
    source = new EventSource(d.streamUrl);
    source.addEventListener("open", function () { setStatus("live"); });
    source.addEventListener("error", function () { setStatus("lost"); });
    source.addEventListener("snapshot", function (e) {
      var snap = JSON.parse(e.data);
      skew = snap.now - Date.now() / 1000;
      calls = {};
      (snap.calls || []).forEach(function (c) {
        if (mine(c) && !gone[c.linkedid]) calls[c.linkedid] = c;
      });
      (snap.agents || []).forEach(function (a) { if (a.extension === ext) showState(a); });
      setStatus(snap.ami_connected === false ? "amiDown" : "live");
      refreshCall();
    });
    source.addEventListener("call", function (e) { applyCall(JSON.parse(e.data)); });
    source.addEventListener("agent", function (e) {
      var agent = JSON.parse(e.data);
      if ((agent.extension || agent.key) === ext) showState(agent);
    });
    source.addEventListener("ami", function (e) {
      setStatus(JSON.parse(e.data).connected ? "live" : "amiDown");
    });
  }

  // ---- forms ----

  function resultFor(form) {
    var box = form.closest(".pop") || form.closest(".card");
    return box ? box.querySelector(".desk-result") : null;
  }

  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!form.hasAttribute || !form.hasAttribute("data-async")) return;
    e.preventDefault();
    var data = new FormData(form);
    if (e.submitter && e.submitter.name) data.set(e.submitter.name, e.submitter.value);
    var inPop = !!form.closest(".pop");
    var out = resultFor(form);
    var buttons = form.querySelectorAll("button");
    buttons.forEach(function (b) { b.disabled = true; });
    // getAttribute: the state forms have a field named "action", which hides form.action.
    fetch(form.getAttribute("action"), {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "X-Requested-With": "fetch", "Accept": "application/json" }
    })
      .then(function (response) {
        return response.json().catch(function () { return { ok: false, message: d.failed }; });
      })
      .then(function (answer) {
        // The pop may have been drawn again meanwhile (the call changed): its box now.
        if (inPop) out = document.getElementById("pop-result");
        if (inPop && shown) {
          popNote = { linkedid: shown.linkedid, text: answer.message || "", error: !answer.ok };
        }
        if (out) {
          out.textContent = answer.message || "";
          out.classList.toggle("is-error", !answer.ok);
        }
        if (answer.ok && form.hasAttribute("data-refresh-pop") && shown) {
          form.reset();
          loadPop(shown.linkedid, 0, answer.message);
          loadLists();
        }
      })
      .catch(function () { if (out) { out.textContent = d.failed; out.classList.add("is-error"); } })
      .then(function () { buttons.forEach(function (b) { b.disabled = false; }); });
  });

  setInterval(tick, 1000);
  tick();
  connect();
})();
