// The SPARQL page of cskg: YASGUI (vendor/) on the site's endpoint, the query library in a list.
// No request leaves the site: the endpoint is this server's, prefixes come from the page, and
// the autocompleters that ask remote services (LOV for classes and properties) are off.
(function () {
  "use strict";
  const settings = JSON.parse(document.getElementById("cskg-sparql").textContent);
  const endpoint = new URL(settings.endpoint, window.location.href).href;
  const prefixes = Object.entries(settings.prefixes)
    .map(([name, iri]) => "PREFIX " + name + ": <" + iri + ">").join("\n");
  const library = settings.queries;

  // The results table (DataTables 2, inside YASR) in French, through its own options.
  Yasgui.Yasr.plugins.table.defaults.tableConfig.language = {
    emptyTable: "Aucun résultat", zeroRecords: "Aucun résultat ne correspond",
    info: "Lignes _START_ à _END_ sur _TOTAL_", infoEmpty: "Aucune ligne",
    infoFiltered: "(filtrées parmi _MAX_)", lengthMenu: "_MENU_ lignes par page",
    loadingRecords: "Chargement…", processing: "Traitement…", search: "Rechercher :",
    thousands: "\u202f", decimal: ",", entries: { _: "lignes", 1: "ligne" },
    paginate: { first: "«", last: "»", next: "›", previous: "‹" },
    aria: {
      orderable: " : trier", orderableReverse: " : inverser le tri",
      orderableRemove: " : retirer le tri",
      paginate: { first: "Première page", last: "Dernière page", next: "Page suivante",
                  previous: "Page précédente", number: "" },
    },
  };
  Yasgui.Yasqe.defaults.autocompleters = Yasgui.Yasqe.defaults.autocompleters
    .filter((name) => name === "prefixes" || name === "variables");
  Yasgui.Yasqe.defaults.value = prefixes + "\n\nSELECT ?action ?titre\nWHERE {\n" +
    "  ?action a cskg:Action ; dct:title ?titre .\n}\nORDER BY ?titre\nLIMIT 20\n";
  const yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    tabName: "Requête",
    persistenceId: null,
    endpointCatalogueOptions: { getData: () => [{ endpoint: endpoint }], keys: [] },
  });

  // YASGUI speaks English only (it ships no translations) and leaves a few controls unnamed
  // (axe-core: label, scrollable-region-focusable, aria-required-children). Its results table
  // (DataTables) is translated through its configuration above; the rest, set by YASGUI's code
  // (@zazuko/yasgui 4.6: yasqe/src/index.ts, yasr/src/index.ts and plugins/, src/TabElements.ts,
  // TabPanel.ts, TabContextMenu.ts, endpointSelect.ts), by this layer: every text and title,
  // aria-label and placeholder YASGUI writes, in French as it appears (a MutationObserver),
  // but never inside the query editor nor the results' cells.
  const french = {
    "Run query": "Lancer la requête", "Share query": "Partager la requête",
    "Add a new tab": "Nouvel onglet", "Add tab": "Nouvel onglet", "Close tab": "Fermer l'onglet",
    "Open settings": "Réglages", "Close settings": "Fermer les réglages",
    "Clear endpoint": "Effacer le point d'accès",
    "Search or add an endpoint": "Chercher ou ajouter un point d'accès",
    'Press "enter" to add this endpoint': "Entrée pour ajouter ce point d'accès",
    "Request method": "Méthode de requête", "Accept Headers": "En-têtes Accept",
    "Arguments": "Arguments", "Header Arguments": "En-têtes de la requête",
    "Default Graphs": "Graphes par défaut", "Named Graphs": "Graphes nommés",
    "New Tab": "Nouvel onglet", "Rename Tab": "Renommer l'onglet", "Copy Tab": "Copier l'onglet",
    "Close Tab": "Fermer l'onglet", "Close other tabs": "Fermer les autres onglets",
    "Undo close Tab": "Rouvrir l'onglet fermé", "Shorten": "Raccourcir",
    "An error has occurred": "Une erreur est survenue",
    "Failed fetching suggestions": "Suggestions indisponibles",
    "Table": "Tableau", "Response": "Réponse", "Simple view": "Vue simple",
    "Ellipse": "Abréger", "Filter query results": "Filtrer les résultats",
    "Page size: ": "Lignes par page : ", "Page size:": "Lignes par page :", "All": "Toutes",
    "Download result": "Télécharger le résultat", "Download Results": "Télécharger les résultats",
    "Download not supported": "Téléchargement impossible pour cette vue",
    "Show all": "Tout afficher", "True": "Vrai", "False": "Faux",
    "cannot render result": "résultat impossible à afficher",
    "This plugin doesn't have a help reference yet. Please contact the maintainer to fix this":
      "Pas de documentation pour cette vue",
    "Try query in a new browser window": "Essayer la requête dans une nouvelle fenêtre",
    "Unable to get response from endpoint. Possible reasons:":
      "Le point d'accès ne répond pas. Raisons possibles :",
    "Incorrect endpoint URL": "Adresse du point d'accès erronée",
    "Endpoint is down": "Point d'accès arrêté",
    "Endpoint is not accessible from the YASGUI server and website, and the endpoint is not ":
      "Point d'accès injoignable depuis cette page, et il n'est pas ",
    "CORS-enabled": "ouvert au CORS",
  };
  const patterns = [
    [/^(\d+) results? in ([\d.]+) seconds?$/, (_, n, t) => plural(n, "résultat") + " en " + seconds(t)],
    [/^(\d+) results?$/, (_, n) => plural(n, "résultat")],
    [/^Response in ([\d.]+) seconds?$/, (_, t) => "Réponse en " + seconds(t)],
    [/^Shows (.+) view$/, (_, name) => "Afficher la vue " + (french[name] || name)],
    [/^View documentation of (.+)$/, (_, name) => "Documentation de la vue " + (french[name] || name)],
    [/^(.+) documentation$/, (_, name) => "Documentation de la vue " + (french[name] || name)],
    [/^This line is invalid\. Expected: (.*)$/s, (_, what) => "Ligne invalide ; attendu : " + what],
    [/^Could not render results with the (.+) plugin, the results currently are rendered with the (.+) plugin\. ?(.*)$/s,
      (_, a, b, rest) => "Résultats impossibles à afficher en vue " + (french[a] || a) +
        ", affichés en vue " + (french[b] || b) + ". " + rest.replace(/^See $/, "Voir ")],
  ];
  function plural(n, word) { return n + " " + word + (Number(n) > 1 ? "s" : ""); }
  function seconds(t) { return String(t).replace(".", ",") + " s"; }
  function translated(text) {
    const bare = text.trim();
    if (!bare) return null;
    let found = Object.prototype.hasOwnProperty.call(french, bare) ? french[bare] : null;
    for (const [pattern, rewrite] of patterns) {
      if (found === null && pattern.test(bare)) found = bare.replace(pattern, rewrite);
    }
    return found === null || found === bare ? null : text.replace(bare, found);
  }
  const untouched = ".CodeMirror-code, .CodeMirror-hints, .yasr table.dataTable tbody, pre";
  function translate(root) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement && node.parentElement.closest(untouched)) continue;
      const text = translated(node.nodeValue);
      if (text !== null) node.nodeValue = text;
    }
    for (const element of root.querySelectorAll("[title], [aria-label], [placeholder]")) {
      if (element.closest(untouched)) continue;
      for (const name of ["title", "aria-label", "placeholder"]) {
        const value = element.getAttribute(name);
        const text = value && translated(value);
        if (text) element.setAttribute(name, text);
      }
    }
  }
  function accessible(root) {
    translate(root);
    for (const input of root.querySelectorAll("input.autocomplete:not([aria-label])")) {
      input.setAttribute("aria-label", "Adresse du point d'accès SPARQL");
    }
    for (const area of root.querySelectorAll(".CodeMirror textarea:not([aria-label])")) {
      area.setAttribute("aria-label", "Requête SPARQL");
    }
    for (const scroll of root.querySelectorAll(".CodeMirror-scroll:not([tabindex='0'])")) {
      scroll.setAttribute("tabindex", "0");
      scroll.setAttribute("aria-label", "Requête SPARQL (défilement)");
    }
    for (const input of root.querySelectorAll(".tab input[type=text]:not([aria-label])")) {
      input.setAttribute("aria-label", "Nom de l'onglet");
    }
    for (const button of root.querySelectorAll(".tabsList .addTab:not([role])")) {
      button.setAttribute("role", "tab");  // a tab list holds tabs only
      button.setAttribute("aria-selected", "false");
    }
  }
  accessible(document.body);
  new MutationObserver(() => accessible(document.body)).observe(document.body, {
    childList: true, subtree: true, characterData: true, attributes: true,
    attributeFilter: ["title", "aria-label", "placeholder"],
  });

  // Results as values ("Sarthe", not "Sarthe"^^xsd:token): YASR's "simple view", by default.
  function simple(tab) {
    const table = tab.getYasr().plugins.table;
    if (table) table.persistentConfig.compact = true;
  }
  yasgui.on("queryBefore", (instance, tab) => simple(tab));

  const choice = document.getElementById("bibliotheque");
  const about = document.getElementById("bibliotheque-aide");
  function show(query) {
    about.replaceChildren();
    const question = document.createElement("p");
    question.textContent = query.question;
    about.append(question);
    if (query.parameters.length) {
      const intro = document.createElement("p");
      intro.textContent = "Paramètres (changez la valeur dans le bloc VALUES de la requête) :";
      const list = document.createElement("ul");
      for (const parameter of query.parameters) {
        const item = document.createElement("li");
        const name = document.createElement("code");
        name.textContent = "?" + parameter.name;
        item.append(name, " : " + parameter.help + " (" + parameter.meaning +
          ", par défaut " + parameter.default + ")");
        list.append(item);
      }
      about.append(intro, list);
    }
  }
  choice.addEventListener("change", () => {
    const query = library.find((q) => q.name === choice.value);
    if (!query) { about.replaceChildren(); return; }
    const tab = yasgui.addTab(true, { name: query.name });
    tab.setQuery(query.text);
    show(query);
  });
  const wanted = new URLSearchParams(window.location.search).get("requete");
  if (wanted && library.some((q) => q.name === wanted)) {
    choice.value = wanted;
    choice.dispatchEvent(new Event("change"));
  }
  window.cskgYasgui = yasgui;
})();
