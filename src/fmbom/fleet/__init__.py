"""Fleet scanning: every model, adapter and dataset of a registry, on any executor.

::

    from concurrent.futures import ProcessPoolExecutor
    from fmbom.fleet import scan_each, write_fleet

    with ProcessPoolExecutor(4) as pool:
        result = scan_each("/srv/models", executor=pool)
    write_fleet(result, "boms/")

:func:`scan_each` finds the units under a folder or URL with the single scan's layout
detection and scans each; hashing is the unit of work and runs on the executor given (any
:class:`concurrent.futures.Executor`; a ``dask.distributed.Client(...).get_executor()``
plugs in). :func:`write_fleet` writes one native BOM per unit and ``index.json``;
:func:`diff_fleets` compares two such folders. :func:`scan_url` scans one folder through
fsspec (``http(s)://``, ``s3://``, ``gs://``, ``hf://``, ...), as ``scan_each`` does a
remote registry.
"""

from __future__ import annotations

from fmbom.fleet._diff import FleetDiff, UnitChange, diff_fleets, render_fleet_diff
from fmbom.fleet._index import FleetIndex, FleetUnit, bom_file_name, read_index
from fmbom.fleet._remote import scan_url
from fmbom.fleet._scan import FleetProgress, FleetResult, UnitScan, scan_each, write_fleet

__all__ = [
    "FleetDiff",
    "FleetIndex",
    "FleetProgress",
    "FleetResult",
    "FleetUnit",
    "UnitChange",
    "UnitScan",
    "bom_file_name",
    "diff_fleets",
    "read_index",
    "render_fleet_diff",
    "scan_each",
    "scan_url",
    "write_fleet",
]
