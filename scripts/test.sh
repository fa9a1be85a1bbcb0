#!/usr/bin/env bash
# Install everything the test suite needs, then run ruff, the import contracts and the tests. This is the README's test command and
# exactly what CI runs (.ci/run). Safe to run again: installs are skipped when present.
set -euo pipefail
cd "$(dirname "$0")/.."

# Headless Chromium renders the HTML report in tests (Debian's package; needs root or sudo).
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "scripts/test.sh: installing chromium (Debian package) for the HTML report tests" >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium \
      >/dev/null) || echo "scripts/test.sh: chromium could not be installed; browser tests skip" >&2
  else
    echo "scripts/test.sh: chromium not found and not root; browser tests will be skipped" >&2
  fi
fi

python -m pip install -q --disable-pip-version-check -e '.[test]'
# The rules of the house (docs/ARCHITECTURE.md): style, then the import contracts in pyproject.toml.
python -m ruff check .
# lint-imports through this python (its console script may not be on PATH)
python -c "import sys; from importlinter.cli import lint_imports_command as run; sys.exit(run())"
python -m pytest -q "$@"
