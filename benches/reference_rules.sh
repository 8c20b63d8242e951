#!/usr/bin/env bash
# Writes a pipeline that runs this build with the strip rules of another commit (default
# 5fef3be, the clean-text reference in benches/README.md) and without the page-head reader
# that commit did not have: the same rule data on both binaries, so an instruction or CPU
# comparison measures the code, not the rules added since.
#
#   benches/reference_rules.sh DIR [COMMIT]
#   zhpipe run SET --jobs 1 -o /dev/null --quiet --pipeline DIR/pipelines/default.toml
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=${1:?usage: benches/reference_rules.sh DIR [COMMIT]}
COMMIT=${2:-5fef3be}
rm -rf "$DIR"
mkdir -p "$DIR"
cp -r pipelines "$DIR/"
rm -rf "$DIR/pipelines/rules"
mkdir -p "$DIR/old"
git archive "$COMMIT" pipelines/rules | tar -x -C "$DIR/old"
mv "$DIR/old/pipelines/rules" "$DIR/pipelines/rules"
rm -rf "$DIR/old"
sed -i 's/^head_metadata = true/head_metadata = false/' "$DIR/pipelines/default.toml"
echo "$DIR/pipelines/default.toml: strip rules of $COMMIT, head_metadata = false"
