# billing-customers-mcp as a service: Streamable HTTP on port 3000, a bearer token required.
# Build after `npm ci && npm run build`: the image holds only what `npm pack` ships (the bundle).
FROM node:22-alpine

ENV NODE_ENV=production \
    BILLING_MCP_HTTP_HOST=0.0.0.0 \
    BILLING_MCP_HTTP_PORT=3000

WORKDIR /app
COPY package.json ./
COPY dist/*.js ./dist/

# The official image's unprivileged user.
USER node
EXPOSE 3000

# No curl in the image: Node's own fetch checks /healthz (no auth, no upstream call).
HEALTHCHECK --interval=15s --timeout=3s --start-period=5s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.BILLING_MCP_HTTP_PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]

# 0.0.0.0 without BILLING_MCP_HTTP_TOKEN(_FILE) or BILLING_MCP_OAUTH_* refuses to start.
CMD ["node", "dist/index.js", "--http"]
