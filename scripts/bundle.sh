#!/usr/bin/env bash
# Builds billing-customers-mcp.mcpb (Claude Desktop one-click install) and prints its size and
# contents. dist/ is one bundled program, so the bundle needs no node_modules: .mcpbignore keeps
# it to dist/, manifest.json, icon.png, LICENSE and package.json (for "type": "module").
set -euo pipefail
cd "$(dirname "$0")/.."
npm run build 1>&2
npx -y @anthropic-ai/mcpb@2 pack . billing-customers-mcp.mcpb
bytes=$(wc -c < billing-customers-mcp.mcpb | tr -d ' ')
echo "billing-customers-mcp.mcpb: ${bytes} bytes"
