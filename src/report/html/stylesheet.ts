/**
 * The page's stylesheet, inlined in its <style> (the Content-Security-Policy allows inline styles only).
 */

export const STYLESHEET = `
:root { --ink: #0f172a; --muted: #64748b; --line: #e2e8f0; --panel: #ffffff; --page: #f6f7f9; --pass: #15803d; --fail: #b91c1c; }
* { box-sizing: border-box; }
html { background: var(--page); }
body { margin: 0; color: var(--ink); font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1120px; margin: 0 auto; padding: 28px 20px 48px; }
header h1 { margin: 2px 0 4px; font-size: 28px; font-weight: 650; letter-spacing: -0.01em; overflow-wrap: anywhere; }
.brand { margin: 0; color: var(--muted); font-size: 13px; font-weight: 600; text-transform: uppercase; letter-spacing: 0.08em; }
.facts { margin: 0 0 18px; color: var(--muted); }
h2 { font-size: 18px; margin: 0 0 14px; font-weight: 650; }
h3 { font-size: 15px; margin: 4px 0 8px; font-weight: 600; }
h4 { font-size: 13px; margin: 0 0 6px; color: var(--muted); font-weight: 600; text-transform: uppercase; letter-spacing: 0.05em; }
section { background: var(--panel); border: 1px solid var(--line); border-radius: 10px; padding: 18px 20px; margin: 16px 0; }
figure { margin: 0; }
figcaption { color: var(--muted); font-size: 13px; margin-top: 6px; }
svg { display: block; width: 100%; height: auto; font-family: inherit; }
svg text { font-size: 12px; fill: #334155; }
svg .axis-title { font-size: 12.5px; fill: var(--muted); }
svg .grid { stroke: #eef2f6; stroke-width: 1; }
svg .axis { stroke: #94a3b8; stroke-width: 1; }
svg .bar-title { font-size: 13px; font-weight: 600; fill: #334155; }
svg .bar-text { font-size: 12px; fill: #ffffff; font-weight: 600; }
svg .bar-value, svg .funnel-value { font-size: 13px; font-weight: 600; fill: var(--ink); }
svg .funnel-share { font-weight: 400; fill: var(--muted); }
svg .bar-empty { fill: #f1f5f9; }
svg.plot { min-width: 600px; }
svg.bars { min-width: 560px; }
svg.funnel { min-width: 420px; }
svg.attempts, svg.receives { max-width: 440px; }
.scroll { overflow-x: auto; }
svg.swatch { display: inline-block; width: 24px; height: 10px; vertical-align: middle; margin-right: 6px; }
.banner { border-radius: 10px; padding: 12px 16px; margin: 12px 0; border: 1px solid; }
.banner.interrupted { background: #fef2f2; border-color: #fca5a5; color: #7f1d1d; font-size: 16px; }
.banner.shard { background: #eff6ff; border-color: #bfdbfe; color: #1e3a8a; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(260px, 1fr)); gap: 14px; margin: 8px 0 4px; }
.card { background: var(--panel); border: 1px solid var(--line); border-top: 4px solid; border-radius: 10px; padding: 12px 16px; }
.card-title { font-weight: 600; margin-bottom: 6px; }
.card dl { display: grid; grid-template-columns: repeat(auto-fit, minmax(92px, 1fr)); gap: 6px 12px; margin: 0; }
.card dt { color: var(--muted); font-size: 12px; }
.card dd { margin: 0; font-size: 18px; font-weight: 600; font-variant-numeric: tabular-nums; white-space: nowrap; }
.legend { list-style: none; display: flex; flex-wrap: wrap; gap: 6px 18px; padding: 0; margin: 8px 0 0; font-size: 13.5px; }
.legend.small { display: inline-flex; margin: 0; font-size: 13px; }
.legends { margin: 4px 0; }
.legend-title { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: 0.05em; margin-right: 10px; }
.dot { display: inline-block; width: 10px; height: 10px; border-radius: 3px; margin-right: 6px; vertical-align: baseline; }
.phase-block + .phase-block { border-top: 1px solid var(--line); margin-top: 14px; padding-top: 12px; }
.phase-label { white-space: nowrap; }
.muted { color: var(--muted); font-weight: normal; }
.empty { color: var(--muted); font-style: italic; }
.delivery-grid { display: grid; grid-template-columns: minmax(0, 2fr) minmax(0, 1fr); gap: 24px; align-items: start; margin-bottom: 10px; }
@media (max-width: 760px) { .delivery-grid { grid-template-columns: 1fr; } main { padding: 18px 10px 32px; } section { padding: 14px 12px; } }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th, td { padding: 6px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
thead th { font-weight: 600; border-bottom: 2px solid var(--line); }
tbody th { font-weight: 500; color: #334155; white-space: nowrap; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
table.summary td.num, table.summary th.num { width: 30%; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: 13px; }
code { background: #f1f5f9; border-radius: 4px; padding: 1px 5px; overflow-wrap: anywhere; }
pre { background: #f8fafc; border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; white-space: pre-wrap; overflow-wrap: anywhere; margin: 6px 0 0; max-height: 320px; overflow: auto; }
td.example { max-width: 520px; }
td.outcome { white-space: nowrap; }
td.type { max-width: 240px; }
.notes { margin: 12px 0 0; padding-left: 18px; color: #334155; font-size: 13.5px; }
.notes li { margin: 3px 0; }
.warn { color: #b45309; }
.client { margin: 10px 0 0; font-size: 13.5px; }
.thresholds { list-style: none; padding: 0; margin: 0; }
.thresholds li { padding: 6px 0; border-bottom: 1px solid var(--line); }
.thresholds li:last-child { border-bottom: none; }
.badge { display: inline-block; min-width: 62px; font-size: 12px; font-weight: 700; border-radius: 999px; padding: 2px 9px; margin-right: 10px; text-align: center; }
.pass .badge { background: #dcfce7; color: var(--pass); }
.fail .badge { background: #fee2e2; color: var(--fail); }
.facts-list { display: grid; grid-template-columns: minmax(140px, max-content) 1fr; gap: 0; margin: 0; }
.facts-list > div { display: contents; }
.facts-list dt { color: var(--muted); padding: 6px 16px 6px 0; border-bottom: 1px solid var(--line); }
.facts-list dd { margin: 0; padding: 6px 0; border-bottom: 1px solid var(--line); min-width: 0; }
ul.plain { list-style: none; padding: 0; margin: 0; }
h4.spaced { margin-top: 18px; }
.callouts { list-style: none; padding: 0; margin: 12px 0 0; font-size: 13.5px; }
.callouts li { border-left: 4px solid; border-radius: 6px; padding: 7px 12px; margin: 6px 0; overflow-wrap: anywhere; }
.callouts.warnings li { background: #fffbeb; border-color: #f59e0b; color: #78350f; }
.callouts.unknowns li { background: #f8fafc; border-color: #94a3b8; color: #334155; }
.equation { font-size: 16px; margin: 4px 0 8px; font-variant-numeric: tabular-nums; }
.equation .term { white-space: nowrap; }
.derived { color: #b45309; font-style: normal; font-weight: 600; }
.derived-note { font-size: 13.5px; color: #78350f; background: #fffbeb; border-radius: 6px; padding: 6px 10px; margin: 0 0 10px; }
td.warn { color: #b45309; font-weight: 600; }
table.mappings th { white-space: nowrap; }
footer { color: var(--muted); font-size: 12.5px; text-align: center; margin-top: 24px; }
`;
