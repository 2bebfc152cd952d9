"""`python -m bench`: the product measured against the raw database (see bench/__main__.py)."""
