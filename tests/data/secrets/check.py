#!/usr/bin/env python3
"""Self-check of the corpus. Exit code 0 when every check passes.

  python3 check.py              # structural checks
  python3 check.py --verify-git # also re-read every clean line from the git mirrors
                                # (/work/.mirror/<owner>+<name>/repo) and compare byte for byte
"""
import collections
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
EXCLUDED = {
    "024689/ProjetBigData", "47dhiraj/Data-Pipeline-with-Python-DBT-Airflow", "4lcatrust/etl_project",
    "7skaliahmed07/ETL-Airflow-Postgres", "Abdelaziz-Nabil/Crypto-Airflow-Pipeline", "AbdulMoizOfficial0/aws_scalable_etl",
    "Abhibangal/DataEngineering_Airlines_data", "AbraBen97/Pipeline-with-airflow-postgress-soda-dbt",
    "Aconsumeeverything/sparkingFlow", "Aida73/end-to-end-data-engineering-reddir-pipeline", "Ajay263/real_time_pipeline",
    "AnMol12499/Reddit-Analytics-Integration-Platform", "Anas-elkhabbaz/BigDataProject", "Andressa-Evelyn/compras-gov-data-pipeline",
    "Arashikage-XuanHoang/Real-Time-Music-Streaming-Analytics-Pipeline", "Bee0933/de-sora-union",
    "S-Delowar/DataFueler-automated-ETL-pipenine", "hquan07/Real-Time_Stock_Prediction_Pipeline", "lehongvo/Data-Engineering",
    "rjurney/Agile_Data_Code_2", "salesforce/TransmogrifAI", "yahoo/TensorFlowOnSpark",
}
# obvious live-credential shapes that must never appear in a clean line
CLEAN_DENY = re.compile(
    r"\b(AKIA|ASIA)[A-Z2-7]{16}\b|ghp_[A-Za-z0-9]{36}|github_pat_|xox[abprs]-|sk_live_|rk_live_|glpat-|\bhf_[A-Za-z]{30,}|"
    r"\bdapi[0-9a-f]{32}|ya29\.|GOCSPX-|AIza[0-9A-Za-z_-]{35}|SG\.[\w-]{22}\.|-----BEGIN [A-Z ]*PRIVATE KEY|eyJ[\w-]{10,}\.eyJ|"
    r"AccountKey=|[?&]sig=|npm_[A-Za-z0-9]{36}|pypi-AgE|hvs\.|shpat_|://[^/\s:@]+:[^@\s/*]+@|(?i:bearer)\s+[\w.-]{16,}|"
    r"(?i:password|passwd|pwd|secret|api_?key|token)\s*[=:]\s*['\"]?(?!\*)[\w@#$%^&+/=!-]{8,}"
)


def load(name):
    with open(os.path.join(HERE, name), encoding="utf-8") as f:
        return [json.loads(l) for l in f]


def main():
    verify_git = "--verify-git" in sys.argv
    errors = []
    sdev, stest = load("secrets_dev.jsonl"), load("secrets_test.jsonl")
    cdev, ctest = load("clean_dev.jsonl"), load("clean_test.jsonl")

    ids = [r["id"] for r in sdev + stest + cdev + ctest]
    dup = [i for i, n in collections.Counter(ids).items() if n > 1]
    if dup:
        errors.append(f"duplicate ids: {dup[:5]}")

    all_secrets = []
    for r in sdev + stest:
        for k in ("id", "kind", "format", "text", "secrets"):
            if k not in r:
                errors.append(f"{r.get('id')}: missing field {k}")
        if not r["secrets"]:
            errors.append(f"{r['id']}: empty secrets list")
        for s in r["secrets"]:
            if s not in r["text"]:
                errors.append(f"{r['id']}: secret not verbatim in text: {s[:40]!r}")
            if len(s) < 6:
                errors.append(f"{r['id']}: secret shorter than 6 chars: {s!r}")
            all_secrets.append(s)

    kd = collections.Counter(r["kind"] for r in sdev)
    kt = collections.Counter(r["kind"] for r in stest)
    kinds = set(kd) | set(kt)
    if len(kinds) < 45:
        errors.append(f"only {len(kinds)} kinds")
    only = sorted(kinds - (set(kd) & set(kt)))
    if only:
        errors.append(f"kinds not shared by dev and test: {only}")
    if len(sdev) + len(stest) < 250:
        errors.append("fewer than 250 secret records")
    fdev = {r["format"] for r in sdev}
    new_test_formats = {r["format"] for r in stest} - fdev
    if not new_test_formats:
        errors.append("test uses no phrasing absent from dev")
    multiline = sum(1 for r in sdev + stest if "\n" in r["text"])

    for r in cdev + ctest:
        t, src = r["text"], r.get("source", {})
        if "\n" in t or "\r" in t:
            errors.append(f"{r['id']}: clean text is not one line")
        if not all(src.get(k) for k in ("repo", "commit", "path", "line")):
            errors.append(f"{r['id']}: incomplete source")
        if src.get("repo") in EXCLUDED:
            errors.append(f"{r['id']}: excluded repo {src['repo']}")
        if CLEAN_DENY.search(t):
            errors.append(f"{r['id']}: clean line looks like it holds a credential: {t[:80]!r}")
        for s in all_secrets:
            if len(s) >= 8 and s in t:
                errors.append(f"{r['id']}: clean line contains a corpus secret")
        if verify_git:
            d = os.path.join("/work/.mirror", src["repo"].replace("/", "+", 1), "repo")
            blob = subprocess.run(["git", "-C", d, "show", f"{src['commit']}:{src['path']}"], capture_output=True).stdout
            lines = blob.decode("utf-8").split("\n")
            if src["line"] > len(lines) or lines[src["line"] - 1].rstrip("\r") != t:
                errors.append(f"{r['id']}: text differs from {src['repo']}@{src['commit'][:8]}:{src['path']}:{src['line']}")
    if len(cdev) + len(ctest) < 250:
        errors.append("fewer than 250 clean lines")
    repos = collections.Counter(r["source"]["repo"] for r in cdev + ctest)

    print(f"secret records: dev={len(sdev)} test={len(stest)} total={len(sdev) + len(stest)} "
          f"(multiline={multiline}); kinds={len(kinds)} (all shared by dev and test: {not only}); "
          f"secrets listed={len(all_secrets)}; test-only formats={len(new_test_formats)}")
    print(f"clean lines: dev={len(cdev)} test={len(ctest)} total={len(cdev) + len(ctest)} from {len(repos)} repositories"
          + (" (verified against git)" if verify_git else ""))
    if errors:
        print(f"FAILED: {len(errors)} problem(s)")
        for e in errors[:50]:
            print("  -", e)
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
