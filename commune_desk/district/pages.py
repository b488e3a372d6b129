"""The district's HTML pages (Vietnamese), as Jinja templates kept in code so they ship with
the package as plain Python."""

STYLE = """body { font-family: "Segoe UI", "Noto Sans", Arial, sans-serif; margin: 0; color: #1b1b1b; }
header { background: #8b1a1a; color: #fff; padding: .6rem 1rem; display: flex; gap: 1rem; align-items: center; }
header a { color: #fff; }
header .who { margin-left: auto; }
header form { display: inline; }
main { padding: 1rem; max-width: 1200px; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1.2rem; }
th, td { border: 1px solid #bbb; padding: .3rem .45rem; text-align: right; }
th { background: #f2e7e7; }
td.text, th.text { text-align: left; }
td form { display: inline; }
.notice { padding: .6rem; background: #fff4d6; border: 1px solid #e0c060; max-width: 48rem; }
.error { padding: .6rem; background: #fde2e2; border: 1px solid #d08080; max-width: 48rem; }
form.inline label { margin-right: .8rem; }
form.card { max-width: 26rem; padding: 1rem 1.2rem; border: 1px solid #d8c4c4; background: #fbf7f7; }
form.card input { width: 100%; box-sizing: border-box; padding: .35rem; font-size: 1rem; }
form.card button { padding: .4rem 1.2rem; font-size: 1rem; }
.hint { color: #555; font-size: .9rem; }
dl.result dt { font-weight: bold; margin-top: .4rem; }
.flag { color: #8b1a1a; font-size: .85rem; font-weight: bold; margin-top: .2rem; min-width: 12rem; }
tr.warn td { background: #fff4d6; }
.digitised { font-size: .85rem; color: #333; white-space: nowrap; }
div.review { margin-top: .3rem; }
form.review { margin-top: .4rem; }
form.review label { display: block; }
form.review input { display: block; width: 100%; box-sizing: border-box; margin: .2rem 0 .3rem; padding: .25rem; }
"""

BASE = """<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{% block title %}{% endblock %} — Một cửa</title>
<link rel="stylesheet" href="{{ url_for('style') }}">
</head>
<body>
<header>{% block header %}<span>Bộ phận Một cửa — Hệ thống cấp trên</span>{% endblock %}</header>
<main>{% block main %}{% endblock %}</main>
</body>
</html>"""

LOOKUP = """{% extends "base.html" %}
{% block title %}Tra cứu hồ sơ{% endblock %}
{% block main %}
<h1>Tra cứu tình trạng hồ sơ</h1>
<form class="card" method="post" action="{{ url_for('web.lookup_result') }}">
  <input type="hidden" name="csrf_token" value="{{ csrf_token() }}">
  <p><label for="ma">Mã hồ sơ (in trên giấy hẹn)</label><br>
  <input id="ma" name="ma" value="{{ code or '' }}" maxlength="60" placeholder="000.30.36.H26-261122-0001"{% if not code %} autofocus{% endif %}></p>
  <p><label for="so">4 số cuối số điện thoại hoặc số CCCD/CMND đã khai khi nộp</label><br>
  <input id="so" name="so" inputmode="numeric" maxlength="4" autocomplete="off"{% if code %} autofocus{% endif %}></p>
  <p><button type="submit" id="tra-cuu">Tra cứu</button></p>
</form>
{% if error %}<p class="error" id="loi">{{ error }}</p>{% endif %}
{% if found %}
<dl class="result" id="ket-qua">
  <dt>Mã hồ sơ</dt><dd id="ma-ho-so">{{ found.code }}</dd>
  <dt>Người nộp</dt><dd id="nguoi-nop">{{ found.name }}</dd>
  <dt>Thủ tục</dt><dd id="thu-tuc">{{ found.procedure }}</dd>
  <dt>Ngày tiếp nhận</dt><dd id="ngay-nhan">{{ found.received }}</dd>
  <dt>Ngày hẹn trả</dt><dd id="hen-tra">{{ found.due }}</dd>
  <dt>Tình trạng</dt><dd id="tinh-trang">{{ found.status }}</dd>
</dl>
{% endif %}
{% endblock %}"""

