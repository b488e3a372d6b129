"""Pure domain rules: no I/O, no tkinter, no database."""
