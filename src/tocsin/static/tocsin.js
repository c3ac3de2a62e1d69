/* tocsin: ticks the response clocks and the "… ago" times every second, corrected for the
   difference between this browser's clock and the server's; shows <time data-local> values in
   the browser's time zone when the plan names none for the viewer (the UTC value stays in the
   title, on hover). Words come from the page (body data-i18n, in its language). No dependency,
   no eval. */
(function () {
  "use strict";
  var skew = 0;
  var AT_RISK = 0.2;
  var WORDS = { ok: "On time", at_risk: "At risk", breached: "Breached", left: "%s left",
    overdue: "overdue %s", ago: "%s ago", days: "%d d %h h", zone: "times in %s (UTC on hover)" };

  function pad(n) { return n < 10 ? "0" + n : String(n); }

  function words(key, value) { return WORDS[key].replace("%s", value); }

  /* as the plan writes durations (and as formats.duration does): 45 s, 15 min, 1 h 05 min, 48 h */
  function duration(seconds) {
    var s = Math.floor(Math.abs(seconds));
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    if (h >= 168) { return WORDS.days.replace("%d", Math.floor(h / 24)).replace("%h", pad(h % 24)); }
    if (h) { return m ? h + " h " + pad(m) + " min" : h + " h"; }
    if (m) { return r && m < 10 ? m + " min " + pad(r) + " s" : m + " min"; }
    return r + " s";
  }

  function countdown(seconds) {
    var s = Math.floor(Math.abs(seconds));
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    return h ? h + ":" + pad(m) + ":" + pad(r) : pad(m) + ":" + pad(r);
  }

  function localText(date, withSeconds) {
    var parts = {};
    new Intl.DateTimeFormat("en-GB", {
      year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit",
      second: "2-digit", hourCycle: "h23", timeZoneName: "short"
    }).formatToParts(date).forEach(function (p) { parts[p.type] = p.value; });
    var time = parts.hour + ":" + parts.minute + (withSeconds ? ":" + parts.second : "");
    var day = withSeconds ? "" : parts.year + "-" + parts.month + "-" + parts.day + " ";
    return day + time + " " + (parts.timeZoneName || "");
  }

  function toLocal(root) {
    if (document.body.dataset.tz || typeof Intl === "undefined") { return; }
    (root || document).querySelectorAll("time[data-local]:not([data-shown])").forEach(function (el) {
      var at = new Date(el.getAttribute("datetime"));
      if (isNaN(at.getTime())) { return; }
      el.textContent = localText(at, el.dataset.local === "time").trim();
      el.dataset.shown = "local";
    });
  }

  function now() { return Date.now() + skew; }

  function tickClock(el) {
    var left = (Date.parse(el.dataset.deadline) - now()) / 1000;
    var total = Number(el.dataset.responseSeconds) || 0;
    var state = left <= 0 ? "breached" : (left < total * AT_RISK ? "at_risk" : "ok");
    var text = el.querySelector(".clock-text");
    var label = el.querySelector(".clock-state");
    if (text) { text.textContent = left > 0 ? words("left", countdown(left)) : words("overdue", countdown(-left)); }
    if (el.dataset.state !== state) {
      el.dataset.state = state;
      if (label) { label.textContent = WORDS[state]; }
    }
  }

  function tickSince(el) {
    el.textContent = words("ago", duration((now() - Date.parse(el.dataset.since)) / 1000));
  }

  function tick() {
    document.querySelectorAll("[data-deadline]").forEach(tickClock);
    document.querySelectorAll("[data-since]").forEach(tickSince);
  }

  function start() {
    var serverNow = Date.parse(document.body.dataset.serverNow || "");
    if (!isNaN(serverNow)) { skew = serverNow - Date.now(); }
    try { Object.assign(WORDS, JSON.parse(document.body.dataset.i18n || "{}")); } catch (e) { /* keep English */ }
    var note = document.querySelector("[data-tz-note]");
    if (note && !document.body.dataset.tz && typeof Intl !== "undefined") {
      note.textContent = words("zone", Intl.DateTimeFormat().resolvedOptions().timeZone);
    }
    toLocal(document);
    tick();
    window.setInterval(tick, 1000);
    document.body.addEventListener("htmx:afterSwap", function (event) { toLocal(event.target); tick(); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
