"""The desk window (tkinter/ttk). Views are thin: they ask the Desk, the rules decide."""
