import json,re,collections,random
EXCL=set(open('excl.txt').read().split())
cats={
 'exc_kw': r'\b\w*(Token|Password|Secret|Key|Auth|Credential|Permission|Access)\w*(Error|Exception|Denied|Failed|Failure)\b',
 'keyerror': r"KeyError: ['\"]",
 'pwfail': r'password authentication failed|Access denied for user|using password|[Aa]uthentication ?[Ff]ailed|Unauthorized|Forbidden|(?:HTTP|[Ss]tatus|[Cc]ode|[Ee]rror|http-code)\W{0,4}(?:[Cc]ode\W{0,3})?\b40[13]\b|\b40[13] (?:Client Error|Unauthorized|Forbidden|UNAUTHORIZED)|\(40[13]\)|\b40[13]:|Invalid (access )?token|[Cc]redentials|Incorrect username or password|InvalidAccessKeyId|SignatureDoesNotMatch|AccessDenied|ExpiredToken',
 'masked': r'\*\*\*',
 'uuid': r'\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b',
 'hexid': r'\b[0-9a-fA-F]{20,64}\b',
 'spark_app': r'application_\d{13}_\d{4}|app-\d{14}-\d{4}|container_\w*\d{13}_\d+|local-\d{13}|job_\d{13}_\d+|attempt_\d{13}',
 'path': r'\b(s3a?|s3n|hdfs|gs|abfss?|wasbs?)://',
 'jvm': r'\b(org|com|java|javax|scala|io|net)\.[a-z0-9]+\.[A-Za-z0-9.$]+(Exception|Error)\b',
 'sql': r'\b(SELECT .* FROM|INSERT INTO|CREATE (OR REPLACE )?(TABLE|VIEW)|COPY INTO|DELETE FROM|relation ".*" does not exist|syntax error at or near)',
 'url': r'https?://[^\s]+',
 'email': r'\b[\w.+-]+@[\w-]+\.[a-z]{2,}\b',
 'hostport': r'\b[\w-]+(\.[\w-]+)+:\d{2,5}\b|\blocalhost:\d+',
 'b64': r'(?<![\w/.-])(?=[A-Za-z0-9+/=_-]{28,})(?=\S*[A-Z])(?=\S*[a-z])(?=\S*\d)[A-Za-z0-9+/=_-]{28,}',
 'kwtoken': r'(?i)token|password|secret|api[_-]?key|credential|passwd',
 'kafka': r'(?i)\boffset|partition|topic',
 'dbt': r'\[(error|warn) \]|Database Error|Compilation Error|Runtime Error',
 'reqid': r'(?i)request[_ -]?id|x-amz-id-2|ETag|x-ms-',
}
STRONG={'exc_kw','keyerror','pwfail','masked','uuid','hexid','spark_app','path','email','reqid','kwtoken','b64'}
rx={k:re.compile(v) for k,v in cats.items()}
errrx=re.compile(r'ERROR|Error|Exception|FATAL|WARN|error|failed|Failed|Caused by|Traceback|denied|refused|Unauthorized|Forbidden|not found|does not exist|Invalid|invalid|Exit|exit code|Killed|timed out|Timeout')
out=open('cand3.jsonl','w'); stats=collections.Counter(); seen=set()
for l in open('lines.jsonl'):
    r=json.loads(l); t=r['text']; p=r['path']
    if r['repo'] in EXCL: continue
    if not (re.search(r'\.(log|out|err)(\.\d+)?$',p) or '/logs/' in '/'+p or re.search(r'(^|/)(yarn|spark|stderr|stdout)[^/]*$',p)): continue
    if re.search(r'\.(py|java|scala|sh|sql|md|json|ya?ml|html|js|csv|txt)$',p): continue
    if len(t)<25 or len(t)>600: continue
    hits=[k for k in cats if rx[k].search(t)]
    iserr=bool(errrx.search(t))
    if not hits: continue
    if not iserr and not (set(hits)&STRONG): continue
    key=re.sub(r'[0-9a-f]','0',t)[:160]
    if key in seen: continue
    seen.add(key); r['cats']=hits; r['err']=iserr
    for h in hits: stats[h]+=1
    out.write(json.dumps(r)+'\n')
print(stats)
