#!/usr/bin/env python3
"""Measure how two public scanners would do on this corpus (informational, not a test).

* gitleaks: the rules of config/gitleaks.toml (regex, secretGroup, entropy, keywords)
  re-implemented with Python `re` (rule allowlists are ignored, so this is an upper bound).
* Yelp detect-secrets: the real plugins with default settings, run from its source tree.

Needs the two repositories as git mirrors (the `fetch` tool puts them under /work/.mirror):
  /work/.mirror/gitleaks+gitleaks/repo and /work/.mirror/Yelp+detect-secrets/repo
Writes tools/scanner_coverage.json and prints a per-kind table.
"""
import collections
import json
import math
import os
import re
import subprocess
import sys
import tempfile
import tomllib
import warnings

warnings.simplefilter("ignore", FutureWarning)

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
GL = "/work/.mirror/gitleaks+gitleaks/repo"
DS = "/work/.mirror/Yelp+detect-secrets/repo"


def load(name):
    with open(os.path.join(ROOT, name), encoding="utf-8") as f:
        return [json.loads(l) for l in f]


def entropy(s):
    if not s:
        return 0.0
    c = collections.Counter(s)
    return -sum(v / len(s) * math.log2(v / len(s)) for v in c.values())


def gitleaks_rules():
    cfg = tomllib.loads(subprocess.run(["git", "-C", GL, "show", "HEAD:config/gitleaks.toml"],
                                       capture_output=True, text=True, check=True).stdout)
    rules, bad = [], 0
    for r in cfg["rules"]:
        if "regex" not in r:
            continue
        pat = r["regex"].replace(r"\z", r"\Z")
        flags = 0
        if "(?i)" in pat:  # Go allows (?i) mid-pattern; Python only at the start -> apply globally
            pat, flags = pat.replace("(?i)", ""), re.I
        try:
            rx = re.compile(pat, flags)
        except re.error:
            bad += 1
            continue
        rules.append((r["id"], rx, r.get("secretGroup", 0), r.get("entropy"), [k.lower() for k in r.get("keywords", [])]))
    return rules, bad


def gitleaks_findings(text, rules):
    low = text.lower()
    out = []
    for rid, rx, grp, ent, kws in rules:
        if kws and not any(k in low for k in kws):
            continue
        for m in rx.finditer(text):
            if grp and grp <= (rx.groups or 0):
                s = m.group(grp)
            elif rx.groups:
                s = next((g for g in m.groups() if g), m.group(0))
            else:
                s = m.group(0)
            if not s or (ent and entropy(s) < ent):
                continue
            out.append((rid, s))
    return out


def ds_scanner():
    tmp = tempfile.mkdtemp()
    subprocess.run(f"git -C {DS} archive HEAD detect_secrets | tar -x -C {tmp}", shell=True, check=True)
    sys.path.insert(0, tmp)
    from detect_secrets import SecretsCollection
    from detect_secrets.settings import default_settings

    def scan(text):
        with tempfile.NamedTemporaryFile("w", suffix=".log", delete=False, encoding="utf-8") as f:
            f.write(text + "\n")
            p = f.name
        with default_settings():
            sc = SecretsCollection()
            sc.scan_file(p)
        os.unlink(p)
        return [(s.type, s.secret_value or "") for fs in sc.data.values() for s in fs]
    return scan


def caught(secret, findings):
    return [t for t, v in findings if v and (secret in v or (len(v) >= 6 and v in secret))]


def main():
    recs = load("secrets_dev.jsonl") + load("secrets_test.jsonl")
    clean = load("clean_dev.jsonl") + load("clean_test.jsonl")
    rules, bad = gitleaks_rules()
    ds = ds_scanner()
    per_kind = collections.defaultdict(lambda: {"n": 0, "gitleaks": 0, "detect_secrets": 0, "gl_rules": collections.Counter(), "ds_plugins": collections.Counter()})
    for r in recs:
        gl, dsf = gitleaks_findings(r["text"], rules), ds(r["text"])
        k = per_kind[r["kind"]]
        for s in r["secrets"]:
            k["n"] += 1
            g, d = caught(s, gl), caught(s, dsf)
            k["gitleaks"] += bool(g)
            k["detect_secrets"] += bool(d)
            k["gl_rules"].update(set(g))
            k["ds_plugins"].update(set(d))
    fp_gl = sum(1 for c in clean if gitleaks_findings(c["text"], rules))
    fp_ds = sum(1 for c in clean if ds(c["text"]))
    res = {"gitleaks_rules_loaded": len(rules), "gitleaks_rules_not_compilable": bad,
           "clean_lines": len(clean), "clean_lines_flagged": {"gitleaks": fp_gl, "detect_secrets": fp_ds},
           "kinds": {k: {"secrets": v["n"], "gitleaks": v["gitleaks"], "detect_secrets": v["detect_secrets"],
                         "gitleaks_rules": dict(v["gl_rules"].most_common(3)), "detect_secrets_plugins": dict(v["ds_plugins"].most_common(3))}
                     for k, v in sorted(per_kind.items())}}
    with open(os.path.join(HERE, "scanner_coverage.json"), "w") as f:
        json.dump(res, f, indent=1)
    tot = [sum(v["n"] for v in per_kind.values()), sum(v["gitleaks"] for v in per_kind.values()), sum(v["detect_secrets"] for v in per_kind.values())]
    print(f"{'kind':34} {'n':>4} {'gitleaks':>8} {'d-s':>5}  top gitleaks rule / detect-secrets plugin")
    for k, v in sorted(per_kind.items()):
        print(f"{k:34} {v['n']:>4} {v['gitleaks']:>8} {v['detect_secrets']:>5}  "
              f"{','.join(list(v['gl_rules'])[:1])} / {','.join(list(v['ds_plugins'])[:1])}")
    print(f"TOTAL secrets={tot[0]} gitleaks={tot[1]} detect-secrets={tot[2]}; clean lines flagged: gitleaks={fp_gl} detect-secrets={fp_ds} of {len(clean)}; rules loaded={len(rules)} skipped={bad}")


if __name__ == "__main__":
    main()
