"""``python -m logsumd.train ...``: the ``train`` sub-commands without the main CLI."""

from __future__ import annotations

import argparse
import sys

from logsumd.train.cli import add_train_parser, train_main


def main() -> int:
    """Parse ``train`` sub-command arguments and run them."""
    parser = argparse.ArgumentParser(prog="logsumd")
    add_train_parser(parser.add_subparsers(dest="command", required=True))
    return train_main(parser.parse_args(["train", *sys.argv[1:]]))


if __name__ == "__main__":
    sys.exit(main())
