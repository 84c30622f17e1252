"""``graph.Labels`` reads the French labels in one pass per predicate: it must choose what a
look-up per resource chooses (the first label predicate it has; a French literal, else one
without a language), for every resource of the example's store."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from converter.convert import convert
from converter.site.graph import LABEL_PREDICATES, Labels, Subject, load_store
from tests.conftest import SEED


def looked_up(store: ox.Store, node: Subject) -> str | None:
    for predicate in LABEL_PREDICATES:
        plain = None
        for quad in store.quads_for_pattern(node, predicate, None):
            value = quad.object
            if isinstance(value, ox.Literal):
                if value.language == "fr":
                    return value.value
                if not value.language and plain is None:
                    plain = value.value
        if plain is not None:
            return plain
    return None


def test_label_table_equals_a_look_up_per_resource(tmp_path: Path) -> None:
    convert([SEED], tmp_path)
    store = load_store(tmp_path)
    store.extend(  # a resource with two labels, French and English, under two predicates
        ox.Quad(
            ox.NamedNode("https://w3id.org/cskg/id/x"), predicate, ox.Literal(text, language=lang)
        )
        for predicate, text, lang in (
            (LABEL_PREDICATES[0], "en", "en"),
            (LABEL_PREDICATES[1], "fr", "fr"),
        )
    )
    labels = Labels(store)
    nodes = {q.subject for q in store} | {
        q.object for q in store if isinstance(q.object, ox.NamedNode)
    }
    assert len(nodes) > 500
    for node in nodes:
        assert labels.french.get(node) == looked_up(store, node), node
    assert labels.label(ox.NamedNode("https://w3id.org/cskg/id/x")) == "fr"
