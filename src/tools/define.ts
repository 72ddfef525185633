/**
 * The typed tool seam: a tool is declared with its input and output schemas and a handler whose
 * arguments are what its input schema parses to, so a handler never receives `never` or `unknown`
 * and no cast stands between the schema and the code. Binding erases the types only after the
 * arguments are validated, inside the closure that still knows them.
 */
import type { z } from 'zod';
import type { BillingProvider, CallContext } from '../providers/types.js';
import { validateArguments } from './validate.js';

/** A tool as the server registers it: texts, schemas and one call that validates, then runs. */
export interface BoundParts {
  title: string;
  description: string;
  input: z.ZodType;
  /** Built on first use (tools/list): emitting JSON Schemas is start-up time `initialize` skips. */
  output: () => z.ZodType;
  /** Validates `args` against `input` (a coded invalid_argument), then runs the handler. */
  run: (args: unknown, context: CallContext) => Promise<Record<string, unknown>>;
}

/** One of the tools bound to each provider as `<provider>_<operation>`. */
export interface ProviderToolSpec<I extends z.ZodType, O extends z.ZodObject> {
  operation: string;
  title: (provider: BillingProvider) => string;
  description: (provider: BillingProvider) => string;
  inputSchema: (provider: BillingProvider) => I;
  outputSchema: (provider: BillingProvider) => O;
  handler: (
    provider: BillingProvider,
    args: z.output<I>,
    context: CallContext,
  ) => Promise<z.output<O>>;
}

export interface ProviderTool {
  operation: string;
  bind: (provider: BillingProvider) => BoundParts;
}

export function defineProviderTool<I extends z.ZodType, O extends z.ZodObject>(
  spec: ProviderToolSpec<I, O>,
): ProviderTool {
  return {
    operation: spec.operation,
    bind: (provider) => {
      const input = spec.inputSchema(provider);
      return {
        title: spec.title(provider),
        description: spec.description(provider),
        input,
        output: () => spec.outputSchema(provider),
        run: (args, context) =>
          spec.handler(provider, validateArguments(input, args, provider.id), context),
      };
    },
  };
}

/** A tool over several providers at once, registered when at least `minProviders` are enabled. */
export interface CrossProviderToolSpec<I extends z.ZodType, O extends z.ZodObject> {
  name: string;
  minProviders: number;
  title: string;
  description: (providers: readonly BillingProvider[]) => string;
  inputSchema: (providers: readonly BillingProvider[]) => I;
  outputSchema: (providers: readonly BillingProvider[]) => O;
  /** Binds provider-specific parts (e.g. each provider's list input schema) once, at registration. */
  prepare: (
    providers: readonly BillingProvider[],
  ) => (args: z.output<I>, context: CallContext) => Promise<z.output<O>>;
}

export interface CrossProviderTool {
  name: string;
  minProviders: number;
  bind: (providers: readonly BillingProvider[]) => BoundParts;
}

export function defineCrossProviderTool<I extends z.ZodType, O extends z.ZodObject>(
  spec: CrossProviderToolSpec<I, O>,
): CrossProviderTool {
  return {
    name: spec.name,
    minProviders: spec.minProviders,
    bind: (providers) => {
      const input = spec.inputSchema(providers);
      const handler = spec.prepare(providers);
      return {
        title: spec.title,
        description: spec.description(providers),
        input,
        output: () => spec.outputSchema(providers),
        run: (args, context) => handler(validateArguments(input, args), context),
      };
    },
  };
}
