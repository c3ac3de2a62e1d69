/* tocsin: ticks the response clocks and the "… ago" times every second, corrected for the
   difference between this browser's clock and the server's. No dependency, no eval. */
(function () {
  "use strict";
  var skew = 0;
  var AT_RISK = 0.2;
  var LABELS = { ok: "On time", at_risk: "At risk", breached: "Breached" };

  function pad(n) { return n < 10 ? "0" + n : String(n); }

  function duration(seconds) {
    var s = Math.floor(Math.abs(seconds));
    var d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    if (d) { return d + "d " + pad(h) + "h"; }
    if (h) { return h + "h " + pad(m) + "m"; }
    if (m) { return m < 10 ? m + "m " + pad(r) + "s" : m + "m"; }
    return r + "s";
  }

  function countdown(seconds) {
    var s = Math.floor(Math.abs(seconds));
    var d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    var text = (h || d) ? h + ":" + pad(m) + ":" + pad(r) : pad(m) + ":" + pad(r);
    return d ? d + "d " + text : text;
  }

  function now() { return Date.now() + skew; }

  function tickClock(el) {
    var left = (Date.parse(el.dataset.deadline) - now()) / 1000;
    var total = Number(el.dataset.responseSeconds) || 0;
    var state = left <= 0 ? "breached" : (left < total * AT_RISK ? "at_risk" : "ok");
    var text = el.querySelector(".clock-text");
    var label = el.querySelector(".clock-state");
    if (text) { text.textContent = left > 0 ? countdown(left) + " left" : "overdue " + countdown(-left); }
    if (el.dataset.state !== state) {
      el.dataset.state = state;
      if (label) { label.textContent = LABELS[state]; }
    }
  }

  function tickSince(el) {
    el.textContent = duration((now() - Date.parse(el.dataset.since)) / 1000) + " ago";
  }

  function tick() {
    document.querySelectorAll("[data-deadline]").forEach(tickClock);
    document.querySelectorAll("[data-since]").forEach(tickSince);
  }

  function start() {
    var serverNow = Date.parse(document.body.dataset.serverNow || "");
    if (!isNaN(serverNow)) { skew = serverNow - Date.now(); }
    tick();
    window.setInterval(tick, 1000);
    document.body.addEventListener("htmx:afterSwap", tick);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
