"""Regenerate every committed data file from ../shared/reference (`make generate`)."""

from __future__ import annotations

from tools import sync_facts


def main() -> None:
    sync_facts.main()
    from tools import gen_mlx5, gen_units

    gen_mlx5.main()
    gen_units.main()  # reads gen_mlx5's layouts for the project's field names


if __name__ == "__main__":
    main()
