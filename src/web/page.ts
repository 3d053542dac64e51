/**
 * The dashboard's one HTML page: a shell with the navigation, the stylesheet and the bundled
 * script (/app.js). Everything it shows is rendered by the script from the server's JSON.
 */

const STYLE = `
*{box-sizing:border-box}body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1d232b;background:#f6f7f9}
header{display:flex;gap:1.5em;align-items:center;padding:.6em 1.5em;background:#1d2a3a;color:#fff}
header b{font-size:16px;margin-right:1em}header a{color:#cfe0f5;text-decoration:none}header a.on{color:#fff;border-bottom:2px solid #7fb3ff}
main{padding:1em 1.5em;max-width:1400px;margin:0 auto}section.card{background:#fff;border:1px solid #e1e4e8;border-radius:6px;padding:.8em 1.2em;margin:1em 0}
h1{font-size:20px;margin:.3em 0}h2{font-size:17px;margin:.2em 0 .5em}h3{font-size:15px;margin:.8em 0 .3em}
table{border-collapse:collapse;margin:.4em 0}td,th{border-bottom:1px solid #e6e8eb;padding:3px 8px;text-align:left;vertical-align:top}
th{font-weight:600;color:#444}.num{text-align:right;font-variant-numeric:tabular-nums}.small{color:#667;font-size:12px}
.verdict{font-size:17px;padding:.6em 1em;background:#eef6ee;border-left:4px solid #3a8f5a}
.rate{display:inline-flex;align-items:center;gap:.6em}.bar{position:relative;width:240px;height:12px;background:#e9ecef;border-radius:2px}
.bar .fill{position:absolute;left:0;top:0;bottom:0;background:#3a8f5a;border-radius:2px}.bar .ci{position:absolute;top:5px;height:2px;background:#111}
.row{display:flex;gap:1.5em;flex-wrap:wrap;align-items:flex-start}.col{flex:1;min-width:0}
.chart{position:relative;width:420px;height:220px}.chart.wide{width:100%;max-width:760px;height:260px}
.sample{margin:.3em 0;padding:.3em .6em;background:#f7f7f9;border-radius:4px}.tag{display:inline-block;padding:0 6px;border-radius:3px;font-size:11px;background:#e4e6ea;margin-right:4px}
.tag.hit{background:#c0392b;color:#fff}.tag.miss{background:#d5d8dc}
a{color:#1f5fbf}input,select,button,textarea{font:inherit;padding:3px 6px}button{cursor:pointer}
mark.trig{background:#ffe08a}mark.ev{background:#b6f0b6}mark.tok{background:#ffd27a;font-weight:600}
.ctx{font-family:ui-monospace,monospace;font-size:12px;white-space:pre-wrap;margin:.2em 0}
.split{display:flex;gap:1em}.pane{flex:1;min-width:0}.pane pre{white-space:pre-wrap;background:#f7f7f9;padding:.5em;max-height:50vh;overflow:auto;margin:.2em 0}
#list{max-height:70vh;overflow:auto;width:300px;margin:0;padding-left:1.6em}#list li{cursor:pointer}#list li.sel{background:#e6f0ff}
.compare{display:grid;grid-template-columns:1fr 1fr;gap:1em}.error{color:#b00020}
.chat{white-space:pre-wrap;background:#f7f7f9;padding:.5em;border-radius:4px;min-height:3em;font-family:ui-monospace,monospace;font-size:13px}
`;

export function pageHtml(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>trigscope dashboard</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,"><style>${STYLE}</style></head>
<body><header><b>trigscope</b>
<a href="#/audits" data-nav="audits">Audits</a><a href="#/latents" data-nav="latents">Latents</a>
<a href="#/transcripts" data-nav="transcripts">Transcripts</a><a href="#/playground" data-nav="playground">Playground</a></header>
<main id="main"><p>Loading…</p></main>
<script type="module" src="/app.js"></script></body></html>
`;
}
