"""Under a dossier's story: its scans. Open the one picked in the story; attach files from a
picker, from the scan folder a network scanner writes into, or straight from a SANE scanner.
Work that blocks (the scanner, converting pages, looking at the scan folder) runs off the UI
thread, through the window's Background."""

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
        self.ready: list[Path] = []                # scans in the folder that stopped growing
        self.busy = False                          # a scan or an attach is running
        self.looking = False                       # a look at the scan folder is running
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
        self._show_ready()

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
        ready = list(self.ready)
        if self.story.dossier is not None and ready:
            self.attach(ready, "folder", done=lambda: self.folder.consumed(ready))

    def scan(self) -> None:
        if self.busy:
            return
        self._busy(True, "Đang quét…")
        desk = self.app.desk

        def scanned(_path):
            self._busy(False, "Đã quét một trang; bấm «Từ thư mục quét» để đính kèm.")
            self.look()
        self.app.background.run(lambda: scanner.scan_page(scanner.scan_folder_of(desk)), on_done=scanned,
                                on_error=self._failed)

    def attach(self, files: list[Path], source: str, done=None) -> None:
        """Convert and store off the UI thread (a page takes a fraction of a second, a thick
        dossier several seconds on a modest PC), then show the story again with the new row.
        `done` (moving the scans aside) runs there too: the scan folder may be a slow share."""
        d = self.story.dossier
        if d is None or self.busy:
            return
        desk, key, document = self.app.desk, d.code or d.uuid, chosen_document(self.document.get())
        self._busy(True, f"Đang đính kèm {len(files)} tệp…")

        def work():
            row = desk.attach(key, files, document=document, source=source)
            note = ""
            if done:
                try:
                    done()
                except OSError as exc:
                    note = f" Chưa chuyển được tệp vào «{scanner.DONE_DIR}»: {exc.strerror or exc}."
            return row, note

        def attached(result):
            row, note = result
            self.ready = [p for p in self.ready if p not in files]     # moved aside: not offered again
            self._busy(False, f"Đã đính kèm {row.pages} trang ({row.size / 1024:.0f} kB).{note}")
            shown = self.story.dossier
            if shown is not None and shown.uuid == d.uuid and desk is self.app.desk:
                self.story.show(desk.dossier(key))
        self.app.background.run(work, on_done=attached, on_error=self._failed)

    def _failed(self, exc: BaseException) -> None:
        self._busy(False, exc.message if isinstance(exc, DeskError) else f"Không thực hiện được ({exc}).")

    def _busy(self, busy: bool, text: str) -> None:
        self.busy = busy
        self.status.configure(text=text)
        for button in (self.pick_button, self.scan_button):
            if button is not None:
                button.configure(state="disabled" if busy else "normal")
        self._show_ready()

    # ---- the scan folder, looked at every 2 s off the UI thread (a share may be slow or gone) ------

    def _poll(self) -> None:
        if not self.winfo_exists():
            return
        self.look()
        self.after(POLL_MS, self._poll)

    def look(self) -> None:
        """One look at the scan folder in the background; the button says what is ready."""
        desk = getattr(self.app, "desk", None)
        if desk is None or self.looking or self.busy:
            return
        self.looking = True
        self.app.background.run(lambda: self._ready_in(desk), on_done=self._looked,
                                on_error=lambda exc: self._looked([]))

    def _ready_in(self, desk) -> list[Path]:
        try:
            path = scanner.scan_folder_of(desk)
        except OSError:                                            # a read-only data folder: no inbox
            return []
        if self.folder is None or self.folder.path != path:       # changed in Quản trị
            self.folder = scanner.ScanFolder(path)
        return self.folder.ready()

    def _looked(self, ready: list[Path]) -> None:
        self.looking = False
        self.ready = ready
        self._show_ready()

    def _show_ready(self) -> None:
        self.folder_button.configure(
            text=f"Từ thư mục quét ({len(self.ready)})" if self.ready else "Từ thư mục quét",
            state="normal" if self.ready and self.story.dossier is not None and not self.busy else "disabled")
