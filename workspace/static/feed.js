/* 实时动态: one EventSource per service (the workspace relays each service's SSE feed as the logged-in person);
   each event is shown with its Chinese title and org name, newest first. */
(function () {
  "use strict";
  var list = document.getElementById("feed");
  var state = document.getElementById("feed-state");
  var empty = document.getElementById("feed-empty");
  if (!list) return;
  var streams = JSON.parse(list.getAttribute("data-streams") || "[]");
  var open = 0;
  function when(iso) {
    var d = new Date(iso);
    if (isNaN(d)) return iso || "";
    var p = function (n) { return (n < 10 ? "0" : "") + n; };
    return d.getFullYear() + "-" + p(d.getMonth() + 1) + "-" + p(d.getDate()) + " " + p(d.getHours()) + ":" + p(d.getMinutes()) + ":" + p(d.getSeconds());
  }
  function show(event) {
    var item = document.createElement("li");
    item.className = "event";
    item.setAttribute("data-type", event.type || "");
    var time = document.createElement("span");
    time.className = "when muted";
    time.textContent = when(event.time);
    var title = document.createElement("strong");
    title.textContent = event.title_zh || event.type;
    var org = document.createElement("div");
    org.className = "muted";
    org.textContent = (event.org_name || event.orgid || "") + (event.org_name && event.org_name !== event.orgid ? "（" + event.orgid + "）" : "");
    item.appendChild(time);
    item.appendChild(title);
    item.appendChild(org);
    list.insertBefore(item, list.firstChild);
    if (empty) empty.hidden = true;
  }
  streams.forEach(function (url) {
    var source = new EventSource(url);
    source.onopen = function () {
      open += 1;
      state.textContent = "已连接，正在实时接收（" + open + "/" + streams.length + " 项业务）。";
    };
    source.onerror = function () {
      state.textContent = "连接中断，正在自动重连；若一直无法连接，请刷新页面或重新登录。";
    };
    source.onmessage = function (e) { show(JSON.parse(e.data)); };  // the relay sends every event unnamed
  });
})();
