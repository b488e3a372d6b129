"""The dossier page for signed-in district staff: what the desk recorded and the scans it sent,
each one opened from here. Never linked from the public lookup, which shows no attachment."""

from flask import Blueprint, redirect, render_template, request, send_file, url_for

from commune_desk.district import admin, uploads, web
from commune_desk.district.models import Attachment, Commune, Dossier, Staff
from commune_desk.rules.statuses import LABELS, Status

bp = Blueprint("dossier_page", __name__, url_prefix="/quan-ly/ho-so")

DOSSIER = """{% extends "base.html" %}
{% block title %}Hồ sơ {{ code }}{% endblock %}
{% block header %}{% include "staff_header.html" %}{% endblock %}
{% block main %}
<form class="inline" method="get" action="{{ url_for('dossier_page.find') }}">
<label>Mã hồ sơ <input name="ma" value="{{ code }}" autocomplete="off"></label> <button type="submit">Xem</button>
</form>
{% if error %}<p class="error" id="loi">{{ error }}</p>{% else %}
<h1>Hồ sơ {{ code }}</h1>
<table class="facts">
<tr><th>Xã/phường</th><td class="text">{{ commune }}</td></tr>
<tr><th>Thủ tục</th><td class="text">{{ snap.procedure_name }}</td></tr>
<tr><th>Người nộp</th><td class="text">{{ snap.applicant_name }}</td></tr>
<tr><th>Trạng thái</th><td class="text">{{ status }}</td></tr>
<tr><th>Tiếp nhận</th><td class="text">{{ received }}</td></tr>
<tr><th>Hẹn trả</th><td class="text">{{ due }}</td></tr>
</table>
<h2>Bản số hoá ({{ files|length }})</h2>
{% if files %}
<table id="tep-dinh-kem"><tr><th>Giấy tờ</th><th>Tệp</th><th>Dung lượng</th><th>Nhận lúc</th></tr>
{% for f in files %}
<tr><td class="text">{{ f.label }}</td>
<td class="text"><a href="{{ url_for('dossier_page.open_file', code=code, sha256=f.sha256) }}">{{ f.name or f.sha256[:12] }}</a></td>
<td>{{ f.kb }} kB</td><td class="text">{{ f.when }}</td></tr>
{% endfor %}</table>
{% else %}<p>Quầy chưa gửi bản số hoá nào của hồ sơ này.</p>{% endif %}
{% endif %}
{% endblock %}"""


def install(app) -> None:
    app.jinja_loader.mapping["dossier.html"] = DOSSIER
    app.register_blueprint(bp)


def _dossier(code: str):
    text = (code or "").strip()
    return Dossier.get_or_none((Dossier.code == text.upper()) | (Dossier.uuid == text.lower()))


@bp.get("")
@web.requires(admin.READER, admin.ADMIN)
def find(staff: Staff):
    code = request.args.get("ma", "").strip()
    if not code:
        return web.message("Xem hồ sơ", "Hãy nhập mã hồ sơ.", 400)
    return redirect(url_for("dossier_page.show", code=code))


@bp.get("/<path:code>")
@web.requires(admin.READER, admin.ADMIN)
def show(staff: Staff, code: str):
    dossier = _dossier(code)
    if dossier is None:
        return render_template("dossier.html", staff=staff, code=code, files=[],
                               error=f"Không có hồ sơ «{code}» trên máy chủ."), 404
    snap = dossier.snapshot or {}
    files = [{**f, "kb": max(1, round(f["size"] / 1024)), "when": web.when(f["received_at"])}
             for f in uploads.attachments_of(dossier)]
    return render_template("dossier.html", staff=staff, code=dossier.code or dossier.uuid, snap=snap, files=files,
                           commune=Commune.get_by_id(dossier.commune_id).name, error=None,
                           status=LABELS.get(Status(dossier.status), str(dossier.status)),
                           received=web.when(snap.get("received_at")), due=web.when(snap.get("due_at")))


@bp.get("/<path:code>/tep/<sha256>")
@web.requires(admin.READER, admin.ADMIN)
def open_file(staff: Staff, code: str, sha256: str):
    dossier = _dossier(code)
    if dossier is None or not Attachment.select().where(Attachment.dossier == dossier.id,
                                                        Attachment.sha256 == sha256).exists():
        return web.message("Không tìm thấy", "Hồ sơ không có tệp này.", 404)
    store = uploads.store()
    if not store.has(sha256):
        return web.message("Chưa nhận đủ", "Tệp này chưa được quầy gửi lên đầy đủ.", 404)
    return send_file(store.open(sha256), mimetype="application/pdf", as_attachment=False,
                     download_name=f"{(dossier.code or dossier.uuid).replace('/', '-')}-{sha256[:8]}.pdf",
                     max_age=0)
