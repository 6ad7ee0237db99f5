"""The gallery's stylesheet, inlined in every page: no CDN, nothing else to fetch."""

# verdict colours match GitHub's status palette: readable as white-on-colour badges
CSS = """
:root{--pass:#1a7f37;--warn:#9a6700;--review:#bc4c00;--reject:#cf222e;--pending:#6e7781;
--line:#d0d7de;--muted:#57606a;--soft:#f6f8fa}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1f2328;margin:0 auto;
max-width:1280px;padding:1rem 1.5rem 3rem}
a{color:#0969da;text-decoration:none}a:hover{text-decoration:underline}
h1{font-size:1.6rem;margin:.4rem 0}h2{font-size:1.25rem;margin:2rem 0 .6rem;
border-bottom:1px solid var(--line);padding-bottom:.2rem}h3{font-size:1.1rem;margin:1.4rem 0 .5rem}
h4{font-size:.95rem;margin:1rem 0 .4rem;color:var(--muted);font-weight:600}
.muted{color:var(--muted)}.empty{padding:1rem;background:var(--soft);border-radius:6px}
.badge{display:inline-block;padding:.05em .6em;border-radius:1em;color:#fff;font-weight:600;
font-size:.8rem;white-space:nowrap;vertical-align:middle}
.v-passed{background:var(--pass)}.v-passed_with_warnings{background:var(--warn)}
.v-needs_review{background:var(--review)}.v-rejected{background:var(--reject)}
.v-pending{background:var(--pending)}
.tag{display:inline-block;padding:.05em .5em;border:1px solid var(--line);border-radius:4px;
background:var(--soft);font-size:.8rem;white-space:nowrap}
table{border-collapse:collapse;width:100%;margin:.3rem 0}
th,td{border-bottom:1px solid var(--line);padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:var(--soft);font-weight:600}td.num,th.num{text-align:right;
font-variant-numeric:tabular-nums;white-space:nowrap}
.totals{width:auto}.totals th{background:none;font-weight:400;color:var(--muted)}
.pass{color:var(--pass)}.fail{color:var(--reject)}.unmeasured{color:var(--pending)}
ul.checks{margin:.25rem 0 0;padding-left:1.1rem;font-size:.85em}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(270px,1fr));gap:.9rem}
.card{border:1px solid var(--line);border-radius:8px;padding:.7rem}
.card .title{font-weight:600;display:block;margin-bottom:.4rem;overflow-wrap:anywhere}
.thumbs{display:flex;gap:.4rem;flex-wrap:wrap;align-items:center;margin-bottom:.4rem}
.thumb{position:relative;display:block}
.thumb img,.thumb .missing{width:104px;height:104px;object-fit:contain;background:var(--soft);
border-radius:4px;display:block}
.thumb .badge{position:absolute;left:3px;bottom:3px}
.missing{display:flex;align-items:center;justify-content:center;background:var(--soft);
color:var(--muted);font-size:.75rem;padding:.5rem;text-align:center}
.asset{margin-top:1.5rem}.asset+.asset{border-top:1px solid var(--line)}
.master{display:flex;gap:1.5rem;flex-wrap:wrap;align-items:flex-start}
.master figure{flex:0 0 auto}
.master img{max-width:340px;max-height:460px;width:auto;height:auto;display:block;
border:1px solid var(--line)}.master .missing{width:240px;height:240px}
.verdict{flex:1 1 520px;min-width:0}
figure{margin:0}figcaption{font-size:.8rem;color:var(--muted);margin-top:.25rem}
.variants{display:grid;grid-template-columns:repeat(auto-fill,minmax(180px,1fr));gap:.8rem}
.variant{border:1px solid var(--line);border-radius:6px;padding:.45rem;background:#fff}
.variant img,.variant .missing{display:block;margin:0 auto;max-width:100%;max-height:190px;
width:auto;height:auto}.variant .missing{height:120px}
.attempts{display:flex;gap:.8rem;flex-wrap:wrap}
.attempt{border:1px solid var(--line);border-radius:6px;padding:.45rem;max-width:220px}
.attempt.kept{border-color:var(--pass);box-shadow:0 0 0 1px var(--pass)}
.attempt img,.attempt .missing{display:block;max-width:160px;max-height:160px;margin:0 auto}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem;margin:.6rem 0}
dl.meta dt{color:var(--muted)}dl.meta dd{margin:0;overflow-wrap:anywhere}
svg.chart{display:block;margin:.4rem 0}.too-few{font-style:italic}
.text{white-space:pre-wrap;overflow-wrap:anywhere;background:var(--soft);padding:.6rem .8rem;
border-radius:6px;margin:.3rem 0}
"""
