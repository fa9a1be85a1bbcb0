"""Domain knowledge of PMKS data, one small module per kind of value (stage ② normalise).

Each module registers its normalisers with :func:`pmkscheck.normalise.register` and keeps its
element-wise logic per *unique* value: ``jenis`` (26 jenis PMKS), ``wilayah`` (kecamatan, desa,
kab/kota), ``district`` (which kab/kota a file belongs to), and the identifier/date modules.
"""
