// fetch for requests Hadir makes on an operator's behalf (notification channels): the outbound-target
// policy is applied to the address actually connected to (Node's lookup hook, so no second DNS answer
// can differ from the checked one), redirects are never followed (a 3xx is returned as the answer), and
// the response body is capped.
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { LookupFunction } from 'node:net';
import {
  OutboundRefused,
  resolveAllowed,
  systemLookup,
  type AddressPolicy,
  type Lookup,
  type OutboundPurpose,
} from './outbound-policy.js';

const MAX_RESPONSE_BYTES = 1024 * 1024;

export function guardedFetch(
  policy: AddressPolicy,
  purpose: OutboundPurpose,
  lookup: Lookup = systemLookup,
): typeof fetch {
  return async (input, init = {}) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new OutboundRefused(`"${url.protocol}" is not allowed: use http:// or https://`);
    // IP literals never reach the lookup hook: judge them here.
    if (net.isIP(url.hostname.replace(/^\[|\]$/g, '')) !== 0)
      await resolveAllowed(policy, url.hostname, purpose);
    const headers = new Headers(init.headers);
    let body: Buffer | null = null;
    if (init.body !== undefined && init.body !== null) {
      const encoded = new Response(init.body);
      body = Buffer.from(await encoded.arrayBuffer());
      const type = encoded.headers.get('content-type');
      if (type && !headers.has('content-type')) headers.set('content-type', type);
      headers.set('content-length', String(body.length));
    }
    const checkedLookup: LookupFunction = (hostname, options, callback) => {
      resolveAllowed(policy, hostname, purpose, lookup).then(
        (addresses) => {
          if (options.all) callback(null, addresses);
          else callback(null, addresses[0]?.address ?? '', addresses[0]?.family ?? 4);
        },
        (error: Error) => callback(error as NodeJS.ErrnoException, '', 4),
      );
    };
    const request = url.protocol === 'https:' ? https.request : http.request;
    return new Promise<Response>((resolve, reject) => {
      const req = request(
        url,
        {
          method: init.method ?? 'GET',
          headers: Object.fromEntries(headers.entries()),
          lookup: checkedLookup,
          ...(init.signal ? { signal: init.signal } : {}),
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_RESPONSE_BYTES) {
              res.destroy();
              return;
            }
            chunks.push(chunk);
          });
          res.on('error', reject);
          res.on('close', () => {
            const status = res.statusCode ?? 502;
            const responseHeaders = new Headers();
            for (const [k, v] of Object.entries(res.headers)) {
              if (typeof v === 'string') responseHeaders.set(k, v);
              else if (Array.isArray(v)) for (const one of v) responseHeaders.append(k, one);
            }
            const empty = status === 204 || status === 304 || status < 200;
            resolve(
              new Response(empty ? null : Buffer.concat(chunks), {
                status: status < 200 || status > 599 ? 502 : status,
                headers: responseHeaders,
              }),
            );
          });
        },
      );
      req.on('error', reject);
      req.end(body ?? undefined);
    });
  };
}
