"""``serialise.compact_iri`` indexes the namespaces by length: it must give what a scan of
every prefix in order gives (the first prefix that covers the IRI with a local name not
starting with "/")."""

from __future__ import annotations

import random

from converter.serialise import OUTPUT_PREFIXES, compact_iri
from converter.site.describe import SITE_PREFIXES


def scanned(iri: str, prefixes: dict[str, str]) -> str:
    for prefix, namespace in prefixes.items():
        local = iri.removeprefix(namespace)
        if local != iri and local and not local.startswith("/"):
            return f"{prefix}:{local}"
    return iri


def test_compact_iri_equals_a_scan_of_every_prefix() -> None:
    # overlapping namespaces, in an order where the shorter comes first and where it comes last
    overlapping = {"a": "http://x.org/", "b": "http://x.org/v/", "c": "http://x.org/v/", "": ""}
    mappings = [OUTPUT_PREFIXES, SITE_PREFIXES, overlapping, dict(reversed(overlapping.items()))]
    rng = random.Random(1)
    pieces = ["", "/", "#", "a", "v/", "é", "v//x", "Action"]
    for prefixes in mappings:
        namespaces = [*prefixes.values(), "http://x.org", "urn:x:"]
        for _ in range(3000):
            iri = rng.choice(namespaces) + "".join(rng.choices(pieces, k=rng.randrange(3)))
            assert compact_iri(iri, prefixes) == scanned(iri, prefixes), (iri, prefixes)


def test_a_changed_mapping_is_seen() -> None:
    prefixes = {"a": "http://x.org/"}
    assert compact_iri("http://x.org/v/w", prefixes) == "a:v/w"
    prefixes["b"] = "http://x.org/v/"
    prefixes.pop("a")
    assert compact_iri("http://x.org/v/w", prefixes) == "b:w"
