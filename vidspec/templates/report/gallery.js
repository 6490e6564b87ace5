// vidspec report: the gallery page. The data is the JSON of the gallery-data element; the
// list is windowed (only the rows in view, and a few around them, are in the DOM), so 10,000
// videos stay responsive. Every text from the data goes in with textContent, never as markup.
(function () {
  "use strict";
  var doc = JSON.parse(document.getElementById("gallery-data").textContent);
  var videos = doc.videos;
  var OVERSCAN = 6;
  var $ = function (id) { return document.getElementById(id); };
  var list = $("list");
  var search = $("search"), statusBox = $("status"), definitionBox = $("definition");
  var sinceBox = $("since"), countBox = $("count");
  var rows = [];          // what the filters leave: {kind: "group"|"card", top, height, ...}
  var shown = new Map();  // row index -> element in the DOM
  var collapsed = new Set();
  var target = null;      // the address (or definition) the URL's fragment names
  var cardHeight = 0, groupHeight = 0;
  var now = Date.now();

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function time(text) {
    return text ? text.replace("T", " ").replace(/:\d\dZ$/, " UTC") : "-";
  }

  function ms(text) { return text ? Date.parse(text) : NaN; }

  // The status as of now: a done video past its expiry is expired, whenever the page is read.
  function statusOf(v) {
    return v.status === "done" && ms(v.expires_at) <= now ? "expired" : v.status;
  }

  function expiry(v) {
    var ends = ms(v.expires_at);
    if (isNaN(ends)) return null;
    if (ends <= now) return "expired";
    return ms(v.renew_at) <= now ? "expiring" : null;
  }

  function hrefOfFile(v) {
    var f = v.file;
    return f && f.on_disk === "saved" ? f.href : null;
  }

  function linkOf(v) {  // the service's link, only while the video is valid
    return v.url && /^https?:\/\//i.test(v.url) && expiry(v) !== "expired" ? v.url : null;
  }

  videos.forEach(function (v, i) {
    v.index = i;
    v.haystack = [v.address, v.name, v.text, v.id, v.file && v.file.path, v.status]
      .filter(Boolean).join("\n").toLowerCase();
    v.current = statusOf(v);
  });

  function fillChoices(box, values) {
    var counts = new Map();
    values.forEach(function (value) { counts.set(value, (counts.get(value) || 0) + 1); });
    Array.from(counts.keys()).sort().forEach(function (value) {
      var option = el("option", null, value + " (" + counts.get(value) + ")");
      option.value = value;
      box.appendChild(option);
    });
  }

  function filters() {
    var since = sinceBox.value ? Date.parse(sinceBox.value + "T00:00:00Z") : NaN;
    return {
      words: search.value.toLowerCase().split(/\s+/).filter(Boolean),
      status: statusBox.value,
      definition: definitionBox.value,
      since: since,
    };
  }

  function matches(v, f) {
    if (f.status && v.current !== f.status) return false;
    if (f.definition && v.definition !== f.definition) return false;
    if (!isNaN(f.since) && !(ms(v.created_at) >= f.since)) return false;
    for (var i = 0; i < f.words.length; i++) {
      if (v.haystack.indexOf(f.words[i]) < 0) return false;
    }
    return true;
  }

  function build() {
    var f = filters(), top = 0, group = null, kept = 0;
    rows = [];
    videos.forEach(function (v) {
      if (!matches(v, f)) return;
      kept += 1;
      if (v.definition === null) {
        group = null;
      } else if (group === null || group.name !== v.definition) {
        group = {kind: "group", name: v.definition, top: top, height: groupHeight, members: 0};
        rows.push(group);
        top += groupHeight;
      }
      if (group !== null) {
        group.members += 1;
        if (collapsed.has(group.name)) return;
      }
      rows.push({kind: "card", video: v, top: top, height: cardHeight});
      top += cardHeight;
    });
    list.style.height = top + "px";
    countBox.textContent = kept === videos.length
      ? videos.length + " videos"
      : kept + " of " + videos.length + " videos";
    $("empty").hidden = kept > 0;
    shown.forEach(function (node) { node.remove(); });
    shown.clear();
    draw();
  }

  function firstRowBelow(y) {  // binary search on the rows' tops
    var lo = 0, hi = rows.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (rows[mid].top + rows[mid].height <= y) lo = mid + 1; else hi = mid;
    }
    return lo;
  }

  function draw() {
    var origin = list.getBoundingClientRect().top;
    var first = Math.max(0, firstRowBelow(-origin) - OVERSCAN);
    var last = Math.min(rows.length, firstRowBelow(window.innerHeight - origin) + OVERSCAN);
    shown.forEach(function (node, index) {
      if (index < first || index >= last) { node.remove(); shown.delete(index); }
    });
    for (var i = first; i < last; i++) {
      if (shown.has(i)) continue;
      var node = rows[i].kind === "group" ? groupRow(rows[i]) : card(rows[i].video);
      node.classList.add("row");
      node.style.top = rows[i].top + "px";
      list.appendChild(node);
      shown.set(i, node);
    }
  }

  function groupRow(row) {
    var node = el("section", "group");
    node.id = row.name;
    node.appendChild(el("h2", null, row.name));
    node.appendChild(el("span", "members", row.members + (row.members === 1 ? " video" : " videos")));
    var toggle = el("button", "toggle", collapsed.has(row.name) ? "show" : "hide");
    toggle.type = "button";
    toggle.addEventListener("click", function () {
      if (collapsed.has(row.name)) collapsed.delete(row.name); else collapsed.add(row.name);
      build();
    });
    node.appendChild(toggle);
    return node;
  }

  function card(v) {
    var node = el("article", "card" + (v.definition !== null ? " instance" : ""));
    node.id = v.address;
    node.dataset.index = v.index;
    if (target === v.address) node.classList.add("target");
    node.appendChild(media(v));
    var facts = el("div", "facts");
    var title = el("div", "title");
    title.appendChild(el("span", "name", v.name || "(no name)"));
    var anchor = el("a", "address", v.address);
    anchor.href = "#" + fragment(v.address);
    anchor.title = "Link to this video";
    title.appendChild(anchor);
    facts.appendChild(title);
    facts.appendChild(badges(v));
    facts.appendChild(details(v));
    facts.appendChild(el("p", "text", v.text || ""));
    node.appendChild(facts);
    return node;
  }

  function media(v) {
    var source = hrefOfFile(v) || (linkOf(v) && /^https:/i.test(v.url) ? v.url : null);
    if (!source) {
      var why = v.file && v.file.on_disk !== "saved"
        ? "The saved file is " + v.file.on_disk + ": " + v.file.path
        : linkOf(v) ? "Watch it at the service's link (below)."
        : v.status === "planned" ? "Not made yet: the next apply makes it."
        : v.status === "pending" ? "Sent; waiting for the service to list it."
        : "No file saved for this video.";
      return el("div", "media none", why);
    }
    var box = el("div", "media");
    var player = el("video");
    player.controls = true;
    player.preload = "metadata";
    player.src = source;
    box.appendChild(player);
    return box;
  }

  function badges(v) {
    var node = el("div", "badges");
    node.appendChild(el("span", "badge " + v.current, v.current));
    var ends = expiry(v);
    if (ends === "expiring") {
      var days = Math.max(0, Math.round((ms(v.expires_at) - now) / 86400000));
      node.appendChild(el("span", "badge expiring", "expires in " + days + (days === 1 ? " day" : " days")));
    }
    if (v.file && v.file.on_disk !== "saved") node.appendChild(el("span", "badge " + v.file.on_disk, "file " + v.file.on_disk));
    if (!v.wanted) node.appendChild(el("span", "badge unwanted", "not in any manifest"));
    node.appendChild(el("span", "badge", v.provider));
    return node;
  }

  function details(v) {
    var node = el("dl", "details");
    function add(term, value) {
      node.appendChild(el("dt", null, term));
      var dd = el("dd", null, value === null || value === undefined ? "-" : value);
      node.appendChild(dd);
      return dd;
    }
    add("id", v.id);
    add("created", time(v.created_at));
    add("expires", time(v.expires_at));
    add("file", v.file ? v.file.path + "  sha256 " + v.file.sha256.slice(0, 16) + "…" : null);
    var link = linkOf(v);
    var dd = add("link", link ? null : "-");
    if (link) {
      dd.textContent = "";
      var a = el("a", null, link);
      a.href = link;
      a.rel = "noreferrer noopener";
      a.target = "_blank";
      dd.appendChild(a);
    }
    return node;
  }

  function fragment(address) {  // promo[sku-1] stays readable; anything else is escaped
    return encodeURIComponent(address).replace(/%5B/g, "[").replace(/%5D/g, "]");
  }

  function named() {
    var raw = location.hash.slice(1);
    try { return decodeURIComponent(raw); } catch (e) { return raw; }
  }

  // Follow the fragment: the video (or definition) it names, even past the filters.
  function follow() {
    var name = named();
    if (!name) return;
    var known = videos.some(function (v) { return v.address === name || v.definition === name; });
    if (!known) return;
    target = name;
    var index = rowIndexOf(name);
    if (index < 0) {
      document.getElementById("controls").reset();
      collapsed.clear();
      build();
      index = rowIndexOf(name);
    }
    if (index < 0) return;
    var header = $("top").offsetHeight;
    window.scrollTo(0, window.scrollY + list.getBoundingClientRect().top + rows[index].top - header);
    shown.forEach(function (node) { node.classList.remove("target"); });
    draw();
    var node = shown.get(index);
    if (node && rows[index].kind === "card") node.classList.add("target");
  }

  function rowIndexOf(name) {
    for (var i = 0; i < rows.length; i++) {
      var row = rows[i];
      if ((row.kind === "card" && row.video.address === name) || (row.kind === "group" && row.name === name)) return i;
    }
    return -1;
  }

  function measure() {
    var root = document.documentElement, style = getComputedStyle(root);
    cardHeight = parseFloat(style.getPropertyValue("--card-height")) || 212;
    groupHeight = parseFloat(style.getPropertyValue("--group-height")) || 48;
    // the browser's own scroll to a fragment stops below the sticky header too
    root.style.setProperty("--header-height", $("top").offsetHeight + "px");
  }

  function describe() {
    $("title").textContent = doc.project;
    var about = videos.length + " videos on " + doc.provider + " · written " + time(doc.generated_at);
    about += doc.seen_at ? " · statuses and links as listed " + time(doc.seen_at) : " · never refreshed";
    $("about").textContent = about;
    document.title = "vidspec report: " + doc.project;
  }

  var pending = false;
  function soon(fn) {
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () { pending = false; fn(); });
  }

  describe();
  fillChoices(statusBox, videos.map(function (v) { return v.current; }));
  fillChoices(definitionBox, videos.map(function (v) { return v.definition; }).filter(function (d) { return d !== null; }));
  measure();
  build();
  follow();
  search.addEventListener("input", function () { soon(build); });
  [statusBox, definitionBox, sinceBox].forEach(function (box) { box.addEventListener("change", build); });
  $("controls").addEventListener("reset", function () { setTimeout(build, 0); });
  $("controls").addEventListener("submit", function (event) { event.preventDefault(); });
  window.addEventListener("scroll", function () { soon(draw); }, {passive: true});
  window.addEventListener("resize", function () { measure(); build(); });
  window.addEventListener("hashchange", follow);
  performance.mark("vidspec-ready");  // benchmarks/bench_report.py: the first render
  document.body.dataset.ready = "true";
})();
