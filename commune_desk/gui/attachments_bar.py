"""Under a dossier's story: its scans. Open the one picked in the story; attach files from a
picker, from the scan folder a network scanner writes into, or straight from a SANE scanner.
Work that blocks (the scanner, converting pages) runs off the UI thread."""

import threading
from pathlib import Path
from tkinter import filedialog, ttk

from commune_desk import scanner
from commune_desk.errors import DeskError

WHOLE = "Cả hồ sơ"
FILETYPES = [("Bản quét (PDF, JPEG, PNG, TIFF)", "*.pdf *.jpg *.jpeg *.png *.tif *.tiff"), ("Mọi tệp", "*")]
POLL_MS = 2000


def document_choices(dossier) -> list[str]:
    return [WHOLE] + [f"{i}. {d['name']}" for i, d in enumerate(dossier.documents or [], 1)]


def chosen_document(text: str) -> int | None:
    head = text.split(".", 1)[0]
    return int(head) if head.isdigit() else None


class AttachmentsBar(ttk.Frame):
    def __init__(self, story):
        super().__init__(story, style="Panel.TFrame")
        self.story, self.app = story, story.app
        self.files: dict[str, tuple] = {}          # story row -> (attachment path, shown name)
        self.folder = None
        self.busy = False
        # two rows, so that the bar fits a 1024 px counter screen
        self.columnconfigure(1, weight=1)
        ttk.Label(self, text="Giấy tờ:", style="Panel.TLabel").grid(row=0, column=0, sticky="w")
        self.document = ttk.Combobox(self, state="readonly", width=20)
        self.document.grid(row=0, column=1, sticky="ew", padx=(4, 0))
        row = ttk.Frame(self, style="Panel.TFrame")
        row.grid(row=1, column=0, columnspan=2, sticky="ew", pady=(4, 0))
        self.open_button = ttk.Button(row, text="Mở bản số hoá", command=self.open_selected, state="disabled")
        self.pick_button = ttk.Button(row, text="Đính kèm tệp…", command=self.pick_files)
        self.folder_button = ttk.Button(row, text="Từ thư mục quét", command=self.from_folder, state="disabled")
        for b in (self.open_button, self.pick_button, self.folder_button):
            b.pack(side="left", padx=(0, 6))
        self.scan_button = None
        if scanner.scanner_available():
            self.scan_button = ttk.Button(row, text="Quét", command=self.scan)
            self.scan_button.pack(side="left", padx=(0, 6))
        self.status = ttk.Label(row, text="", style="Panel.TLabel")
        self.status.pack(side="left", fill="x", expand=True)
        story.events.bind("<<TreeviewSelect>>", lambda e: self._selection(), add="+")
        story.events.bind("<Double-1>", lambda e: self.open_selected(), add="+")
        self.after(POLL_MS, self._poll)

    # ---- the story's dossier ---------------------------------------------------------------

    def show(self, dossier, events) -> None:
        desk = self.app.desk
        self.files = {}
        by_sha = {a.sha256: a for a in desk.attachments_of(dossier)}
        for e in events:
            if e.kind == "attachment_added" and e.data.get("sha256") in by_sha:
                row = by_sha[e.data["sha256"]]
                self.files[str(e.seq)] = (desk.attachment_file(row), f"{dossier.code or dossier.uuid}-{row.id}")
        choices = document_choices(dossier)
        self.document.configure(values=choices)
        if self.document.get() not in choices:
            self.document.set(choices[0])
        self._selection()

    def _selection(self) -> None:
        picked = self.story.events.selection()
        self.open_button.configure(state="normal" if picked and picked[0] in self.files else "disabled")

    def open_selected(self) -> None:
        picked = self.story.events.selection()
        if not picked or picked[0] not in self.files:
            return
        path, name = self.files[picked[0]]
        try:
            scanner.open_file(path, name)
        except (DeskError, OSError) as exc:
            self.status.configure(text=getattr(exc, "message", str(exc)))

    # ---- attaching -------------------------------------------------------------------------

    def pick_files(self) -> None:
        if self.story.dossier is None:
            return
        chosen = filedialog.askopenfilenames(parent=self, title="Chọn bản quét", filetypes=FILETYPES)
        if chosen:
            self.attach([Path(p) for p in chosen], "file")

    def from_folder(self) -> None:
        ready = self.folder.ready() if self.folder else []
        if self.story.dossier is not None and ready:
            self.attach(ready, "folder", done=lambda: self.folder.consumed(ready))

    def scan(self) -> None:
        if self.busy:
            return
        self.busy = True
        self.status.configure(text="Đang quét…")
        folder = scanner.scan_folder_of(self.app.desk)

        def work():
            try:
                scanner.scan_page(folder)
                message = "Đã quét một trang; bấm «Từ thư mục quét» để đính kèm."
            except DeskError as exc:
                message = exc.message
            self.after(0, lambda: self._finished(message))
        threading.Thread(target=work, daemon=True).start()

    def attach(self, files: list[Path], source: str, done=None) -> None:
        """Convert and store on the UI thread's desk (the file is small work next to a click),
        then show the story again with the new row."""
        d = self.story.dossier
        try:
            row = self.app.desk.attach(d.code or d.uuid, files, document=chosen_document(self.document.get()),
                                       source=source)
        except DeskError as exc:
            self.status.configure(text=exc.message)
            return
        if done:
            done()
        self.status.configure(text=f"Đã đính kèm {row.pages} trang ({row.size / 1024:.0f} kB).")
        self.story.show(self.app.desk.dossier(d.code or d.uuid))

    def _finished(self, message: str) -> None:
        self.busy = False
        self.status.configure(text=message)

    def _poll(self) -> None:
        try:
            if getattr(self.app, "desk", None) is not None:
                path = scanner.scan_folder_of(self.app.desk)
                if self.folder is None or self.folder.path != path:       # changed in Quản trị
                    self.folder = scanner.ScanFolder(path)
            ready = self.folder.ready() if self.folder else []
            self.folder_button.configure(
                text=f"Từ thư mục quét ({len(ready)})" if ready else "Từ thư mục quét",
                state="normal" if ready and self.story.dossier is not None else "disabled")
        finally:
            if self.winfo_exists():
                self.after(POLL_MS, self._poll)
