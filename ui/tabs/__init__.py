"""One module per tab; each reads and edits through core functions via the AppContext."""