LOGIN = """{% extends "base.html" %}
{% block title %}Đăng nhập{% endblock %}
{% block main %}
<h1>Đăng nhập dành cho cán bộ</h1>
{% if error %}<p class="error" id="loi">{{ error }}</p>{% endif %}
<form class="card" method="post" action="{{ url_for('web.login') }}">
  <input type="hidden" name="csrf_token" value="{{ csrf_token() }}">
  <p><label for="username">Tên đăng nhập</label><br><input id="username" name="username" autocomplete="username" maxlength="60" autofocus></p>
  <p><label for="password">Mật khẩu</label><br><input id="password" name="password" type="password" autocomplete="current-password"></p>
  <p><button type="submit" id="dang-nhap">Đăng nhập</button></p>
  <p class="hint">Đăng nhập sai nhiều lần liên tiếp, tài khoản sẽ tạm bị khoá 15 phút.</p>
</form>
{% endblock %}"""

STAFF_HEADER = """<span>Bộ phận Một cửa — Hệ thống cấp trên</span>
<a href="{{ url_for('web.dashboard') }}">Tổng hợp</a>
{% if staff.role == 'quan-tri' %}<a href="{{ url_for('web.admin_page') }}" id="quan-tri">Quản trị</a>{% endif %}
<span class="who">{{ staff.name or staff.username }}</span>
<form method="post" action="{{ url_for('web.logout') }}">
<input type="hidden" name="csrf_token" value="{{ csrf_token() }}"><button type="submit" id="dang-xuat">Đăng xuất</button></form>"""

DASHBOARD = """{% extends "base.html" %}
{% block title %}Tổng hợp tình hình giải quyết hồ sơ{% endblock %}
{% block header %}{% include "staff_header.html" %}{% endblock %}
{% block main %}
<h1>Tình hình tiếp nhận và giải quyết hồ sơ</h1>
<form class="inline" method="get" action="{{ url_for('web.dashboard') }}">
  <label>Từ ngày <input type="date" id="tu" name="tu" value="{{ period_from }}"></label>
  <label>Đến ngày <input type="date" id="den" name="den" value="{{ period_to }}"></label>
  <button type="submit" id="xem">Xem</button>
</form>
{% if error %}<p class="error" id="loi">{{ error }}</p>{% endif %}
<p>Kỳ báo cáo: {{ period_from_vn }} – {{ period_to_vn }}; số liệu tính đến {{ at_vn }}.</p>
<table id="tong-hop">
<thead>
<tr><th class="text" rowspan="2">Xã/phường</th><th colspan="6">Số hồ sơ nhận</th><th colspan="4">Đã giải quyết</th>
<th colspan="3">Đang giải quyết</th><th rowspan="2">Yêu cầu bổ sung</th><th rowspan="2">Rút / dừng</th>
<th rowspan="2">Trả qua bưu chính</th><th rowspan="2">Tỷ lệ đúng hạn</th></tr>
<tr><th>Tổng</th><th>Kỳ trước chuyển sang</th><th>Mới</th><th>Trực tiếp</th><th>Trực tuyến</th><th>Bưu chính</th>
<th>Tổng</th><th>Trước hạn</th><th>Đúng hạn</th><th>Quá hạn</th><th>Tổng</th><th>Trong hạn</th><th>Quá hạn</th></tr>
</thead>
<tbody>
{% for row in rows %}
<tr data-agency="{{ row.agency_code }}">
<td class="text"><a href="{{ url_for('commune_page.show', agency_code=row.agency_code) }}">{{ row.name }}</a> <small>({{ row.agency_code }})</small>
<div class="digitised" title="Hồ sơ nhận trong kỳ có bản quét đủ các giấy tờ đã nộp trên máy chủ">Số hoá: {{ row.digitised }}</div>
{%- for f in row.flags %}<div class="flag">{{ f }}</div>{% endfor %}</td>
<td class="received">{{ row.r.received }}</td><td>{{ row.r.carried_over }}</td><td class="new">{{ row.r.new }}</td>
<td>{{ row.r.new_by_channel['1'] }}</td><td class="online">{{ row.r.new_by_channel['2'] }}</td><td>{{ row.r.new_by_channel['3'] }}</td>
<td class="resolved">{{ row.r.resolved }}</td><td>{{ row.r.resolved_early }}</td><td>{{ row.r.resolved_on_time }}</td><td class="resolved-late">{{ row.r.resolved_late }}</td>
<td class="open">{{ row.r.open }}</td><td>{{ row.r.open_within }}</td><td class="open-overdue">{{ row.r.open_overdue }}</td>
<td>{{ row.r.supplement_requests }}</td><td>{{ row.r.withdrawn }}</td><td>{{ row.r.delivered_by_post }}</td>
<td class="rate">{{ row.rate }}</td>
</tr>
{% endfor %}
</tbody>
</table>
<h2>Hồ sơ quá hạn chưa giải quyết ({{ overdue|length }})</h2>
{% if overdue %}
<table id="qua-han">
<thead><tr><th class="text">Mã hồ sơ</th><th class="text">Xã/phường</th><th class="text">Thủ tục</th><th class="text">Người nộp</th>
<th class="text">Hẹn trả</th><th>Số ngày quá hạn</th></tr></thead>
<tbody>
{% for o in overdue %}
<tr><td class="text code"><a href="{{ url_for('dossier_page.show', code=o.code) }}">{{ o.code }}</a></td><td class="text">{{ o.commune }}</td><td class="text">{{ o.procedure_name }}</td>
<td class="text">{{ o.applicant_name }}</td><td class="text">{{ o.due_vn }}</td><td>{{ o.overdue_days }}</td></tr>
{% endfor %}
</tbody>
</table>
{% else %}<p id="khong-qua-han">Không có hồ sơ quá hạn.</p>{% endif %}
{% endblock %}"""

