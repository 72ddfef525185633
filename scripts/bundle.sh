#!/usr/bin/env bash
# Builds billing-customers-mcp.mcpb (Claude Desktop one-click install): the built code, the
# manifest and production dependencies only, packed by @anthropic-ai/mcpb.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run build
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cp -R dist manifest.json package.json package-lock.json README.md "$stage/"
find "$stage/dist" -name '*.map' -delete
(cd "$stage" && npm install --omit=dev --ignore-scripts --no-audit --no-fund >/dev/null && rm package-lock.json)
npx -y @anthropic-ai/mcpb@2 pack "$stage" billing-customers-mcp.mcpb
