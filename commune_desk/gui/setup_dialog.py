"""First run: the office, its identifier, the desk number and the clerk, then the catalog loads."""

import tkinter as tk
from tkinter import ttk

from commune_desk.errors import DeskError
from commune_desk.gui.widgets import Field, enter_moves_on


class SetupDialog(tk.Toplevel):
    def __init__(self, app):
        super().__init__(app)
        self.app = app
        self.title("Thiết lập quầy lần đầu")
        self.configure(background="white")
        self.transient(app)
        body = ttk.Frame(self, style="Panel.TFrame", padding=20)
        body.pack(fill="both", expand=True)
        ttk.Label(body, text="Thiết lập Bộ phận Một cửa", style="Big.TLabel").pack(anchor="w", pady=(0, 10))
        self.fields = {
            "office_name": Field(body, "Tên cơ quan (ví dụ: UBND xã Phúc Lợi)", 44, required=True),
            "agency_code": Field(body, "Mã định danh điện tử của cơ quan (ví dụ: 000.30.36.H26)", 44, required=True),
            "desk": Field(body, "Số hiệu quầy (1–9)", 10, required=True),
            "clerk_name": Field(body, "Họ tên cán bộ tiếp nhận", 44),
        }
        self.fields["desk"].set("1")
        for f in self.fields.values():
            f.pack(fill="x", pady=3)
        enter_moves_on([f.input for f in self.fields.values()])
        ttk.Button(body, text="Lưu thiết lập", style="Accent.TButton", command=self.save).pack(anchor="e", pady=(10, 0))
        self.protocol("WM_DELETE_WINDOW", self.app.destroy)
        self.fields["office_name"].input.focus_set()
        self.grab_set()

    def save(self) -> None:
        for f in self.fields.values():
            f.show_error(None)
        desk_no = self.fields["desk"].get().strip()
        if not desk_no.isdigit():
            self.fields["desk"].show_error("Số hiệu quầy phải là một chữ số từ 1 đến 9.")
            return
        try:
            self.app.desk.setup(office_name=self.fields["office_name"].get(),
                                agency_code=self.fields["agency_code"].get(), desk=int(desk_no),
                                clerk_name=self.fields["clerk_name"].get())
        except DeskError as exc:
            self.fields.get(exc.field, self.fields["office_name"]).show_error(exc.message)
            return
        self.grab_release()
        self.destroy()
        self.app.event_generate("<<OfficeChanged>>")
