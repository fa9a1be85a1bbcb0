"""Domain knowledge of PMKS data, one small module per kind of value: pure, it imports no stage.

The normalisers (:mod:`pmkscheck.normalise`) and checks use it; each module keeps its
element-wise logic per *unique* value: ``jenis`` (26 jenis PMKS), ``wilayah`` (kecamatan, desa,
kab/kota), ``district`` (which kab/kota a file belongs to), and the identifier/date modules.
"""
