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

  Yasgui.Yasqe.defaults.autocompleters = Yasgui.Yasqe.defaults.autocompleters
    .filter((name) => name === "prefixes" || name === "variables");
  Yasgui.Yasqe.defaults.value = prefixes + "\n\nSELECT ?action ?titre\nWHERE {\n" +
    "  ?action a cskg:Action ; dct:title ?titre .\n}\nORDER BY ?titre\nLIMIT 20\n";
  const yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    persistenceId: null,
    endpointCatalogueOptions: { getData: () => [{ endpoint: endpoint }], keys: [] },
  });

  // YASGUI speaks English and leaves a few controls unnamed (axe-core: label,
  // scrollable-region-focusable, aria-required-children): name them in French, make the
  // editor's scrolling region focusable, and make the "new tab" button a tab of the list.
  const french = {
    "Run query": "Lancer la requête", "Share query": "Partager la requête",
    "Add a new tab": "Nouvel onglet", "Add tab": "Nouvel onglet", "Close tab": "Fermer l'onglet",
    "Open settings": "Réglages", "Clear endpoint": "Effacer le point d'accès",
  };
  function accessible(root) {
    for (const element of root.querySelectorAll("[title], [aria-label]")) {
      for (const name of ["title", "aria-label"]) {
        const text = element.getAttribute(name);
        if (text && french[text]) element.setAttribute(name, french[text]);
      }
    }
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
  const area = document.getElementById("yasgui");
  accessible(area);
  new MutationObserver(() => accessible(area)).observe(area, { childList: true, subtree: true });

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
