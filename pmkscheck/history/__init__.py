"""Submission history (issue 14): a store of every validated table and what changed.

An embedded SQLite store, the comparison with a district's previous submission,
``pmkscheck history`` and return files.

Modules: ``store`` (the SQLite file: location, versions, locking, errors), ``snapshot`` (what is
kept of a table: counts and keyed fingerprints, never a NIK or name), ``records`` (write / read a
snapshot), ``compare`` (the JSON ``changes`` block), ``run`` (the pipeline step), ``view``
(terminal, HTML, ``pmkscheck history``), ``split`` (``--split kecamatan|desa``).
"""
