/** maple_get_customer: GET …/customers/{x}, which accepts a Maple id or an identifier (§6). */

import type { Customer } from '../../customer.js';
import { ToolError } from '../../errors.js';
import { isDotSegment, segment } from '../../upstream/path.js';
import type { Upstream } from '../../upstream/upstream.js';
import { matchingRow } from '../lookup-check.js';
import type { CallContext, CustomerRef } from '../types.js';
import { GET_RESOLVES_ID_FIRST } from './assumptions.js';
import { normalizeCustomer, rawCustomerSchema } from './normalize.js';
import { findResponseSchema } from './wire.js';

export function createCustomerLookup(upstream: Upstream, customersPath: string) {
  const notFound = (field: 'id' | 'external_id', value: string) =>
    `Maple Billing has no customer with ${field} ${JSON.stringify(value)}. Try maple_list_customers with email or search.`;

  const get = (value: string, field: 'id' | 'external_id', signal?: AbortSignal) =>
    upstream.request({
      method: 'GET',
      path: `${customersPath}/${segment(value)}`,
      schema: rawCustomerSchema,
      signal,
      notFoundMessage: notFound(field, value),
    });

  /** [A] The identifier can be shadowed by another customer's id: ask find by identifier. */
  const findByIdentifier = async (identifier: string, signal?: AbortSignal) => {
    const response = await upstream.request({
      method: 'POST',
      path: `${customersPath}/find`,
      body: { pagination: { limit: 1 }, sort_key: 'createdAtDesc', query: { identifier } },
      schema: findResponseSchema,
      signal,
    });
    const match = matchingRow(response.results, 'identifier', identifier);
    if (!match) throw missing(notFound('external_id', identifier));
    return match;
  };

  return async (ref: CustomerRef, { signal, detail }: CallContext): Promise<Customer> => {
    // A dot segment cannot travel in the path (Upstream refuses it): find the identifier instead.
    if ('externalId' in ref && isDotSegment(ref.externalId)) {
      return normalizeCustomer(await findByIdentifier(ref.externalId, signal), detail);
    }
    if ('id' in ref) {
      const raw = await get(ref.id, 'id', signal);
      // The endpoint also answers for an identifier; an id lookup must not return someone else.
      if (raw.id !== ref.id)
        throw missing(
          `${notFound('id', ref.id)} That value is an external_id: pass it as external_id.`,
        );
      return normalizeCustomer(raw, detail);
    }
    const raw = await get(ref.externalId, 'external_id', signal);
    if (raw.identifier === ref.externalId || !GET_RESOLVES_ID_FIRST)
      return normalizeCustomer(raw, detail);
    return normalizeCustomer(await findByIdentifier(ref.externalId, signal), detail);
  };
}

function missing(message: string): ToolError {
  return new ToolError('not_found', message, {
    provider: 'maple',
    httpStatus: 200,
    retryable: false,
  });
}
