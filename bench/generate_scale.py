#!/usr/bin/env python
"""The scale data sets for the benchmarks, PostgreSQL only (bench/scale; docs/benchmarks.md):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rp_bench_city .venv/bin/python bench/generate_scale.py city

Same arguments as the former `manage.py generate_scale` (`--help`). Run from the checkout's root
or anywhere: the checkout is put on sys.path, so `bench.scale` and the apps import.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str]) -> None:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from bench.scale.command import Command

    Command().run_from_argv(["generate_scale", "generate_scale", *argv])


if __name__ == "__main__":
    main(sys.argv[1:])
