"""Dependency audit: run ``pip-audit`` over the installed set when a vulnerability database
is reachable, and say clearly when it is not (this machine is offline but for package
downloads; PyPI's per-version JSON answers without vulnerability data here).

Exit codes: 0 audited and clean, 1 vulnerabilities found, 2 no database reachable (the
version floors in tests/test_dependencies.py still apply). Writes bench/out/audit.json.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out" / "audit.json"
PROBES = {
    "pypi": "https://pypi.org/pypi/jinja2/3.1.0/json",  # 3.1.0 has known advisories
    "osv": "https://api.osv.dev/v1/query",
}


def database_reachable() -> str | None:
    """The name of a vulnerability service that answers with data, or None."""
    try:
        with urllib.request.urlopen(PROBES["pypi"], timeout=10) as resp:
            if json.loads(resp.read() or b"{}").get("vulnerabilities"):
                return "pypi"
    except (urllib.error.URLError, TimeoutError, ValueError, OSError):
        pass
    body = json.dumps({"package": {"name": "jinja2", "ecosystem": "PyPI"}, "version": "3.1.0"}).encode()
    req = urllib.request.Request(PROBES["osv"], data=body, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            if json.loads(resp.read() or b"{}").get("vulns"):
                return "osv"
    except (urllib.error.URLError, TimeoutError, ValueError, OSError):
        pass
    return None


def main() -> int:
    OUT.parent.mkdir(parents=True, exist_ok=True)
    service = database_reachable()
    if service is None:
        msg = ("pip-audit skipped: no vulnerability database is reachable from this machine "
               "(PyPI answers without vulnerability data, OSV is unreachable); "
               "the version floors in tests/test_dependencies.py are the check here")  # fmt: skip
        print(msg, file=sys.stderr)
        OUT.write_text(json.dumps({"status": "no-database", "message": msg}, indent=2) + "\n")
        return 2
    exe = shutil.which("pip-audit", path=str(Path(sys.executable).parent)) or "pip-audit"
    cmd = [exe, "--format", "json", "--progress-spinner", "off", "--vulnerability-service", service]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600, check=False)
    try:
        report = json.loads(done.stdout or "{}")
    except ValueError:
        print(f"pip-audit failed: {done.stderr.strip()[-500:]}", file=sys.stderr)
        return 2
    vulns = [(d["name"], d["version"], v["id"], v.get("fix_versions")) for d in report.get("dependencies", [])
             for v in d.get("vulns", [])]  # fmt: skip
    for name, version, vid, fixes in vulns:
        print(f"{name} {version}: {vid} (fixed in {', '.join(fixes or []) or 'no release yet'})")
    OUT.write_text(json.dumps({"status": "audited", "service": service, "vulnerabilities": vulns}, indent=2) + "\n")
    print(f"pip-audit ({service}): {len(vulns)} known vulnerabilities", file=sys.stderr)
    return 1 if vulns else 0


if __name__ == "__main__":
    sys.exit(main())
