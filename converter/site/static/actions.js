/* The list of actions of the cskg site: facets with counts and a search ignoring case and
   accents, from the two index files the build writes beside the page (no server, no
   framework). Without JavaScript the page stays a plain paginated list. */
"use strict";
window.CSKG = (function () {
  var PER_PAGE = 50;
  var data = null, texts = null, selected = {}, query = "", page = 1, loading = false;

  function fold(text) {
    return text.toLowerCase().normalize("NFKD").replace(/\p{M}/gu, "")
      .replace(/œ/g, "oe").replace(/æ/g, "ae")
      .replace(/[^\p{L}\p{N}]+/gu, " ").trim();
  }

  function matches(action, index, except) {
    for (var name in selected) {
      if (name === except || selected[name].length === 0) continue;
      var values = action.f[name] || [];
      if (!selected[name].some(function (v) { return values.indexOf(v) >= 0; })) return false;
    }
    if (query && texts) {
      var words = fold(query).split(" ");
      var text = texts[index];
      for (var i = 0; i < words.length; i++) if (text.indexOf(words[i]) < 0) return false;
    }
    return true;
  }

  function writeHash() {
    var parts = [];
    Object.keys(selected).sort().forEach(function (name) {
      selected[name].forEach(function (v) { parts.push(name + "=" + encodeURIComponent(v)); });
    });
    if (query) parts.push("q=" + encodeURIComponent(query));
    if (page > 1) parts.push("page=" + page);
    history.replaceState(null, "", parts.length ? "#" + parts.join("&") : location.pathname);
  }

  function readHash() {
    selected = {}; query = ""; page = 1;
    location.hash.replace(/^#/, "").split("&").forEach(function (part) {
      if (!part) return;
      var pair = part.split("="), name = pair[0], value = decodeURIComponent(pair[1] || "");
      if (name === "q") query = value;
      else if (name === "page") page = parseInt(value, 10) || 1;
      else (selected[name] = selected[name] || []).push(value);
    });
  }

  function render() {
    if (query && !texts) { loadSearch(); return; }
    var found = [];
    data.actions.forEach(function (a, i) { if (matches(a, i, null)) found.push(a); });
    document.querySelectorAll("fieldset.facette").forEach(function (set) {
      var name = set.dataset.facette, counts = {};
      data.actions.forEach(function (a, i) {
        if (!matches(a, i, name)) return;
        (a.f[name] || []).forEach(function (v) { counts[v] = (counts[v] || 0) + 1; });
      });
      set.querySelectorAll("li").forEach(function (li) {
        var box = li.querySelector("input"), n = counts[box.value] || 0;
        box.checked = (selected[name] || []).indexOf(box.value) >= 0;
        li.querySelector(".nombre").textContent = "(" + n + ")";
        li.hidden = n === 0 && !box.checked;
      });
    });
    var pages = Math.max(1, Math.ceil(found.length / PER_PAGE));
    if (page > pages) page = pages;
    var list = document.getElementById("liste");
    list.innerHTML = "";
    list.start = (page - 1) * PER_PAGE + 1;
    found.slice((page - 1) * PER_PAGE, page * PER_PAGE).forEach(function (a) {
      var li = document.createElement("li"), link = document.createElement("a");
      link.href = "../" + a.p.split("/").map(encodeURIComponent).join("/") + "/index.html";
      link.textContent = a.t;
      li.appendChild(link);
      list.appendChild(li);
    });
    document.getElementById("compte").textContent =
      found.length + (found.length > 1 ? " actions" : " action") + " sur " + data.actions.length;
    var nav = document.getElementById("pages"), ul = nav.querySelector("ul");
    ul.innerHTML = "";
    for (var p = 1; p <= pages; p++) {
      var item = document.createElement("li"), button = document.createElement("button");
      button.type = "button";
      button.textContent = p;
      button.setAttribute("aria-label", "Page " + p);
      if (p === page) button.setAttribute("aria-current", "page");
      button.addEventListener("click", (function (n) { return function () { page = n; update(); }; })(p));
      item.appendChild(button);
      ul.appendChild(item);
    }
    nav.hidden = pages < 2;
  }

  function update() { writeHash(); render(); }

  function loadSearch() {
    if (loading) return;
    loading = true;
    var script = document.createElement("script");
    script.src = "index-recherche.js";
    document.head.appendChild(script);
  }

  function start() {
    if (!data || !document.getElementById("liste")) return;
    readHash();
    document.getElementById("recherche").hidden = false;
    document.getElementById("pages-statiques").hidden = true;
    var box = document.getElementById("q");
    box.value = query;
    box.addEventListener("input", function () { query = box.value.trim(); page = 1; update(); });
    document.getElementById("recherche").addEventListener("submit", function (e) { e.preventDefault(); });
    document.getElementById("effacer").addEventListener("click", function () {
      selected = {}; query = ""; page = 1; box.value = ""; update();
    });
    document.querySelectorAll("fieldset.facette input").forEach(function (input) {
      input.disabled = false;
      input.addEventListener("change", function () {
        var name = input.name, list = selected[name] = selected[name] || [];
        var at = list.indexOf(input.value);
        if (input.checked && at < 0) list.push(input.value);
        if (!input.checked && at >= 0) list.splice(at, 1);
        page = 1;
        update();
      });
    });
    render();
  }

  return {
    fold: fold,
    facettes: function (value) {
      data = value;
      if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
      else start();
    },
    recherche: function (value) { texts = value; render(); }
  };
})();
