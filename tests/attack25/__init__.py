"""Red team attack25: commit 1358cdf (IPython frames of compiled and generated code,
JSON bodies in JVM traces).  Log lines are made up here in the shapes the tools print.
FINDINGS.md lists each finding with what happened and what should."""
