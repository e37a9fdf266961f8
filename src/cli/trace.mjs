import module from 'node:module';
const t0 = performance.now();
const seen = [];
module.registerHooks({
  load(url, ctx, next) { const s = performance.now(); const r = next(url, ctx); seen.push([url, performance.now() - s]); return r; },
});
process.on('exit', () => {
  const by = {};
  for (const [u] of seen) { const m = u.match(/node_modules\/((@[^/]+\/)?[^/]+)/); const k = m ? m[1] : u.includes('/src/') ? 'src' : u.includes('/emails/') ? 'emails' : u.slice(0, 30); by[k] = (by[k] ?? 0) + 1; }
  process.stderr.write(`modules=${seen.length} wall=${(performance.now()-t0).toFixed(0)}ms\n` + Object.entries(by).sort((a,b)=>b[1]-a[1]).slice(0,25).map(([k,v])=>`${v}\t${k}`).join('\n') + '\n');
});
