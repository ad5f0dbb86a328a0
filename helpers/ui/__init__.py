"""ipywidgets forms, one per step; callbacks write to an Output; no boto3 here."""
