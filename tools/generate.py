"""Regenerate every committed data file from ../shared/reference (`make generate`)."""

from __future__ import annotations

from tools import sync_facts


def main() -> None:
    sync_facts.main()
    from tools import gen_mlx5

    gen_mlx5.main()


if __name__ == "__main__":
    main()
