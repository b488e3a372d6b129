"""A commune's page for signed-in district staff: its desks, when each last synced, and what the
server noticed about them (desk_watch): an audit history changed behind what the server had
seen, a clock that is off. The dashboard's commune names lead here. A district administrator marks
an audit flag reviewed here, with a note (desk_watch.acknowledge)."""

from flask import Blueprint, render_template, request

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
{% if notice %}<p class="notice" id="thong-bao">{{ notice }}</p>{% endif %}
{% if error %}<p class="error" id="loi">{{ error }}</p>{% endif %}
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
tiếp nhận và hẹn trả quầy ghi có thể sai. Cảnh báo này tự hết khi quầy đồng bộ lại với đồng hồ đúng.{% elif d.device.clock_offset_s is none %}chưa đo{% else %}đúng (lệch không quá
{{ tolerance_min }} phút){% endif %}{% if d.fast[0] %}<br>Máy chủ đã nhận {{ d.fast[0] }} thay đổi ghi giờ nhanh hơn đồng hồ máy chủ
(gần nhất lúc {{ when(d.fast[1]) }}).{% endif %}</td>
<td class="text audit">{% if d.audit_broken_at %}<strong>Nhật ký bị sửa đến mục {{ d.audit_seq }}</strong>: lịch sử của quầy
đến mục này không còn như máy chủ đã nhận (sửa, xoá hoặc khôi phục từ bản sao lưu cũ); phát hiện lúc {{ when(d.audit_broken_at) }}.
{% elif d.audit %}liền mạch đến mục {{ d.audit_seq }}{% else %}chưa nhận{% endif %}
{%- for r in d.reviews %}<div class="review">Đã xem xét lúc {{ when(r.reviewed_at) }} bởi {{ r.staff_name }}: {{ r.note }}
<span class="hint">(cờ «Nhật ký bị sửa đến mục {{ r.head_seq }}», phát hiện lúc {{ when(r.flagged_at) }})</span></div>{% endfor %}
{%- if d.audit_broken_at and staff.role == admin_role %}
<form class="review" method="post" action="{{ url_for('commune_page.review', agency_code=commune.agency_code) }}">
<input type="hidden" name="csrf_token" value="{{ csrf_token() }}"><input type="hidden" name="device" value="{{ d.device.id }}">
<label>Ghi chú xem xét <input name="ghi_chu" id="ghi-chu-{{ d.device.desk }}" maxlength="{{ note_max }}"
placeholder="Đã kiểm tra tại xã: khôi phục bản sao lưu ngày …"></label>
<button type="submit" id="xem-xet-{{ d.device.desk }}">Đánh dấu đã xem xét</button>
<span class="hint">Cờ rời bảng tổng hợp; máy chủ theo dõi tiếp từ nhật ký quầy đang có, sửa lần nữa sẽ báo lại.</span></form>
{%- elif d.audit_broken_at %}<div class="hint">Cán bộ quản trị xem xét và đánh dấu cờ này.</div>{% endif %}</td>
</tr>
{% else %}<tr><td class="text" colspan="5">Xã/phường chưa có quầy nào đăng ký.</td></tr>{% endfor %}
</tbody>
</table>
{% endblock %}"""


def install(app) -> None:
    app.jinja_loader.mapping["commune.html"] = COMMUNE
    app.register_blueprint(bp)


def _page(staff: Staff, agency_code: str, notice=None, error=None, status=200):
    try:
        commune = admin.get_commune(agency_code)
    except DeskError:
        return web.message("Không tìm thấy", f"Không có xã/phường mã «{agency_code[:40]}» trên máy chủ.", 404)
    desks = desk_watch.with_reviews(desk_watch.desks(commune.id))
    for d in desks:
        d.fast = desk_watch.fast_changes(d.device)
    return render_template("commune.html", staff=staff, commune=commune, desks=desks, when=web.when,
                           tolerance_min=TOLERANCE_S // 60, admin_role=admin.ADMIN, note_max=desk_watch.NOTE_MAX,
                           notice=notice, error=error), status


@bp.get("/<agency_code>")
@web.requires(admin.READER, admin.ADMIN)
def show(staff: Staff, agency_code: str):
    return _page(staff, agency_code)


@bp.post("/<agency_code>/xem-xet")
@web.requires(admin.ADMIN)
def review(staff: Staff, agency_code: str):
    """A district administrator marks a desk's audit flag reviewed, with a note."""
    try:
        commune = admin.get_commune(agency_code)
        review = desk_watch.acknowledge(request.form.get("device", ""), staff, request.form.get("ghi_chu", ""),
                                        commune_id=commune.id)
    except DeskError as exc:
        return _page(staff, agency_code, error=exc.message, status=400)
    return _page(staff, agency_code, notice=f"Đã đánh dấu đã xem xét cờ nhật ký của quầy {review.device.desk}.")
