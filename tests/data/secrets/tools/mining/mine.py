import subprocess, os, sys, re, json
MIRROR='/work/.mirror'
EXCL=set("""024689/ProjetBigData 47dhiraj/Data-Pipeline-with-Python-DBT-Airflow 4lcatrust/etl_project 7skaliahmed07/ETL-Airflow-Postgres Abdelaziz-Nabil/Crypto-Airflow-Pipeline AbdulMoizOfficial0/aws_scalable_etl Abhibangal/DataEngineering_Airlines_data AbraBen97/Pipeline-with-airflow-postgress-soda-dbt Aconsumeeverything/sparkingFlow Aida73/end-to-end-data-engineering-reddir-pipeline Ajay263/real_time_pipeline AnMol12499/Reddit-Analytics-Integration-Platform Anas-elkhabbaz/BigDataProject Andressa-Evelyn/compras-gov-data-pipeline Arashikage-XuanHoang/Real-Time-Music-Streaming-Analytics-Pipeline Bee0933/de-sora-union S-Delowar/DataFueler-automated-ETL-pipenine hquan07/Real-Time_Stock_Prediction_Pipeline lehongvo/Data-Engineering rjurney/Agile_Data_Code_2 salesforce/TransmogrifAI yahoo/TensorFlowOnSpark""".split())
def git(d,*a):
    return subprocess.run(['git','-C',d]+list(a),capture_output=True).stdout
out=open('lines.jsonl','w')
for name in sorted(os.listdir(MIRROR)):
    d=os.path.join(MIRROR,name,'repo')
    if not os.path.isdir(d): continue
    repo=name.replace('+','/',1)
    if repo in EXCL: continue
    head=git(d,'rev-parse','HEAD').decode().strip()
    seen=set()
    commits=[head]+[c for c in git(d,'rev-list','--all').decode().split() if c!=head]
    for c in commits[:400]:
        for ln in git(d,'ls-tree','-r','-l',c).decode('utf-8','replace').splitlines():
            meta,path=ln.split('\t',1)
            mode,typ,blob,size=meta.split()
            if typ!='blob' or not size.isdigit() or int(size)>3_000_000: continue
            if not re.search(r'(\.log|\.out|\.err|\.txt|/logs?/[^/]*)$',path) : continue
            if path.endswith('requirements.txt'): continue
            if blob in seen: continue
            seen.add(blob)
            data=git(d,'cat-file','blob',blob)
            try: txt=data.decode('utf-8')
            except UnicodeDecodeError: continue
            for i,l in enumerate(txt.split('\n'),1):
                l2=l.rstrip('\r')
                if 20<=len(l2)<=600:
                    out.write(json.dumps({'repo':repo,'commit':c,'path':path,'line':i,'text':l2})+'\n')
