"""Shared library of the press-freedom dashboard: contract, query layer, charts, i18n."""
