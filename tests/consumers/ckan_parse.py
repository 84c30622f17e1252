"""Read a cskg catalogue with ckanext-dcat's RDF parser and its DCAT-AP 3 profile, offline.

Run by ``tests/test_ckan.py`` in ``.venv-ckan`` (CKAN pins its own dependencies):
``python ckan_parse.py CATALOG_FILE``. No CKAN site is needed: ``RDFParser`` parses the graph
and its ``euro_dcat_ap_3`` profile maps it to CKAN dataset dicts (no database, no Solr),
with ``ckan.locale_default = fr`` as a French CKAN site has it. Every non-loopback socket is
refused. Prints the dataset dicts as JSON on stdout.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main(catalog: Path) -> list[dict[str, object]]:
    from udata_harvest import refuse_network  # beside this script (run as a script)

    refuse_network()
    from ckanext.dcat.processors import RDFParser
    from ckantoolkit import config

    config["ckan.locale_default"] = "fr"
    parser = RDFParser(profiles=["euro_dcat_ap_3"])
    parser.parse(catalog.read_bytes(), _format="turtle")
    return list(parser.datasets())


if __name__ == "__main__":
    json.dump(main(Path(sys.argv[1])), sys.stdout, ensure_ascii=False, sort_keys=True, default=str)