MESSAGE = """{% extends "base.html" %}
{% block title %}{{ title }}{% endblock %}
{% block main %}<h1>{{ title }}</h1><p class="notice" id="thong-bao">{{ message }}</p>{% endblock %}"""

ADMIN = """{% extends "base.html" %}
{% block title %}Quản trị{% endblock %}
{% block header %}{% include "staff_header.html" %}{% endblock %}
{% block main %}
<h1>Quản trị hệ thống</h1>
{% if notice %}<p class="notice" id="thong-bao">{{ notice }}</p>{% endif %}
{% if error %}<p class="error" id="loi">{{ error }}</p>{% endif %}
<h2>Xã/phường và quầy đồng bộ</h2>
<table id="xa-phuong">
<thead><tr><th class="text">Mã cơ quan</th><th class="text">Tên</th><th class="text">Tình trạng</th>
<th class="text">Quầy</th><th class="text">Thao tác</th></tr></thead>
<tbody>
{% for item in communes %}{% set c = item.c %}
<tr data-agency="{{ c.agency_code }}"><td class="text">{{ c.agency_code }}</td><td class="text"><a href="{{ url_for('commune_page.show', agency_code=c.agency_code) }}">{{ c.name }}</a></td>
<td class="text">{{ 'hoạt động' if c.active else 'đã thu hồi' }}</td>
<td class="text">{% for d in item.devices %}<div>Quầy {{ d.desk }} {{ d.label }} — {% if d.revoked_at %}đã thu hồi{% else %}{{ seen(d.last_seen_at) }}
<form method="post" action="{{ url_for('web.admin_action', action='quay-thu-hoi') }}"><input type="hidden" name="csrf_token" value="{{ csrf_token() }}">
<input type="hidden" name="device" value="{{ d.id }}"><button type="submit">Thu hồi quầy</button></form>{% endif %}</div>{% else %}chưa có quầy{% endfor %}</td>
<td class="text">{% if c.active %}<form method="post" action="{{ url_for('web.admin_action', action='xa-cap-ma') }}"><input type="hidden" name="csrf_token" value="{{ csrf_token() }}">
<input type="hidden" name="agency_code" value="{{ c.agency_code }}"><button type="submit">Cấp mã đăng ký</button></form>
<form method="post" action="{{ url_for('web.admin_action', action='xa-thu-hoi') }}"><input type="hidden" name="csrf_token" value="{{ csrf_token() }}">
<input type="hidden" name="agency_code" value="{{ c.agency_code }}"><button type="submit">Thu hồi</button></form>{% endif %}</td></tr>
{% else %}<tr><td class="text" colspan="5">Chưa có xã/phường nào.</td></tr>{% endfor %}
</tbody>
</table>
<form class="inline" id="them-xa" method="post" action="{{ url_for('web.admin_action', action='xa-them') }}">
<input type="hidden" name="csrf_token" value="{{ csrf_token() }}">
<label>Mã cơ quan <input name="agency_code" id="xa-ma" maxlength="40" placeholder="000.30.36.H26"></label>
<label>Tên <input name="name" id="xa-ten" maxlength="200" placeholder="UBND xã Phúc Lợi"></label>
<button type="submit" id="xa-them">Thêm và cấp mã</button>
</form>
<h2>Tài khoản cán bộ</h2>
<table id="can-bo">
<thead><tr><th class="text">Tên đăng nhập</th><th class="text">Họ tên</th><th class="text">Vai trò</th>
<th class="text">Tình trạng</th><th class="text">Thao tác</th></tr></thead>
<tbody>
{% for p in people %}
<tr data-username="{{ p.username }}"><td class="text">{{ p.username }}</td><td class="text">{{ p.name }}</td>
<td class="text">{{ roles.get(p.role, p.role) }}</td><td class="text">{{ 'hoạt động' if p.active else 'đã khoá' }}</td>
<td class="text">{% if p.active and p.id != staff.id %}<form method="post" action="{{ url_for('web.admin_action', action='can-bo-khoa') }}">
<input type="hidden" name="csrf_token" value="{{ csrf_token() }}"><input type="hidden" name="username" value="{{ p.username }}">
<button type="submit">Khoá</button></form>{% endif %}</td></tr>
{% endfor %}
</tbody>
</table>
<form class="inline" id="them-can-bo" method="post" action="{{ url_for('web.admin_action', action='can-bo-them') }}">
<input type="hidden" name="csrf_token" value="{{ csrf_token() }}">
<label>Tên đăng nhập <input name="username" maxlength="60" autocomplete="off"></label>
<label>Họ tên <input name="name" maxlength="120"></label>
<label>Vai trò <select name="role">{% for key, label in roles.items() %}<option value="{{ key }}">{{ label }}</option>{% endfor %}</select></label>
<label>Mật khẩu <input name="password" type="password" autocomplete="new-password"></label>
<button type="submit">Tạo / đặt lại mật khẩu</button>
</form>
<h2>Nhật ký thao tác gần đây</h2>
<table id="nhat-ky">
<thead><tr><th class="text">Lúc</th><th class="text">Cán bộ</th><th class="text">Thao tác</th><th class="text">Đối tượng</th>
<th class="text">Chi tiết</th></tr></thead>
<tbody>
{% for a in actions %}<tr><td class="text">{{ seen(a.at) }}</td><td class="text">{{ a.username }}</td>
<td class="text">{{ action_labels.get(a.action, a.action) }}</td><td class="text">{{ a.target }}</td><td class="text">{{ a.detail }}</td></tr>
{% else %}<tr><td class="text" colspan="5">Chưa có thao tác nào.</td></tr>{% endfor %}
</tbody>
</table>
{% endblock %}"""

TEMPLATES = {"base.html": BASE, "lookup.html": LOOKUP, "login.html": LOGIN, "staff_header.html": STAFF_HEADER,
             "dashboard.html": DASHBOARD, "admin.html": ADMIN, "message.html": MESSAGE}
