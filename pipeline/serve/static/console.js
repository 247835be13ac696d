// Дозор console: the register refreshes itself (no reload). Rows are built with textContent only.
(function () {
  "use strict";
  var table = document.getElementById("register");
  if (!table || !table.dataset.refresh) return;
  var every = Math.max(5, parseInt(table.dataset.refresh, 10) || 15) * 1000;
  var body = table.tBodies[0];

  function cell(row, text, cls) {
    var td = row.insertCell();
    td.textContent = text;
    if (cls) td.className = cls;
    return td;
  }

  function render(data) {
    var rows = data.risks;
    while (body.rows.length) body.deleteRow(0);
    if (!rows.length) {
      var empty = body.insertRow();
      empty.className = "empty";
      var td = cell(empty, "Открытых рисков нет.");
      td.colSpan = 8;
    }
    rows.forEach(function (r) {
      var tr = body.insertRow();
      tr.className = r.sla.css;
      var level = document.createElement("span");
      level.className = "level " + r.level_css;
      level.textContent = r.level;
      tr.insertCell().appendChild(level);
      var link = document.createElement("a");
      link.href = "/risk/" + encodeURIComponent(r.alert_id);
      link.textContent = r.alert_id;
      tr.insertCell().appendChild(link);
      cell(tr, r.topic_name);
      cell(tr, r.settlement);
      cell(tr, String(r.n_posts));
      cell(tr, r.first_at);
      cell(tr, r.sla.text, "sla");
      cell(tr, r.state_name + (r.taken_by ? " (" + r.taken_by + ")" : ""));
    });
    document.getElementById("count").textContent = String(data.total);
    document.getElementById("shown").textContent = String(rows.length);
    document.getElementById("total").textContent = String(data.total);
    document.getElementById("more").hidden = data.total <= rows.length;
    document.getElementById("updated").textContent = data.at;
  }

  function refresh() {
    fetch("/api/risks" + window.location.search, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (resp) { if (!resp.ok) throw new Error(resp.status); return resp.json(); })
      .then(render)
      .catch(function () { document.getElementById("updated").textContent = "нет связи с сервером"; })
      .then(function () { window.setTimeout(refresh, every); });
  }
  window.setTimeout(refresh, every);
})();
