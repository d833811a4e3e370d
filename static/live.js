// ShopCS live pages: every POLL ms, while the tab is shown, ask /cases/live what buyer messages came in (the top
// bar's waiting count, the queue's unread dots and "N new" notice) and, on a case page, /cases/<id>/events for the
// new timeline lines. Short polls: any worker answers from the database. Errors back off up to MAX_DELAY.
(function () {
  "use strict";
  var waiting = document.querySelector("[data-live-url]");
  if (!waiting || !window.fetch) { return; }
  var POLL = 1000, MAX_DELAY = 60000;
  var count = waiting.querySelector("[data-live-waiting]");
  var queue = document.querySelector("[data-live-queue]");
  var timeline = document.querySelector("[data-live-events]");
  var cursor = queue ? queue.dataset.cursor : "";
  var shown = {}, offPage = {};  // case id -> newest message id handled; ids of changed cases not on this page
  var delay = POLL, timer = null, running = false;

  function get(url) {
    return fetch(url, { credentials: "same-origin", cache: "no-store", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response;
      });
  }

  function showWaiting(number) {
    count.textContent = String(number);
    count.classList.toggle("badge-warn", number > 0);
    count.classList.toggle("badge-muted", number === 0);
    waiting.hidden = false;
  }

  function markRow(change) {
    var row = document.querySelector("tr[data-case-id='" + change.case_id + "']");
    if (!row) {
      if (change.unread) { offPage[change.case_id] = true; }
      return;
    }
    var cell = row.querySelector("td"), dot = row.querySelector(".unread-dot");
    if (change.unread && !dot && cell) {
      dot = document.createElement("span");
      dot.className = "unread-dot";
      dot.dataset.test = "case-unread";
      dot.title = queue.dataset.unreadLabel;
      cell.appendChild(dot);
    } else if (!change.unread && dot) {
      dot.remove();
    }
  }

  function showNotice() {
    var number = Object.keys(offPage).length;
    if (!number) { return; }
    var text = queue.querySelector("[data-live-new]");
    text.textContent = number === 1 ? text.dataset.liveNewOne : text.dataset.liveNew.replace("{n}", number);
    queue.querySelector("[data-live-refresh]").href = window.location.href;
    queue.hidden = false;
  }

  function onLive(data) {
    cursor = String(data.cursor);
    showWaiting(data.waiting);
    if (!queue) { return; }
    data.changed.forEach(function (change) {
      if ((shown[change.case_id] || 0) >= change.last_message_id) { return; }
      shown[change.case_id] = change.last_message_id;
      markRow(change);
    });
    showNotice();
  }

  function lastEventId() {
    var items = timeline.querySelectorAll("li[data-event-id]");
    return items.length ? Number(items[items.length - 1].dataset.eventId) : 0;
  }

  function onEvents(html) {
    var after = lastEventId(), holder = document.createElement("template");
    holder.innerHTML = html;  // our own escaped markup (cases/_event.html); scripts in it would not run
    Array.prototype.forEach.call(holder.content.querySelectorAll("li[data-event-id]"), function (item) {
      if (Number(item.dataset.eventId) > after) {
        item.classList.add("event-new");
        timeline.appendChild(item);
      }
    });
  }

  function poll() {
    timer = null;
    if (document.visibilityState === "hidden" || running) { return; }
    running = true;
    var asks = [get(waiting.dataset.liveUrl + (cursor ? "?since=" + encodeURIComponent(cursor) : ""))
      .then(function (response) { return response.json(); }).then(onLive)];
    if (timeline) {
      asks.push(get(timeline.dataset.liveEvents + "?after=" + lastEventId()).then(function (response) {
        return response.status === 204 ? "" : response.text();
      }).then(function (html) { if (html) { onEvents(html); } }));
    }
    Promise.all(asks).then(function () { delay = POLL; }, function () { delay = Math.min(delay * 2, MAX_DELAY); })
      .then(function () { running = false; schedule(); });
  }

  function schedule() {
    if (timer === null && document.visibilityState !== "hidden") { timer = setTimeout(poll, delay); }
  }

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") {
      if (timer !== null) { clearTimeout(timer); timer = null; }
    } else if (timer === null && !running) {
      poll();  // back on the tab: catch up at once
    }
  });
  poll();
}());
