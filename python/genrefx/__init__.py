"""genrefx."""
