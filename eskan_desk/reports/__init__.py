"""The weekly summary: what a branch did in a Sunday-Saturday week, and its CSV/XLSX/PDF exports.

:mod:`~eskan_desk.reports.summary` computes it (no Qt, one read transaction);
:mod:`~eskan_desk.reports.rows` lays it out as labelled tables shared by every export;
``csv_writer``, ``xlsx_writer`` and ``pdf_writer`` turn it into bytes, and
:mod:`~eskan_desk.reports.export` writes those bytes to disk whole or not at all.
"""
