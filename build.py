#!/usr/bin/env python3
"""Build, check or serve the documentary site. Run `python build.py --help`."""

import sys

from documentary.cli import main

if __name__ == "__main__":
    sys.exit(main())
