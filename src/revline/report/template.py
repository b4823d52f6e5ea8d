"""The report's HTML template and stylesheet, kept in Python so they ship with the package.

One self-contained page: inline CSS, inline SVG, no scripts, no fonts or images fetched from
anywhere. The same markup prints to PDF (WeasyPrint): each section starts a new A4 landscape page.
"""

from __future__ import annotations

CSS = """
@page { size: A4 landscape; margin: 12mm 12mm 14mm 12mm;
  @bottom-right { content: counter(page) " / " counter(pages); font-size: 9pt; color: #5d6d7e; }
  @bottom-left { content: string(report-title); font-size: 9pt; color: #5d6d7e; } }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; color: #1d2733;
  margin: 0 auto; max-width: 1180px; padding: 16px; font-size: 11pt; line-height: 1.35; }
header.cover h1 { string-set: report-title content(); font-size: 22pt; margin: 0 0 4px 0;
  color: #1f4e79; }
header.cover p { margin: 2px 0; color: #5d6d7e; }
nav.toc ol { margin: 8px 0 0 0; padding-left: 20px; columns: 2; }
section.page { page-break-before: always; break-before: page; padding-top: 4px; }
section.page:first-of-type { page-break-before: auto; break-before: auto; }
h2 { font-size: 16pt; color: #1f4e79; margin: 18px 0 6px 0; border-bottom: 2px solid #1f4e79;
  padding-bottom: 3px; }
p.reading { font-size: 12.5pt; font-weight: bold; background: #eef3f8; border-left: 5px solid
  #1f4e79; padding: 8px 12px; margin: 8px 0 12px 0; }
div.tiles { display: flex; flex-wrap: wrap; gap: 8px; margin-bottom: 10px; }
div.tile { border: 1px solid #d5dbe1; border-radius: 4px; padding: 6px 10px; min-width: 130px;
  flex: 1 1 130px; }
div.tile .label { font-size: 8.5pt; color: #5d6d7e; text-transform: uppercase; }
div.tile .value { font-size: 15pt; font-weight: bold; }
div.tile .change { font-size: 8.5pt; color: #5d6d7e; }
div.charts { display: flex; flex-wrap: wrap; gap: 12px; }
figure.chart { margin: 0; flex: 1 1 46%; min-width: 46%; break-inside: avoid; }
figure.chart svg { width: 100%; height: auto; }
figure.chart figcaption { font-size: 9.5pt; color: #5d6d7e; margin-bottom: 2px; }
table { border-collapse: collapse; width: 100%; font-size: 9pt; margin: 8px 0;
  break-inside: auto; }
caption { text-align: left; font-weight: bold; font-size: 10pt; padding-bottom: 4px; }
th, td { border-bottom: 1px solid #e5e8eb; padding: 3px 6px; text-align: left; }
th { background: #f4f6f8; }
td.status-green { color: #1e7a46; font-weight: bold; }
td.status-amber { color: #a66a00; font-weight: bold; }
td.status-red { color: #b03024; font-weight: bold; }
p.note { font-size: 8.5pt; color: #5d6d7e; }
@media print {
  body { font-size: 9.5pt; padding: 0; max-width: none; }
  header.cover h1 { font-size: 17pt; }
  nav.toc { display: none; }
  h2 { margin-top: 4px; font-size: 14pt; }
  p.reading { font-size: 11pt; padding: 6px 10px; margin: 6px 0 8px 0; }
  div.tiles { gap: 5px; margin-bottom: 6px; }
  div.tile { min-width: 90px; flex: 1 1 90px; padding: 4px 6px; }
  div.tile .value { font-size: 12.5pt; }
  th, td { padding: 2px 5px; }
  table { font-size: 8.5pt; margin: 4px 0; }
}
footer { margin-top: 18px; font-size: 8.5pt; color: #5d6d7e; }
"""

TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{{ report.title }}</title>
<style>{{ css }}</style>
</head>
<body>
<header class="cover">
<h1>{{ report.title }}</h1>
<p>Period {{ report.period }} compared with {{ report.prior }}; data as of {{ report.as_of }}.</p>
<p>Every figure comes from the revline metric registry;
definitions: revline metrics explain NAME.</p>
<nav class="toc"><ol>
{%- for page in report.pages %}<li>{{ page.title }}</li>{% endfor -%}
</ol></nav>
</header>
{% for page in report.pages %}
<section class="page" id="section-{{ page.name }}" data-section="{{ page.name }}">
<h2>{{ page.title }}</h2>
<p class="reading">{{ page.content.reading }}</p>
{%- if page.content.figures %}
<div class="tiles">
{%- for f in page.content.figures %}
<div class="tile" {{ attrs(f) }}>
<div class="label">{{ f.label }}</div>
<div class="value">{{ show(f.value, f.unit) }}</div>
{%- if f.prior is not none %}
<div class="change">{{ report.prior }}: {{ show(f.prior, f.unit) }}</div>
{%- endif %}
</div>
{%- endfor %}
</div>
{%- endif %}
{%- if page.content.charts %}
<div class="charts">
{%- for c in page.content.charts %}
<figure class="chart"><figcaption>{{ c.caption }}</figcaption>{{ c.svg | safe }}</figure>
{%- endfor %}
</div>
{%- endif %}
{%- for t in page.content.tables %}
<table>
<caption>{{ t.title }}</caption>
<thead><tr>{% for col in t.columns %}<th>{{ col }}</th>{% endfor %}</tr></thead>
<tbody>
{%- for row in t.rows %}
{%- set fig = t.figures[loop.index0] if t.figures else none %}
<tr{% if fig %} {{ attrs(fig) }}{% endif %}>
{%- for cell in row %}
<td{% if cell in statuses %} class="status-{{ cell }}"{% endif %}>{{ cell }}</td>
{%- endfor %}
</tr>
{%- endfor %}
</tbody>
</table>
{%- endfor %}
{%- for n in page.content.notes %}<p class="note">{{ n }}</p>{% endfor %}
</section>
{% endfor %}
<footer>revline board report, {{ report.period }}. Generated from {{ report.source }}.</footer>
</body>
</html>
"""
