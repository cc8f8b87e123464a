"""Which documents a stage produces, for whom, and what each one says (pure: values in and out)."""
