#!/usr/bin/env node
/**
 * The bench's reference: the least an MCP server can do for one lookup (bench/lib/reference-tool.ts)
 * over stdio. Its numbers are the floor that billing-customers-mcp is compared against.
 */
import { StdioServerTransport } from '@modelcontextprotocol/server/stdio';
import { referenceServer } from './lib/reference-tool.js';

const server = referenceServer('bench-reference');
process.stdin.on('end', () => process.exit(0));
await server.connect(new StdioServerTransport());
