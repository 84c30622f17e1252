/* The list of actions of the cskg site: facets with counts and a search ignoring case and
   accents, from the index files the build writes beside the page (facets.py, shards.py), loaded
   as scripts (a page opened from the disk may load a script, not fetch a file) and only those a
   view needs: the counts on load, one file of titles per page shown, the file of a clicked
   value, the search shard of each typed word; the files of a facet's value sets only when
   several criteria combine. No server, no framework; without JavaScript the page stays a plain
   paginated list. */
"use strict";
window.CSKG = (function () {
  var PER_PAGE = 50;
  var meta = null, total = 0, size = 0, shardKeys = null;
  var selected = {}, query = "", page = 1, generation = 0;
  var titles = {}, sets = {}, together = {}, shards = {}, scripts = {};
  var gidOf = {}, keysLoaded = null;

  function fold(text) {
    return text.toLowerCase().normalize("NFKD").replace(/\p{M}/gu, "")
      .replace(/œ/g, "oe").replace(/æ/g, "ae")
      .replace(/[^\p{L}\p{N}]+/gu, " ").trim();
  }

  // Sets of actions as bitmaps (one bit per action), decoded from shards.py's two spellings.
  function decode(text) {
    var bits = new Uint32Array(size), i;
    if (text.charAt(0) === "b") {
      var bytes = atob(text.slice(1));
      for (i = 0; i < bytes.length; i++) bits[i >> 2] |= bytes.charCodeAt(i) << ((i & 3) * 8);
    } else if (text.length > 1) {
      var at = 0, gaps = text.slice(1).split(".");
      for (i = 0; i < gaps.length; i++) {
        at = i === 0 ? parseInt(gaps[i], 36) : at + parseInt(gaps[i], 36);
        bits[at >> 5] |= 1 << (at & 31);
      }
    }
    return bits;
  }
  function everything() {
    var bits = new Uint32Array(size).fill(0xffffffff);
    if (total % 32) bits[size - 1] = (1 << (total % 32)) - 1;
    return bits;
  }
  function both(a, b) {
    var out = new Uint32Array(size);
    for (var i = 0; i < size; i++) out[i] = a[i] & b[i];
    return out;
  }
  function either(a, b) {
    var out = new Uint32Array(size);
    for (var i = 0; i < size; i++) out[i] = a[i] | b[i];
    return out;
  }
  function ones(word) {
    word -= (word >>> 1) & 0x55555555;
    word = (word & 0x33333333) + ((word >>> 2) & 0x33333333);
    return (((word + (word >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
  }
  function count(a, b) {
    var n = 0;
    for (var i = 0; i < size; i++) n += ones(b ? a[i] & b[i] : a[i]);
    return n;
  }
  function members(bits, skip, wanted) {  // the numbers of the set, from the skip-th on
    var found = [];
    for (var i = 0; i < size && found.length < wanted; i++) {
      var word = bits[i];
      while (word) {
        var low = word & -word, at = i * 32 + 31 - Math.clz32(low);
        word ^= low;
        if (skip > 0) skip--;
        else if (found.length < wanted) found.push(at);
      }
    }
    return found;
  }

  function load(file) {
    if (!scripts[file]) {
      scripts[file] = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = "index/" + file;
        script.onload = resolve;
        script.onerror = function () { reject(new Error("index introuvable : " + file)); };
        document.head.appendChild(script);
      });
    }
    return scripts[file];
  }
  function shardFile(key) {
    if (!key) return "mots.js";
    if (/^[a-z0-9]+$/.test(key)) return "mots-" + key + ".js";
    var hex = Array.from(new TextEncoder().encode(key), function (b) {
      return b.toString(16).padStart(2, "0");
    }).join("");
    return "mots-x" + hex + ".js";
  }

  // A typed word: the actions holding a word that starts with it, from one shard.
  function wordSet(word) {
    var letters = Array.from(word);
    for (var n = letters.length; n >= 0; n--) {
      var key = letters.slice(0, n).join("");
      if (shardKeys.leaves.has(key) || shardKeys.nodes.has(key)) {
        return load(shardFile(key)).then(function () {
          var shard = shards[key];
          if (shard.tous !== undefined) return key === word ? decode(shard.tous) : new Uint32Array(size);
          var bits = new Uint32Array(size);
          Object.keys(shard.mots).forEach(function (w) {
            if (w.indexOf(word) === 0) bits = either(bits, decode(shard.mots[w]));
          });
          return bits;
        });
      }
    }
    return Promise.resolve(new Uint32Array(size));
  }
  function searchKeys() {
    if (!keysLoaded) {
      keysLoaded = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = "index-recherche.js";
        script.onload = resolve;
        script.onerror = function () { reject(new Error("index introuvable : index-recherche.js")); };
        document.head.appendChild(script);
      });
    }
    return keysLoaded;
  }

  function valueSet(gid) {
    return load("valeur-" + gid + ".js").then(function () { return sets[gid]; });
  }
  function facetSets(name) {  // every value's set of a facet (the counts under several criteria)
    var files = [];
    for (var k = 0; k < meta.facettes[name].paquets; k++) files.push(load("facette-" + name + "-" + k + ".js"));
    return Promise.all(files);
  }

  function criteria() {  // [{facet, set}] of the selected values and typed words
    var words = query ? fold(query).split(" ").filter(Boolean) : [];
    var pending = [];
    Object.keys(selected).sort().forEach(function (name) {
      var gids = selected[name].map(function (v) { return gidOf[name][v]; })
        .filter(function (g) { return g !== undefined; });
      if (gids.length === 0) return;
      pending.push(Promise.all(gids.map(valueSet)).then(function (found) {
        return { facet: name, gids: gids, set: found.reduce(either) };
      }));
    });
    var searched = words.length ? searchKeys() : Promise.resolve();
    words.forEach(function (word) {
      pending.push(searched.then(function () { return wordSet(word); })
        .then(function (set) { return { facet: null, gids: [], set: set }; }));
    });
    return Promise.all(pending);
  }

  function countsOf(name, chosen) {  // value → count, among the actions of the other criteria
    var others = chosen.filter(function (c) { return c.facet !== name; });
    var values = meta.facettes[name].valeurs, first = meta.facettes[name].premier, counts = {};
    if (others.length === 0) {
      values.forEach(function (v) { counts[v[0]] = v[2]; });
      return Promise.resolve(counts);
    }
    if (others.length === 1 && others[0].gids.length === 1) {
      var known = together[others[0].gids[0]];
      values.forEach(function (v, i) { counts[v[0]] = known[first + i] || 0; });
      return Promise.resolve(counts);
    }
    var within = others.map(function (c) { return c.set; }).reduce(both);
    return facetSets(name).then(function () {
      values.forEach(function (v, i) { counts[v[0]] = count(within, sets[first + i]); });
      return counts;
    });
  }

  function pageTitles(found, chosen) {  // the numbers of the page's actions, their titles loaded
    var shown = members(found, (page - 1) * PER_PAGE, PER_PAGE);
    var files = {};
    shown.forEach(function (at) {
      if (!titles[at]) files["liste-" + Math.floor(at / meta.tranche) + ".js"] = true;
    });
    return Promise.all(Object.keys(files).map(load)).then(function () { return shown; });
  }

  function render() {
    var mine = ++generation;
    var chosen;
    return criteria().then(function (found) {
      chosen = found;
      var all = chosen.length ? chosen.map(function (c) { return c.set; }).reduce(both) : everything();
      var names = Object.keys(meta.facettes);
      return Promise.all([
        Promise.resolve(all),
        Promise.all(names.map(function (name) { return countsOf(name, chosen); })),
        Promise.resolve(names),
      ]);
    }).then(function (done) {
      var all = done[0], counted = count(all);
      var pages = Math.max(1, Math.ceil(counted / PER_PAGE));
      if (page > pages) page = pages;
      return pageTitles(all, chosen).then(function (shown) {
        if (mine !== generation) return;  // a newer view was asked for meanwhile
        show(done[2], done[1], shown, counted, pages);
      });
    }).catch(function (error) {
      if (mine !== generation) return;
      document.getElementById("compte").textContent = "Liste indisponible (" + error.message + ")";
    });
  }

  function show(names, counts, shown, counted, pages) {
    names.forEach(function (name, n) {
      var set = document.querySelector('fieldset.facette[data-facette="' + name + '"]');
      if (!set) return;
      set.querySelectorAll("li").forEach(function (li) {
        var box = li.querySelector("input"), k = counts[n][box.value] || 0;
        box.checked = (selected[name] || []).indexOf(box.value) >= 0;
        li.querySelector(".nombre").textContent = "(" + k + ")";
        li.hidden = k === 0 && !box.checked;
      });
    });
    var list = document.getElementById("liste");
    list.innerHTML = "";
    list.start = (page - 1) * PER_PAGE + 1;
    shown.forEach(function (at) {
      var li = document.createElement("li"), link = document.createElement("a");
      link.href = "../" + titles[at][0].split("/").map(encodeURIComponent).join("/") + "/index.html";
      link.textContent = titles[at][1];
      li.appendChild(link);
      list.appendChild(li);
    });
    document.getElementById("compte").textContent =
      counted + (counted > 1 ? " actions" : " action") + " sur " + total;
    var nav = document.getElementById("pages"), ul = nav.querySelector("ul");
    ul.innerHTML = "";
    for (var p = 1; p <= pages; p++) {
      if (pages > 12 && p > 2 && p < pages - 1 && Math.abs(p - page) > 2) {
        if (p === 3 || p === pages - 2) {
          var gap = document.createElement("li");
          gap.textContent = "…";
          ul.appendChild(gap);
        }
        continue;
      }
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

  function update() { writeHash(); render(); }

  function start() {
    if (!meta || !document.getElementById("liste")) return;
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
      meta = value;
      total = value.total;
      size = Math.ceil(total / 32) || 1;
      Object.keys(meta.facettes).forEach(function (name) {
        var facet = meta.facettes[name];
        gidOf[name] = {};
        facet.valeurs.forEach(function (v, i) { gidOf[name][v[0]] = facet.premier + i; });
      });
      if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
      else start();
    },
    liste: function (number, rows) {
      rows.forEach(function (row, i) { titles[number * meta.tranche + i] = row; });
    },
    valeur: function (gid, value) {
      sets[gid] = decode(value.a);
      var co = {};
      for (var i = 0; i < value.c.length; i += 2) co[value.c[i]] = value.c[i + 1];
      together[gid] = co;
      members(sets[gid], 0, value.p.length).forEach(function (at, i) { titles[at] = value.p[i]; });
    },
    postings: function (name, values) {
      Object.keys(values).forEach(function (gid) { if (!sets[gid]) sets[gid] = decode(values[gid]); });
    },
    recherche: function (value) {
      shardKeys = { leaves: new Set(value.feuilles), nodes: new Set(value.noeuds) };
    },
    mots: function (key, value) { shards[key] = value; }
  };
})();
