"""Everything that draws on the terminal. The only package that imports rich."""
