"""The style sheet and script natokg adds to pyvis's page.

The script reads the node data from a JSON block (never from HTML) and builds
every label, tooltip, list entry and panel line with ``textContent`` and DOM
methods, so text from the notices is always shown as text.
"""

from __future__ import annotations

PAGE_STYLE = """
html, body { height: 100%; margin: 0; }
body {
  display: grid; grid-template-columns: minmax(0, 1fr) 380px; grid-template-rows: auto minmax(0, 1fr);
  font: 13px/1.4 "DejaVu Sans", system-ui, sans-serif; color: #1d2733; background: #ffffff;
}
#natokg-header { grid-column: 1 / 3; grid-row: 1; background: #f4f6fa; border-bottom: 1px solid #d5dae3;
  padding: 6px 12px; }
#natokg-header .bar { display: flex; flex-wrap: wrap; align-items: center; gap: 10px 18px; }
#natokg-header h1 { font-size: 18px; margin: 0; font-weight: 600; }
#natokg-header .legend { display: flex; flex-wrap: wrap; align-items: center; gap: 4px 14px; margin-top: 6px; }
#natokg-header .legend-title { font-weight: 600; color: #5b6573; }
#natokg-header .glyph { font-size: 16px; margin-right: 3px; }
#natokg-header .kind svg { vertical-align: middle; margin-right: 4px; }
#natokg-header label { cursor: pointer; white-space: nowrap; }
#natokg-header fieldset { border: 0; margin: 0; padding: 0; display: flex; gap: 8px; align-items: center; }
#natokg-header fieldset legend { float: left; font-weight: 600; color: #5b6573; margin-right: 4px; padding: 0; }
#natokg-count { color: #5b6573; }
.natokg-search { position: relative; }
#natokg-search { width: 320px; padding: 4px 8px; font: inherit; border: 1px solid #aab3c2; border-radius: 4px; }
#natokg-results { position: absolute; z-index: 20; left: 0; top: 100%; width: 420px; margin: 2px 0 0; padding: 0;
  list-style: none; background: #ffffff; border: 1px solid #aab3c2; border-radius: 4px;
  box-shadow: 0 4px 12px rgba(0, 0, 0, 0.15); max-height: 360px; overflow: auto; }
#natokg-results li { padding: 4px 8px; cursor: pointer; }
#natokg-results li:hover, #natokg-results li.active { background: #e6eefb; }
#natokg-results .meta { color: #5b6573; font-size: 12px; margin-left: 6px; }
body > .card { grid-column: 1; grid-row: 2; min-height: 0; min-width: 0; position: relative; }
#mynetwork { width: 100%; height: 100%; border: 0; float: none; }
#natokg-panel { grid-column: 2; grid-row: 2; overflow: auto; padding: 10px 16px 24px;
  border-left: 1px solid #d5dae3; background: #fbfcfe; }
#natokg-panel h2 { font-size: 17px; margin: 6px 0 4px; overflow-wrap: anywhere; }
#natokg-panel h3 { font-size: 13px; margin: 14px 0 4px; color: #5b6573; text-transform: uppercase;
  letter-spacing: 0.04em; }
#natokg-panel .badge { display: inline-block; color: #ffffff; border-radius: 3px; padding: 0 6px; font-size: 12px; }
#natokg-panel dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 10px; margin: 6px 0; }
#natokg-panel dt { color: #5b6573; }
#natokg-panel dd { margin: 0; overflow-wrap: anywhere; }
#natokg-panel ul { margin: 0; padding-left: 18px; }
#natokg-panel li { margin: 2px 0; overflow-wrap: anywhere; }
#natokg-panel a { color: #1f5fae; text-decoration: none; }
#natokg-panel a:hover { text-decoration: underline; }
#natokg-panel blockquote { margin: 4px 0 8px; padding: 2px 8px; border-left: 3px solid #c6d3e6; }
#natokg-panel .source, #natokg-panel .none, #natokg-panel .hint { color: #5b6573; font-size: 12px; }
div.vis-tooltip { max-width: 420px; white-space: normal; font: 13px/1.4 "DejaVu Sans", system-ui, sans-serif; }
"""

