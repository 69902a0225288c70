"""ReportLab documents: the declaration, the support request form and the receipt.

Importing any module of this package first registers the ``rlbidi`` shim (see
:mod:`eskan_desk.printing.arabic`), which ReportLab looks for once, when it is first imported.
Code outside this package that uses ReportLab should import ``eskan_desk.printing`` first.
"""

from eskan_desk.printing import arabic as _arabic  # noqa: F401 - before any reportlab import
