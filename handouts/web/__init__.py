"""The front desk: a local web page to pick, preview and print one handout (`handouts serve`).

Needs the optional extra: pip install "handouts[serve]". The core CLI never imports this package
except when `handouts serve` runs.
"""
