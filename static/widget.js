// ShopCS storefront chat. On the shop's own site: <script src="https://<shopcs>/widget.js" async></script>
// (data-lang="zh" or "en" to choose the language; else the page's or the browser's). No framework, no globals: one
// closed shadow root holds its markup and styles, so the host page's CSS cannot reach in and ours cannot leak out.
// Buyer and shop texts are put in with textContent, never as HTML.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !window.fetch || !document.documentElement.attachShadow) { return; }
  if (document.body) { start(); } else { document.addEventListener("DOMContentLoaded", start); }  // async in <head>

  function start() {
    var base = new URL(script.src).origin;
    var api = base + "/widget/v1";
    var wanted = script.getAttribute("data-lang") || document.documentElement.lang || navigator.language || "zh";
    var zh = wanted.toLowerCase().indexOf("zh") === 0;
    var T = zh ? {
      open: "在线客服", title: "联系客服", close: "关闭", placeholder: "请输入您的问题…", send: "发送",
      failed: "未能发送，请稍后再试。", you: "我", shop: "客服", closed: "客服暂不在线，我们已收到您的消息，将于 {at} 回复。",
      who: "留下订单号，方便我们查询", order: "订单号", last4: "收货手机后四位", link: "确认",
      linked: "已关联订单，客服可以直接查看。", notLinked: "订单号和手机后四位不匹配。", hello: "您好！有什么可以帮您？",
      where: "查询订单", check: "查询", head: "订单 {no}：{status}", parcel: "，{carrier} {tracking}（{date} 发出）",
      promised: "，预计 {date} 前发货", waiting: "，尚未发货", status: { unpaid: "待付款", paid: "已付款", shipped: "已发货",
        completed: "已完成", cancelled: "已取消", closed: "已关闭" }
    } : {
      open: "Chat with us", title: "Customer service", close: "Close", placeholder: "Type your question…", send: "Send",
      failed: "Could not send. Please try again shortly.", you: "You", shop: "Shop", closed:
      "We are away right now. Your message is received and we will answer from {at}.",
      who: "Add your order number so we can look it up", order: "Order number", last4: "Last 4 digits of the phone",
      link: "Confirm", linked: "Order linked: the team can see it.", notLinked: "The order number and digits do not match.",
      hello: "Hello! How can we help?", where: "Where is my order?", check: "Check", head: "Order {no}: {status}",
      parcel: " with {carrier}, tracking {tracking}, shipped {date};", promised: ", promised to ship by {date}",
      waiting: ", not shipped yet", status: { unpaid: "awaiting payment", paid: "paid", shipped: "shipped",
        completed: "completed", cancelled: "cancelled", closed: "closed" }
    };
    var key = "shopcs-widget:" + base;
    var state = { token: null, after: 0, timer: null, open: false, seen: {}, draft: null, awayShown: false, activeAt: 0 };
    // How often to ask for replies: every 2 s while the talk is going on (the buyer wrote, an answer came or the panel
    // opened in the last 2 minutes), every 10 s while the panel sits open and quiet, 30 s closed (the unread dot), a
    // minute in a hidden tab, and at once when the tab shows again. 500 open conversations then cost the shop's server
    // tens of polls a second, not 250 (bench/README.md, Conversations).
    var LIVELY_MS = 120000;
    function pollDelay() {
      if (document.hidden) { return 60000; }
      if (!state.open) { return 30000; }
      return Date.now() - state.activeAt < LIVELY_MS ? 2000 : 10000;
    }
    try { state.token = window.localStorage.getItem(key); } catch (e) { state.token = null; }

    // its own element name and inline `all: initial`: the host page's `div {…}` or `* {… !important}` cannot style it
    var host = document.createElement("shopcs-chat");
    host.setAttribute("data-shopcs-widget", "");
    host.setAttribute("style", "all:initial!important");
    var root = host.attachShadow({ mode: "closed" });
    root.innerHTML =
      "<style>" +
      ":host{all:initial}*{box-sizing:border-box;font:14px/1.45 system-ui,-apple-system,'PingFang SC','Noto Sans CJK SC'," +
      "'Microsoft YaHei',sans-serif}" +
      ".launch{position:fixed;right:20px;bottom:20px;z-index:2147483000;border:0;border-radius:24px;padding:12px 18px;" +
      "background:#1f6feb;color:#fff;cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.2)}" +
      ".launch .dot{display:none;width:9px;height:9px;border-radius:50%;background:#f85149;margin-left:6px}" +
      ".launch.unread .dot{display:inline-block}" +
      ".panel{position:fixed;right:20px;bottom:20px;z-index:2147483001;width:360px;max-width:calc(100vw - 24px);" +
      "height:520px;max-height:calc(100vh - 40px);display:flex;flex-direction:column;background:#fff;color:#1f2328;" +
      "border-radius:12px;box-shadow:0 8px 30px rgba(0,0,0,.25);overflow:hidden}" +
      ".panel[hidden]{display:none}" +
      "header{display:flex;justify-content:space-between;align-items:center;padding:12px 14px;background:#1f6feb;color:#fff}" +
      "header button{background:none;border:0;color:#fff;font-size:20px;cursor:pointer;line-height:1}" +
      ".log{flex:1;overflow-y:auto;padding:12px;background:#f6f8fa}" +
      ".msg{width:fit-content;max-width:80%;margin:6px 0;padding:8px 10px;border-radius:10px;white-space:pre-wrap;overflow-wrap:anywhere}" +
      ".msg.customer{margin-left:auto;background:#1f6feb;color:#fff}.msg.agent,.msg.note{background:#fff;border:1px solid #d0d7de}" +
      ".msg.note{max-width:100%;color:#57606a;font-size:13px}" +
      "form{display:flex;gap:6px;padding:10px;border-top:1px solid #d0d7de;background:#fff}" +
      "textarea,input{flex:1;min-width:0;border:1px solid #d0d7de;border-radius:8px;padding:8px;resize:none;color:#1f2328;background:#fff}" +
      "button.primary{border:0;border-radius:8px;padding:8px 12px;background:#1f6feb;color:#fff;cursor:pointer}" +
      ".who,.where{padding:8px 10px;border-top:1px solid #d0d7de;background:#fff}" +
      "summary{cursor:pointer;color:#57606a;font-size:13px}details form{border:0;padding:8px 0 0}" +
      "</style>" +
      "<button class='launch' type='button'><span class='label'></span><span class='dot'></span></button>" +
      "<section class='panel' role='dialog' hidden><header><strong class='title'></strong>" +
      "<button type='button' class='close'>×</button></header><div class='log' aria-live='polite'></div>" +
      "<details class='who'><summary></summary><form class='identify'><input name='order' maxlength='64'>" +
      "<input name='last4' inputmode='numeric' maxlength='4' pattern='[0-9]{4}'><button class='primary link' type='submit'>" +
      "</button></form></details>" +
      "<details class='where'><summary></summary><form class='status'><input name='order_no' maxlength='64'>" +
      "<input name='phone_last4' inputmode='numeric' maxlength='4' pattern='[0-9]{4}'><button class='primary check' " +
      "type='submit'></button></form></details>" +
      "<form class='compose'><textarea rows='2' maxlength='5000'></textarea><button class='primary send' type='submit'>" +
      "</button></form></section>";

    function $(selector) { return root.querySelector(selector); }
    $(".launch .label").textContent = T.open;
    $(".title").textContent = T.title;
    $(".close").setAttribute("aria-label", T.close);
    $(".who summary").textContent = T.who;
    $("input[name=order]").placeholder = T.order;
    $("input[name=last4]").placeholder = T.last4;
    $(".link").textContent = T.link;
    $(".where summary").textContent = T.where;
    $("input[name=order_no]").placeholder = T.order;
    $("input[name=phone_last4]").placeholder = T.last4;
    $(".check").textContent = T.check;
    $("textarea").placeholder = T.placeholder;
    $(".send").textContent = T.send;

    function call(method, path, body) {
      var headers = { "Accept-Language": zh ? "zh-CN" : "en" };
      if (body) { headers["Content-Type"] = "application/json"; }
      if (state.token) { headers.Authorization = "Bearer " + state.token; }
      return fetch(api + path, { method: method, headers: headers, body: body ? JSON.stringify(body) : undefined,
        credentials: "omit", mode: "cors" }).then(function (response) {
        if (response.status === 401 && state.token) { forget(); }
        return response.json().catch(function () { return {}; }).then(function (data) {
          if (!response.ok) { throw data; }
          return data;
        });
      });
    }

    function forget() {
      state.token = null; state.after = 0; state.seen = {};
      try { window.localStorage.removeItem(key); } catch (e) { /* private mode: nothing kept */ }
    }

    function ensureConversation() {
      if (state.token) { return Promise.resolve(); }
      return call("POST", "/conversations", { lang: zh ? "zh" : "en" }).then(function (data) {  // hours: said after a message
        state.token = data.conversation_token;
        try { window.localStorage.setItem(key, state.token); } catch (e) { /* kept for this page only */ }
      });
    }

    function line(kind, text) {
      var item = document.createElement("div");
      item.className = "msg " + kind;
      item.textContent = text;
      var log = $(".log");
      log.appendChild(item);
      log.scrollTop = log.scrollHeight;
    }

    function hours(data) {
      if (data && data.open_now === false && data.back_at && !state.awayShown) {
        state.awayShown = true;
        var at = new Date(data.back_at);
        line("note", T.closed.replace("{at}", at.toLocaleString(zh ? "zh-CN" : "en", {
          weekday: "short", hour: "2-digit", minute: "2-digit" })));
      }
    }

    function poll() {
      if (!state.token) { return Promise.resolve(); }
      return call("GET", "/messages?after=" + state.after).then(function (data) {
        var fresh = false;
        (data.messages || []).forEach(function (message) {
          state.after = Math.max(state.after, message.id);
          if (state.seen[message.id]) { return; }
          state.seen[message.id] = true;
          line(message.from === "customer" ? "customer" : "agent", message.body);
          fresh = fresh || message.from !== "customer";
        });
        if (fresh) { state.activeAt = Date.now(); }
        if (fresh && !state.open) { $(".launch").classList.add("unread"); }
      }).catch(function () { /* offline for a moment: the next poll tries again */ });
    }

    function schedule() {
      clearTimeout(state.timer);
      state.timer = setTimeout(function () { poll().then(schedule); }, pollDelay());
    }
    document.addEventListener("visibilitychange", function () {
      if (!document.hidden && state.token) { poll().then(schedule); }
    });

    $(".launch").addEventListener("click", function () {
      state.open = true;
      state.activeAt = Date.now();
      $(".panel").hidden = false;
      $(".launch").hidden = true;
      $(".launch").classList.remove("unread");
      if (!$(".log").childNodes.length) { line("agent", T.hello); }
      poll().then(schedule);
      $("textarea").focus();
    });
    $(".close").addEventListener("click", function () {
      state.open = false;
      $(".panel").hidden = true;
      $(".launch").hidden = false;
      schedule();
    });

    $(".compose").addEventListener("submit", function (event) {
      event.preventDefault();
      var box = $("textarea");
      var text = box.value.trim();
      if (!text) { return; }
      box.disabled = true;
      // the same text sent again after a failure keeps its id: if the first try did arrive, it counts once
      if (!state.draft || state.draft.text !== text) {
        state.draft = { text: text, id: Date.now().toString(36) + Math.random().toString(36).slice(2, 10) };
      }
      var send = function () { return call("POST", "/messages", { body: text, client_id: state.draft.id }); };
      ensureConversation().then(send).catch(function (problem) {
        if (state.token) { throw problem; }
        return ensureConversation().then(send);  // the token was refused (401, forgotten): once more in a new one
      }).then(function (data) {
        state.draft = null;
        box.value = "";
        state.seen[data.id] = true;
        state.after = Math.max(state.after, data.id);
        state.activeAt = Date.now();
        line("customer", text);
        hours(data);
        schedule();  // waiting for an answer: the next poll in 2 s
      }).catch(function (problem) {
        line("note", (problem && problem.error && problem.error.message) || T.failed);
      }).then(function () { box.disabled = false; box.focus(); });
    });
    $("textarea").addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        $(".compose").requestSubmit();
      }
    });

    $(".identify").addEventListener("submit", function (event) {
      event.preventDefault();
      var order = $("input[name=order]").value.trim();
      var last4 = $("input[name=last4]").value.trim();
      if (!order || !/^[0-9]{4}$/.test(last4)) { line("note", T.notLinked); return; }
      ensureConversation().then(function () {
        return call("POST", "/identify", { order_no: order, phone_last4: last4 });
      }).then(function (data) {
        line("note", data.linked ? T.linked : T.notLinked);
        if (data.linked) { $(".who").hidden = true; }
      }).catch(function (problem) {
        line("note", (problem && problem.error && problem.error.message) || T.failed);
      });
    });

    // "Where is my order?": status, promised ship date and parcels, said as one line of the shop's (T.head …)
    function fill(text, values) { return text.replace(/\{(\w+)\}/g, function (all, name) { return values[name]; }); }
    $(".status").addEventListener("submit", function (event) {
      event.preventDefault();
      var order = $("input[name=order_no]").value.trim();
      var last4 = $("input[name=phone_last4]").value.trim();
      if (!order || !/^[0-9]{4}$/.test(last4)) { line("note", T.notLinked); return; }
      ensureConversation().then(function () {
        return call("GET", "/order-status?order_no=" + encodeURIComponent(order) + "&phone_last4=" + last4);
      }).then(function (data) {
        var text = fill(T.head, { no: order, status: T.status[data.status] || data.status });
        (data.shipments || []).forEach(function (p) {
          text += fill(T.parcel, { carrier: p.carrier_name, tracking: p.tracking_no, date: p.shipped_at });
        });
        if (!(data.shipments || []).length && data.status === "paid") {
          text += data.promised_ship_date ? fill(T.promised, { date: data.promised_ship_date }) : T.waiting;
        }
        line("note", text.replace(/;$/, ""));
      }).catch(function (problem) {  // a wrong pair and an unknown order: the same 404, said as "do not match"
        var error = problem && problem.error;
        line("note", (error && (error.code === "not_found" ? T.notLinked : error.message)) || T.failed);
      });
    });

    document.body.appendChild(host);
    if (state.token) { poll().then(schedule); }
  }
}());
