import json,re,collections,random
W={'exc_kw':7,'keyerror':6,'pwfail':7,'masked':5,'uuid':4,'hexid':5,'spark_app':7,'path':6,'jvm':3,'sql':4,'url':3,'email':6,'hostport':1,'b64':3,'kwtoken':5,'kafka':3,'dbt':2,'reqid':7}
bad=[re.compile(p) for p in [
 r'(?i)(password|passwd|pwd|secret|token|api[_-]?key|apikey|appid|access[_-]?key|auth\w*)["\']?\s*[=:]\s*["\']?(?!\*\*\*|None|null|xxxx|\s|$|<|\{|\(|\[|false|true|\d+\b)[^\s\'",)]{4,}',
 r'://[^/\s:@]+:[^@\s/]+@', r'\b(AKIA|ASIA)[A-Z0-9]{16}\b', r'(?i)security-token', r'(?i)bearer\s+\S', r'(?i)appid=[0-9a-f]{16}',
 r'-----BEGIN', r'(?i)export \w*(PASS|SECRET|TOKEN|KEY)', r'\bghp_|\bxox[bpas]-|\bsk_live_|\bAIza[0-9A-Za-z_-]{20}',
 r'(?i)Password:\s+\S', r'(?i)\b(sig|signature|credential|x-amz-credential|x-amz-signature)=', r'(?i)authorization', r'(?i)aws_secret|secret_access_key',
 r'(?i)(private_key|client_secret)',
]]
rows=[json.loads(l) for l in open('cand3.jsonl')]
random.seed(11)
ok=[]
for r in rows:
    t=r['text']
    if any(b.search(t) for b in bad): continue
    if re.fullmatch(r'\s*at [\w.$<>]+\(.*\)\s*(~?\[.*\])?', t): continue
    if re.fullmatch(r'[\s\W]*',t): continue
    r['score']=sum(W.get(c,0) for c in set(r['cats']))*(1.0 if r['err'] else 0.6)+random.random()*3
    ok.append(r)
ok.sort(key=lambda r:-r['score'])
def norm(t):
    t=re.sub(r'^\W*\[?\d{4}-\d\d-\d\d[ T,]*[\d:.,+]*\]?\s*','',t)
    t=re.sub(r'^\x1b\[0m[\d:.]+\s*','',t)
    t=re.sub(r'[0-9a-f]{6,}','H',t); t=re.sub(r'\d+','0',t)
    return t[:70]
per=collections.Counter(); sel=[]; seen=set(); catc=collections.Counter()
for r in ok:
    if per[r['repo']]>=9: continue
    k=norm(r['text'])
    if k in seen: continue
    # cap overrepresented dbt lines
    if 'dbt' in r['cats'] and catc['dbt']>=25: continue
    seen.add(k); per[r['repo']]+=1; sel.append(r)
    for c in r['cats']: catc[c]+=1
    if len(sel)>=420: break
print(len(ok),len(sel),len(per),catc)
json.dump(sel,open('sel.json','w'))
with open('sel.txt','w') as f:
    for i,r in enumerate(sel): f.write(f"{i}\t{r['repo'][:22]}\t{','.join(r['cats'])}\t{r['text'][:400]}\n")
