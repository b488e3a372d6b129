"""The district's HTML pages (Vietnamese), as Jinja templates kept in code so they ship with
the package as plain Python."""

BASE = """<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{% block title %}{% endblock %} — Một cửa</title>
<style>
body { font-family: "Segoe UI", "Noto Sans", Arial, sans-serif; margin: 0; color: #1b1b1b; }
header { background: #8b1a1a; color: #fff; padding: .6rem 1rem; }
header a { color: #fff; }
main { padding: 1rem; max-width: 1200px; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1.2rem; }
th, td { border: 1px solid #bbb; padding: .3rem .45rem; text-align: right; }
th { background: #f2e7e7; }
td.text, th.text { text-align: left; }
.notice { padding: .6rem; background: #fff4d6; border: 1px solid #e0c060; }
.error { padding: .6rem; background: #fde2e2; border: 1px solid #d08080; }
form.inline label { margin-right: .8rem; }
dl.result dt { font-weight: bold; margin-top: .4rem; }
</style>
</head>
<body>
<header>{% block header %}Bộ phận Một cửa — Hệ thống cấp trên{% endblock %}</header>
<main>{% block main %}{% endblock %}</main>
</body>
</html>"""

LOOKUP = """{% extends "base.html" %}
{% block title %}Tra cứu hồ sơ{% endblock %}
{% block main %}
<h1>Tra cứu tình trạng hồ sơ</h1>
<form method="get" action="{{ url_for('web.lookup') }}">
  <label for="ma">Mã hồ sơ</label>
  <input id="ma" name="ma" value="{{ code or '' }}" size="32" placeholder="000.30.36.H26-261122-0001" autofocus>
  <button type="submit" id="tra-cuu">Tra cứu</button>
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
<form method="post" action="{{ url_for('web.login') }}">
  <input type="hidden" name="csrf" value="{{ csrf }}">
  <p><label for="username">Tên đăng nhập</label><br><input id="username" name="username" autocomplete="username"></p>
  <p><label for="password">Mật khẩu</label><br><input id="password" name="password" type="password" autocomplete="current-password"></p>
  <p><button type="submit" id="dang-nhap">Đăng nhập</button></p>
</form>
{% endblock %}"""

DASHBOARD = """{% extends "base.html" %}
{% block title %}Tổng hợp tình hình giải quyết hồ sơ{% endblock %}
{% block header %}Bộ phận Một cửa — Hệ thống cấp trên · {{ staff_name }}
<form method="post" action="{{ url_for('web.logout') }}" style="display:inline">
<input type="hidden" name="csrf" value="{{ csrf }}"><button type="submit" id="dang-xuat">Đăng xuất</button></form>{% endblock %}
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
<th rowspan="2">Trả qua bưu chính</th><th rowspan="2">Tỷ lệ đúng hạn</th><th rowspan="2">Lệch giờ máy quầy</th></tr>
<tr><th>Tổng</th><th>Kỳ trước chuyển sang</th><th>Mới</th><th>Trực tiếp</th><th>Trực tuyến</th><th>Bưu chính</th>
<th>Tổng</th><th>Trước hạn</th><th>Đúng hạn</th><th>Quá hạn</th><th>Tổng</th><th>Trong hạn</th><th>Quá hạn</th></tr>
</thead>
<tbody>
{% for row in rows %}
<tr data-agency="{{ row.agency_code }}">
<td class="text">{{ row.name }} <small>({{ row.agency_code }})</small></td>
<td class="received">{{ row.r.received }}</td><td>{{ row.r.carried_over }}</td><td class="new">{{ row.r.new }}</td>
<td>{{ row.r.new_by_channel['1'] }}</td><td class="online">{{ row.r.new_by_channel['2'] }}</td><td>{{ row.r.new_by_channel['3'] }}</td>
<td class="resolved">{{ row.r.resolved }}</td><td>{{ row.r.resolved_early }}</td><td>{{ row.r.resolved_on_time }}</td><td class="resolved-late">{{ row.r.resolved_late }}</td>
<td class="open">{{ row.r.open }}</td><td>{{ row.r.open_within }}</td><td class="open-overdue">{{ row.r.open_overdue }}</td>
<td>{{ row.r.supplement_requests }}</td><td>{{ row.r.withdrawn }}</td><td>{{ row.r.delivered_by_post }}</td>
<td class="rate">{{ row.rate }}</td><td class="text">{{ row.clock }}</td>
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
<tr><td class="text code">{{ o.code }}</td><td class="text">{{ o.commune }}</td><td class="text">{{ o.procedure_name }}</td>
<td class="text">{{ o.applicant_name }}</td><td class="text">{{ o.due_vn }}</td><td>{{ o.overdue_days }}</td></tr>
{% endfor %}
</tbody>
</table>
{% else %}<p id="khong-qua-han">Không có hồ sơ quá hạn.</p>{% endif %}
{% endblock %}"""

MESSAGE = """{% extends "base.html" %}
{% block title %}{{ title }}{% endblock %}
{% block main %}<h1>{{ title }}</h1><p class="notice" id="thong-bao">{{ message }}</p>{% endblock %}"""

TEMPLATES = {"base.html": BASE, "lookup.html": LOOKUP, "login.html": LOGIN,
             "dashboard.html": DASHBOARD, "message.html": MESSAGE}
