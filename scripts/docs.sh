#!/usr/bin/env bash
# Docs blocks produced by commands: scripts/docs.sh --update | --check [--bin LNSLAB] [FILE|DIR...]
# (the conventions are in scripts/docs.py; `scripts/docs.sh --help` prints them).
exec /usr/bin/python3 "$(dirname "$0")/docs.py" "$@"
