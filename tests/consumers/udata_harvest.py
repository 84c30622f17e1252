"""Harvest a cskg release with data.gouv.fr's own DCAT harvester (udata), offline.

Run by ``tests/test_udata.py`` in ``.venv-udata`` (udata's dependencies clash with cskg's):
``python udata_harvest.py CATALOG_FILE CATALOG_URL LICENCES_JSON``. It serves the catalogue at
its URL through requests-mock (no other URL answers), refuses every non-loopback socket, runs
``udata.harvest.actions.run`` (``DcatBackend`` → ``dataset_from_rdf`` / ``resource_from_rdf``)
on a mongomock database, and prints what udata stored, as JSON, on stdout.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import socket
import sys
from pathlib import Path


def refuse_network() -> None:
    """Any connection other than loopback raises: udata must read the graph, not fetch."""
    original = socket.socket.connect

    def connect(self: socket.socket, address: object) -> None:
        host = address[0] if isinstance(address, tuple) else None
        if host is not None:
            try:
                allowed = ipaddress.ip_address(host).is_loopback
            except ValueError:
                allowed = host == "localhost"
            if not allowed:
                raise OSError(f"network refused in the udata test: {address}")
        original(self, address)  # type: ignore[arg-type]

    socket.socket.connect = connect  # type: ignore[method-assign]


def _network_refused() -> bool:
    """Whether a connection to a public address (TEST-NET-1) is refused by ``refuse_network``."""
    try:
        socket.create_connection(("192.0.2.1", 80), timeout=1).close()
    except OSError as error:
        return "network refused" in str(error)
    return False


def main(catalog: Path, url: str, licences: Path) -> dict[str, object]:
    refuse_network()
    refused = _network_refused()
    import mongomock
    import requests_mock
    from udata import settings
    from udata.app import create_app

    class Offline(settings.Testing):
        # mongoengine 0.29 dropped the ``mongomock://`` URL: the client class is passed instead.
        MONGODB_SETTINGS = {
            "host": "mongodb://localhost/udata",
            "mongo_client_class": mongomock.MongoClient,
        }
        HARVESTER_BACKENDS = ["dcat"]
        DEFAULT_LANGUAGE = "fr"

    app = create_app(settings.Defaults, override=Offline)
    with app.app_context(), requests_mock.Mocker() as web:
        from udata.core.dataset.models import Dataset, License
        from udata.core.organization.models import Organization
        from udata.harvest import actions
        from udata.harvest.models import HarvestSource

        # The licences as data.gouv.fr's API lists them (licences.json says where from).
        for record in json.loads(licences.read_text(encoding="utf-8")):
            License(**record).save()
        web.get(url, content=catalog.read_bytes(), headers={"Content-Type": "text/turtle"})
        publisher = Organization(name="Éditeur", description="Éditeur moissonné").save()
        source = HarvestSource(name="cskg", url=url, backend="dcat", organization=publisher).save()
        logging.disable(logging.CRITICAL)
        actions.run(source)
        source.reload()
        job = source.get_last_job()
        items = [
            {
                "remote_id": item.remote_id,
                "status": item.status,
                "errors": [error.message for error in item.errors],
            }
            for item in job.items
        ]
        datasets = []
        for dataset in Dataset.objects:
            spatial = dataset.spatial.geom if dataset.spatial and dataset.spatial.geom else None
            temporal = dataset.temporal_coverage
            datasets.append(
                {
                    "identifier": dataset.harvest.dct_identifier,
                    "remote_url": dataset.harvest.remote_url,
                    "uri": dataset.harvest.uri,
                    "title": dataset.title,
                    "description": dataset.description,
                    "tags": list(dataset.tags),
                    "license": dataset.license.id if dataset.license else None,
                    "frequency": str(dataset.frequency.value) if dataset.frequency else None,
                    "temporal": [
                        temporal.start.isoformat() if temporal and temporal.start else None,
                        temporal.end.isoformat() if temporal and temporal.end else None,
                    ],
                    "spatial": spatial,
                    "issued": str(dataset.harvest.issued_at or ""),
                    "modified": str(dataset.harvest.modified_at or ""),
                    "contact_points": [
                        {"name": c.name, "email": c.email, "role": c.role}
                        for c in dataset.contact_points
                    ],
                    "resources": [
                        {
                            "identifier": r.harvest.dct_identifier if r.harvest else None,
                            "title": r.title,
                            "url": r.url,
                            "format": r.format,
                            "mime": r.mime,
                            "filesize": r.filesize,
                            "checksum": [r.checksum.type, r.checksum.value] if r.checksum else None,
                            "type": r.type,
                        }
                        for r in dataset.resources
                    ],
                }
            )
        return {
            "network_refused": refused,
            "status": job.status,
            "errors": [error.message for error in job.errors],
            "items": items,
            "datasets": datasets,
        }


if __name__ == "__main__":
    result = main(Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3]))
    json.dump(result, sys.stdout, ensure_ascii=False, indent=1, sort_keys=True, default=str)
