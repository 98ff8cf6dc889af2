"""Copy fwctl-facts.json into the package, byte for byte.

The kernel facts are small (75 KB) and read whole by uapi.py and allowlist.py, so the
package carries an exact copy; tests/unit/test_facts.py fails when the copy drifts.
"""

from __future__ import annotations

import shutil

from tools.reference import REPO_ROOT, reference_dir

TARGET = REPO_ROOT / "fwctl_tui" / "data" / "fwctl_facts.json"


def main() -> None:
    shutil.copyfile(reference_dir() / "fwctl-facts.json", TARGET)
    print(f"wrote {TARGET.relative_to(REPO_ROOT)}")


if __name__ == "__main__":
    main()
