"""Copy fwctl-facts.json and cxl-pds.json into the package, byte for byte.

The kernel facts are small (75 KB) and read whole by uapi.py and allowlist.py, so the
package carries an exact copy; tests/unit/test_facts.py fails when the copy drifts.
cxl-pds.json feeds the simulated CXL device (fwctl_tui/sim/cxl).
"""

from __future__ import annotations

import shutil

from tools.reference import REPO_ROOT, reference_dir

TARGET = REPO_ROOT / "fwctl_tui" / "data" / "fwctl_facts.json"
CXL_TARGET = REPO_ROOT / "fwctl_tui" / "data" / "cxl_pds.json"


def main() -> None:
    for source, target in (("fwctl-facts.json", TARGET), ("cxl-pds.json", CXL_TARGET)):
        shutil.copyfile(reference_dir() / source, target)
        print(f"wrote {target.relative_to(REPO_ROOT)}")


if __name__ == "__main__":
    main()
