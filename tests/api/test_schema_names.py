"""The OpenAPI document names each schema by its class: two apps' schemas of the same name
would make one operation answer in the other's shape."""

from collections import defaultdict

from ninja import Schema

import homeroom.urls  # noqa: F401  (imports every app's API)


def schema_classes(base=Schema):
    for found in base.__subclasses__():
        yield found
        yield from schema_classes(found)


def test_no_two_api_schemas_share_a_name():
    modules = defaultdict(set)  # (Ninja may derive classes of the same name in one module)
    for found in schema_classes():
        if found.__module__.startswith("homeroom."):
            modules[found.__name__].add(found.__module__)
    assert {name: found for name, found in modules.items() if len(found) > 1} == {}
