"""A commune's page for signed-in district staff: its desks, when each last synced, and what the
server noticed about them (desk_watch): an audit history changed behind what the server had
seen, a clock that is off. The dashboard's commune names lead here."""

from flask import Blueprint, render_template

from commune_desk.district import admin, desk_watch, web
from commune_desk.district.models import Staff
from commune_desk.errors import DeskError
from commune_desk.rules.clock import TOLERANCE_S

bp = Blueprint("commune_page", __name__, url_prefix="/quan-ly/xa")

COMMUNE = """{% extends "base.html" %}
{% block title %}{{ commune.name }}{% endblock %}
{% block header %}{% include "staff_header.html" %}{% endblock %}
{% block main %}
<h1>{{ commune.name }} <small>({{ commune.agency_code }})</small></h1>
<p>{{ 'Đang được đồng bộ.' if commune.active else 'Đã thu hồi quyền đồng bộ.' }}
<a href="{{ url_for('web.dashboard') }}">Về bảng tổng hợp</a></p>
<h2>Quầy đồng bộ</h2>
<table id="quay">
<thead><tr><th>Quầy</th><th class="text">Tên máy</th><th class="text">Đồng bộ gần nhất</th>
<th class="text">Đồng hồ máy</th><th class="text">Nhật ký kiểm tra</th></tr></thead>
<tbody>
{% for d in desks %}
<tr data-desk="{{ d.device.desk }}"{% if d.audit_broken_at or d.clock %} class="warn"{% endif %}>
<td>{{ d.device.desk }}</td><td class="text">{{ d.device.label or '—' }}{% if not d.active %} (đã thu hồi){% endif %}</td>
<td class="text">{{ when(d.device.last_seen_at) if d.device.last_seen_at else 'chưa đồng bộ' }}</td>
<td class="text clock">{% if d.clock %}<strong>{{ d.clock }}</strong> so với máy chủ, đo lúc đồng bộ gần nhất; thời điểm
tiếp nhận và hẹn trả quầy ghi có thể sai.{% elif d.device.clock_offset_s is none %}chưa đo{% else %}đúng (lệch không quá
{{ tolerance_min }} phút){% endif %}{% if d.fast[0] %}<br>Máy chủ đã nhận {{ d.fast[0] }} thay đổi ghi giờ nhanh hơn đồng hồ máy chủ
(gần nhất lúc {{ when(d.fast[1]) }}).{% endif %}</td>
<td class="text audit">{% if d.audit_broken_at %}<strong>Nhật ký bị sửa đến mục {{ d.audit_seq }}</strong>: lịch sử của quầy
đến mục này không còn như máy chủ đã nhận (sửa, xoá hoặc khôi phục từ bản sao lưu cũ); phát hiện lúc {{ when(d.audit_broken_at) }}.
{% elif d.audit %}liền mạch đến mục {{ d.audit_seq }}{% else %}chưa nhận{% endif %}</td>
</tr>
{% else %}<tr><td class="text" colspan="5">Xã/phường chưa có quầy nào đăng ký.</td></tr>{% endfor %}
</tbody>
</table>
{% endblock %}"""


def install(app) -> None:
    app.jinja_loader.mapping["commune.html"] = COMMUNE
    app.register_blueprint(bp)


@bp.get("/<agency_code>")
@web.requires(admin.READER, admin.ADMIN)
def show(staff: Staff, agency_code: str):
    try:
        commune = admin.get_commune(agency_code)
    except DeskError:
        return web.message("Không tìm thấy", f"Không có xã/phường mã «{agency_code[:40]}» trên máy chủ.", 404)
    desks = desk_watch.desks(commune.id)
    for d in desks:
        d.fast = desk_watch.fast_changes(d.device)
    return render_template("commune.html", staff=staff, commune=commune, desks=desks, when=web.when,
                           tolerance_min=TOLERANCE_S // 60)
