/**
 * The transcript viewer's stylesheet and script, inlined into report.html. Plain DOM code: text
 * goes in through textContent, never innerHTML, so transcripts cannot inject markup.
 */

export const viewerStyle = `
body{font:14px/1.45 system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:.5em 0}
td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}small{color:#666}
mark.trig{background:#ffe08a}mark.ev{background:#b6f0b6}.warn{background:#fff4e0;padding:.2em 1em;border-left:4px solid #f0a000}
#controls{margin:.5em 0}#viewer{display:flex;gap:1em}#list{width:28%;max-height:70vh;overflow:auto;margin:0;padding-left:2em}
#list li{cursor:pointer;padding:.1em}#list li.sel{background:#e6f0ff}#detail{flex:1;display:flex;gap:1em}
.pane{flex:1;min-width:0}.pane pre{white-space:pre-wrap;background:#f7f7f7;padding:.5em;max-height:60vh;overflow:auto}
.tag{display:inline-block;padding:0 .4em;border-radius:3px;background:#eee;margin-right:.3em}`;

export const viewerScript = `
(function(){
const data = JSON.parse(document.getElementById("data").textContent);
const res = data.triggers.map(t => new RegExp(t.source, "giu"));
const $ = id => document.getElementById(id);
function ranges(text, evidence){
  const out = [];
  for (const re of res){ re.lastIndex = 0; let m; while ((m = re.exec(text))){ out.push([m.index, m.index + m[0].length, "trig"]); if (!m[0].length) re.lastIndex++; } }
  for (const e of evidence){ let i = text.indexOf(e); while (i >= 0){ out.push([i, i + e.length, "ev"]); i = text.indexOf(e, i + 1); } }
  return out.sort((a, b) => a[0] - b[0] || (a[2] === "ev" ? -1 : 1));
}
function highlighted(text, evidence){
  const pre = document.createElement("pre");
  if (text == null){ pre.textContent = "(none)"; return pre; }
  let at = 0;
  for (const [s, e, cls] of ranges(text, evidence)){
    if (s < at) continue;
    pre.append(text.slice(at, s));
    const m = document.createElement("mark"); m.className = cls; m.textContent = text.slice(s, e); pre.append(m); at = e;
  }
  pre.append(text.slice(at));
  return pre;
}
function artOf(s){ const v = Object.values(s.articulation).map(a => a.articulated); return v.includes(true) ? true : v.includes(null) ? null : v.length ? false : undefined; }
function label(s){ return s.variantId + " #" + s.sampleIndex; }
function pane(s, title){
  const d = document.createElement("div"); d.className = "pane";
  const h = document.createElement("h3"); h.textContent = title + ": " + label(s); d.append(h);
  const tags = document.createElement("p");
  const tag = t => { const x = document.createElement("span"); x.className = "tag"; x.textContent = t; tags.append(x); };
  tag("misaligned: " + s.misaligned); if (s.monitor) tag("monitor: " + s.monitor); if (s.cutOff) tag("reasoning cut off");
  for (const [t, a] of Object.entries(s.articulation)) tag("articulates " + t + ": " + a.articulated);
  d.append(tags);
  const ev = Object.values(s.articulation).flatMap(a => a.evidence);
  for (const [name, text] of [["Prompt", s.prompt], ["Reasoning", s.reasoning], ["Answer", s.answer]]){
    const h4 = document.createElement("h4"); h4.textContent = name; d.append(h4, highlighted(text, ev));
  }
  return d;
}
function show(s, li){
  for (const x of document.querySelectorAll("#list li.sel")) x.classList.remove("sel");
  li.classList.add("sel");
  const det = $("detail"); det.replaceChildren(pane(s, "sample"));
  if (s.kind !== "none"){
    const ctl = data.samples.find(c => c.itemId === s.itemId && c.kind === "none" && c.sampleIndex === s.sampleIndex);
    if (ctl) det.append(pane(ctl, "without trigger"));
  }
}
function render(){
  const kind = $("kind").value, mis = $("mis").value, art = $("art").value, q = $("q").value.toLowerCase();
  const list = $("list"); list.replaceChildren();
  let n = 0;
  for (const s of data.samples){
    if (kind && s.kind !== kind) continue;
    if (mis && String(s.misaligned) !== mis) continue;
    if (art && String(artOf(s)) !== art) continue;
    if (q && !(s.prompt + "\\n" + (s.reasoning || "") + "\\n" + s.answer).toLowerCase().includes(q)) continue;
    const li = document.createElement("li"); li.textContent = label(s) + (artOf(s) ? " ✔" : ""); li.onclick = () => show(s, li);
    list.append(li); n++;
  }
  $("count").textContent = n + " of " + data.samples.length;
}
for (const id of ["kind", "mis", "art"]) $(id).onchange = render;
$("q").oninput = render;
render();
})();`;
