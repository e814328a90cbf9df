const N=10000;
const segs:any[]=[];
for(let i=0;i<1000000;i++){const c=i%N; const a=`10.${(c>>8)&255}.${c&255}.1`; segs.push({srcIp:a,dstIp:'172.17.0.2',srcPort:40000+c%20000,dstPort:80});}
const variants: Record<string,(s:any)=>string> = {
  template: (s)=> s.srcIp < s.dstIp ? `${s.srcIp} ${s.srcPort} ${s.dstIp} ${s.dstPort}` : `${s.dstIp} ${s.dstPort} ${s.srcIp} ${s.srcPort}`,
  plus: (s)=> s.srcIp < s.dstIp ? s.srcIp + ' ' + s.dstIp + ' ' + (s.srcPort * 65536 + s.dstPort) : s.dstIp + ' ' + s.srcIp + ' ' + (s.dstPort * 65536 + s.srcPort),
  charcode: (s)=> s.srcIp < s.dstIp ? s.srcIp + String.fromCharCode(s.srcPort) + s.dstIp + String.fromCharCode(s.dstPort) : s.dstIp + String.fromCharCode(s.dstPort) + s.srcIp + String.fromCharCode(s.srcPort),
};
for (const [name, f] of Object.entries(variants)) {
  const m=new Map<string,number>();
  for(const s of segs) m.set(f(s),1);
  let best=Infinity;
  for(let r=0;r<5;r++){const t=process.hrtime.bigint(); let x=0; for(let i=0;i<segs.length;i++){x+=m.get(f(segs[i]))!;} best=Math.min(best,Number(process.hrtime.bigint()-t)/segs.length);}
  let bestK=Infinity;
  for(let r=0;r<5;r++){const t=process.hrtime.bigint(); let x=0; for(let i=0;i<segs.length;i++){x+=f(segs[i]).length;} bestK=Math.min(bestK,Number(process.hrtime.bigint()-t)/segs.length);}
  console.log(name, 'key+get', best.toFixed(0), 'key only', bestK.toFixed(0), 'size', m.size);
}
import { connectionKey } from '../../src/reassembly/connection-key.js';
{
  const f = connectionKey;
  const m=new Map<string,number>();
  for(const s of segs) m.set(f(s),1);
  let best=Infinity;
  for(let r=0;r<5;r++){const t=process.hrtime.bigint(); let x=0; for(let i=0;i<segs.length;i++){x+=m.get(f(segs[i]))!;} best=Math.min(best,Number(process.hrtime.bigint()-t)/segs.length);}
  console.log('final key+get', best.toFixed(0));
}