PAGE_SCRIPT = r"""
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("natokg-data").textContent);
  var INFO = DATA.nodes;
  var IDS = Object.keys(INFO).sort();
  var panel = document.getElementById("natokg-panel");
  var searchBox = document.getElementById("natokg-search");
  var results = document.getElementById("natokg-results");
  var divisionSelect = document.getElementById("natokg-division");
  var typeBoxes = Array.prototype.slice.call(document.querySelectorAll("input[data-type]"));
  var state = {layout: DATA.layout, matches: []};
  window.natokgReady = false;

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    if (className) { node.className = className; }
    return node;
  }

  function norm(text) {
    return String(text || "").normalize("NFKD").replace(/[\u0300-\u036f]/g, "")
      .toLowerCase().replace(/\s+/g, " ").trim();
  }

  function byLabel(a, b) {
    var x = norm(INFO[a].label), y = norm(INFO[b].label);
    return x < y ? -1 : x > y ? 1 : (a < b ? -1 : a > b ? 1 : 0);
  }

  function namesOf(info) {
    return [info.label, info.label_fr, info.acronym].concat(info.alt_labels || []).filter(Boolean);
  }

  function typeName(info) { return (DATA.types[info.type] || {}).name || info.type; }

  // ------------------------------------------------------------ edge labels

  network.on("hoverEdge", function (params) {
    var edge = edges.get(params.edge);
    if (edge) { edges.update({id: edge.id, label: DATA.kinds[edge.kind] || edge.kind}); }
  });
  network.on("blurEdge", function (params) { edges.update({id: params.edge, label: " "}); });

  // Dash patterns stretch on long edges, so that no edge is cut into more than a few dozen
  // dashes: drawing is then as fast as with plain lines, whatever the size of the graph.
  function dashesFor(edge, points) {
    var pattern = DATA.dashes[edge.kind], from = points[edge.from], to = points[edge.to];
    var period = pattern.reduce(function (sum, step) { return sum + step; }, 0);
    var length = Math.sqrt(Math.pow(to[0] - from[0], 2) + Math.pow(to[1] - from[1], 2));
    var stretch = Math.max(1, length / (period * DATA.maxDashes));
    return pattern.map(function (step) { return Math.round(step * stretch * 10) / 10; });
  }

  function applyDashes() {
    var points = {};
    IDS.forEach(function (id) { var p = network.getPosition(id); points[id] = [p.x, p.y]; });
    edges.update(edges.get({filter: function (edge) { return edge.kind in DATA.dashes; }}).map(function (edge) {
      return {id: edge.id, dashes: dashesFor(edge, points)};
    }));
  }

  // ------------------------------------------------------------------- panel

  function link(ref) {
    if (!(ref.id in INFO)) { return el("span", ref.label); }
    var anchor = el("a", ref.label);
    anchor.href = "#";
    anchor.addEventListener("click", function (event) { event.preventDefault(); focusNode(ref.id); });
    return anchor;
  }

  function field(name, title, items, render) {
    var box = el("section");
    box.setAttribute("data-field", name);
    box.appendChild(el("h3", title));
    if (!items.length) { box.appendChild(el("p", "none", "none")); return box; }
    var list = el("ul");
    items.forEach(function (item) { var row = el("li"); render(row, item); list.appendChild(row); });
    box.appendChild(list);
    return box;
  }

  function names(info) {
    var list = el("dl");
    list.setAttribute("data-field", "names");
    [["English", info.label], ["Français", info.label_fr], ["Acronym", info.acronym],
     ["Also called", (info.alt_labels || []).join("; ")]].forEach(function (pair) {
      list.appendChild(el("dt", pair[0]));
      list.appendChild(el("dd", pair[1] || "\u2014"));
    });
    list.appendChild(el("dt", "Division"));
    var division = el("dd");
    division.appendChild(info.division ? link(info.division) : el("span", "\u2014"));
    list.appendChild(division);
    return list;
  }

  function addLink(row, ref) { row.appendChild(link(ref)); }

  function addRelation(row, ref) {
    row.appendChild(el("span", ref.relation + " "));
    row.appendChild(link(ref));
  }

  function addNotice(row, notice) {
    row.appendChild(el("code", notice.file));
    if (notice.title) { row.appendChild(el("span", " \u2014 " + notice.title)); }
  }

  function addEvidence(row, evidence) {
    var quote = el("blockquote", evidence.text);
    if (evidence.lang) { quote.setAttribute("lang", evidence.lang); }
    row.appendChild(quote);
    row.appendChild(el("div", evidence.file + (evidence.lang ? " \u00b7 " + evidence.lang : ""), "source"));
  }

  function showPanel(id) {
    var info = INFO[id];
    var badge = el("span", typeName(info), "badge");
    badge.style.background = (DATA.types[info.type] || {}).colour || "#888888";
    panel.replaceChildren(badge, el("h2", info.label), names(info),
      field("parents", "Part of", info.parents, addLink),
      field("children", "Contains", info.children, addLink),
      field("committees", "Committees served", info.committees, addLink),
      field("relations", "Other relations", info.relations, addRelation),
      field("notices", "Notices", info.notices, addNotice),
      field("evidence", "Evidence", info.evidence, addEvidence));
    panel.setAttribute("data-node", id);
    panel.scrollTop = 0;
  }

  network.on("click", function (params) { if (params.nodes.length) { showPanel(params.nodes[0]); } });

  // ----------------------------------------------------------------- filters

  IDS.filter(function (id) { return INFO[id].type === "Division"; }).sort(byLabel).forEach(function (id) {
    var option = el("option", INFO[id].label);
    option.value = id;
    divisionSelect.appendChild(option);
  });

  function visible(id) {
    var info = INFO[id], division = divisionSelect.value;
    var typeOn = typeBoxes.every(function (box) { return box.checked || box.getAttribute("data-type") !== info.type; });
    return typeOn && (!division || (info.division !== null && info.division.id === division));
  }

  function showCount() {
    var shown = IDS.filter(function (id) { return !nodes.get(id).hidden; }).length;
    document.getElementById("natokg-count").textContent = shown + " of " + IDS.length + " nodes";
  }

  function applyFilters() {
    var changes = IDS.filter(function (id) { return visible(id) === Boolean(nodes.get(id).hidden); });
    nodes.update(changes.map(function (id) { return {id: id, hidden: !visible(id)}; }));
    showCount();
  }

  function resetFilters() {
    typeBoxes.forEach(function (box) { box.checked = true; });
    divisionSelect.value = "";
    applyFilters();
  }

  typeBoxes.forEach(function (box) { box.addEventListener("change", applyFilters); });
  divisionSelect.addEventListener("change", applyFilters);

  // ------------------------------------------------------------------ search

  var index = [];
  IDS.forEach(function (id) {
    namesOf(INFO[id]).forEach(function (name) { index.push({id: id, name: name, key: norm(name)}); });
  });

  function rank(key, query) {
    if (key === query) { return 0; }
    if (key.indexOf(query) === 0) { return 1; }
    if ((" " + key).indexOf(" " + query) >= 0) { return 2; }
    return key.indexOf(query) >= 0 ? 3 : -1;
  }

  function search(text) {
    var query = norm(text), best = {};
    if (!query) { return []; }
    index.forEach(function (entry) {
      var score = rank(entry.key, query);
      if (score >= 0 && (!(entry.id in best) || score < best[entry.id].score)) {
        best[entry.id] = {id: entry.id, score: score, name: entry.name};
      }
    });
    return Object.keys(best).map(function (id) { return best[id]; }).sort(function (a, b) {
      return a.score - b.score || byLabel(a.id, b.id);
    });
  }

  function showMatches() {
    state.matches = search(searchBox.value).slice(0, 12);
    results.replaceChildren();
    state.matches.forEach(function (match, position) {
      var info = INFO[match.id], row = el("li", info.label, position === 0 ? "active" : "");
      var extra = [typeName(info)];
      if (match.name !== info.label) { extra.unshift(match.name); }
      row.appendChild(el("span", extra.join(" \u00b7 "), "meta"));
      row.addEventListener("mousedown", function (event) { event.preventDefault(); choose(match.id); });
      results.appendChild(row);
    });
    results.hidden = !state.matches.length;
  }

  function choose(id) {
    results.hidden = true;
    searchBox.value = INFO[id].label;
    focusNode(id);
  }

  searchBox.addEventListener("input", showMatches);
  searchBox.addEventListener("keydown", function (event) {
    if (event.key === "Enter") {
      event.preventDefault();
      var matches = search(searchBox.value);
      if (matches.length) { choose(matches[0].id); }
    } else if (event.key === "Escape") {
      results.hidden = true;
    }
  });
  searchBox.addEventListener("blur", function () { results.hidden = true; });

  function focusNode(id) {
    if (!(id in INFO)) { return; }
    if (nodes.get(id).hidden) { resetFilters(); }
    network.selectNodes([id]);
    network.focus(id, {scale: Math.max(network.getScale(), 1.0), animation: false});
    showPanel(id);
  }

  // ----------------------------------------------------------------- layouts

  function markReady() {
    window.natokgReady = true;
    window.natokgReadyMs = performance.now();
    document.body.setAttribute("data-layout", state.layout);
  }

  function settle() {
    network.setOptions({physics: {enabled: false}});
    network.fit({animation: false});
    applyDashes();
    network.once("afterDrawing", markReady);
    network.redraw();
  }

  function runLayout(name) {
    if (name === "force") {
      network.setOptions({physics: DATA.physics});
      network.once("stabilizationIterationsDone", settle);
      network.stabilize(DATA.physics.stabilization.iterations);
    } else {
      settle();
    }
  }

  function setLayout(name) {
    if (!(name in DATA.positions)) { return; }
    state.layout = name;
    window.natokgReady = false;
    document.getElementById("natokg-layout-" + name).checked = true;
    network.setOptions({physics: {enabled: false}});
    var points = DATA.positions[name];
    nodes.update(IDS.map(function (id) { return {id: id, x: points[id][0], y: points[id][1]}; }));
    runLayout(name);
  }

  document.querySelectorAll("input[name=natokg-layout]").forEach(function (radio) {
    radio.addEventListener("change", function () { if (radio.checked) { setLayout(radio.value); } });
  });

  network.on("beforeDrawing", function (context) {
    if (state.layout !== "org") { return; }
    DATA.bands.forEach(function (band, position) {
      context.fillStyle = position % 2 ? "rgba(91, 101, 115, 0.05)" : "rgba(232, 145, 45, 0.08)";
      context.fillRect(band.left, band.top, band.right - band.left, band.bottom - band.top);
      context.fillStyle = "#5b6573";
      context.font = "bold 20px sans-serif";
      context.fillText(band.label, band.left + 14, band.top + 26);
    });
  });

  window.natokg = {focusNode: focusNode, setLayout: setLayout, search: search, applyFilters: applyFilters};
  showCount();
  runLayout(state.layout);
})();
"""
