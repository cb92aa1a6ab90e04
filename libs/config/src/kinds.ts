import { createPublicKey } from 'node:crypto';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import proxyaddr from 'proxy-addr';
import { z } from 'zod';

/**
 * A kind of value a setting takes: a schema from the variable's text (trimmed, never empty)
 * to its value, and the words that describe it, both in the settings table and in the one
 * line that refuses a bad value (`PORT must be <takes>, not '0x10'`). A custom issue with
 * `params: { reason: true }` says instead why the value is refused.
 */
export interface Kind<T> {
  schema: z.ZodType<T, string>;
  takes: string;
  /** A value not to be repeated in a refusal (it would land in logs). */
  secret?: boolean;
}

const digits = z.string().regex(/^\d+$/);

export const port: Kind<number> = {
  schema: digits.transform(Number).pipe(z.int().max(65535)),
  takes: 'a port number from 0 to 65535',
};

/** An address or a name; whether this machine can listen there is found out at start. */
export const host: Kind<string> = {
  schema: z.string().refine((text) => isIP(text) !== 0 || z.hostname().safeParse(text).success),
  takes: 'an IP address or a host name',
};

export const directory: Kind<string> = {
  schema: z.string().transform((text) => resolve(text)),
  takes: 'a directory (relative to the working directory, or absolute)',
};

export const text: Kind<string> = { schema: z.string(), takes: 'any text' };

/** A shared secret: long enough not to be guessed, and easy to write in a header. */
export const secret: Kind<string> = {
  schema: z.string().regex(/^[\x21-\x7e]{16,}$/),
  takes: 'at least 16 printable characters without spaces (e.g. `openssl rand -hex 16`)',
  secret: true,
};

/** The longest wait a Node timer can take (2^31 − 1 ms, about 24.8 days). */
export const LONGEST_TIMER_MS = 2_147_483_647;

export function wholeNumber(least: number, unit = '', most?: number): Kind<number> {
  return {
    schema: digits.transform(Number).pipe(
      z
        .int()
        .min(least)
        .max(most ?? Number.MAX_SAFE_INTEGER),
    ),
    takes: `a whole number${unit ? ` of ${unit}` : ''}, ${most === undefined ? `at least ${least}` : `from ${least} to ${most}`}`,
  };
}

/** One of a few words, in any case; the value is the word as written here. */
export function oneOf<const T extends string>(...words: T[]): Kind<T> {
  return {
    schema: z.string().transform((text, context) => {
      const word = words.find((w) => w.toLowerCase() === text.toLowerCase());
      if (word !== undefined) return word;
      context.addIssue('not one of the words');
      return z.NEVER;
    }),
    takes: `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`,
  };
}

export const httpUrl: Kind<string> = {
  schema: z.url({ protocol: /^https?$/ }),
  takes: 'an http or https URL',
};

/** jose verifies external tokens as RS256 or ES256 (P-256), so the key must be one of those. */
export const publicKeyPem: Kind<string> = {
  schema: z
    .string()
    .transform((text) => text.replace(/\\n/g, '\n'))
    .refine((pem) => {
      try {
        const key = createPublicKey(pem);
        return (
          key.asymmetricKeyType === 'rsa' ||
          (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1')
        );
      } catch {
        return false;
      }
    }),
  takes: 'a PEM public key, RSA or EC P-256 (line breaks may be written \\n)',
};

export const webOrigins: Kind<string[]> = {
  schema: z
    .string()
    .transform((text) => text.split(',').map((origin) => origin.trim()))
    .refine((origins) =>
      origins.every((origin) => {
        try {
          const url = new URL(origin);
          return /^https?:$/.test(url.protocol) && url.origin === origin;
        } catch {
          return false;
        }
      }),
    ),
  takes: 'web origins such as https://plan.example.org, comma-separated',
};

/** Which proxies in front to believe about a client's address (see trustProxyOf). */
export type TrustedProxies = 'off' | { hops: number } | { addresses: string[] };

/** The most proxies one may put in front; a request passing through more is unusual. */
const MOST_HOPS = 10;

export const trustedProxies: Kind<TrustedProxies> = {
  schema: z.string().transform((value, context): TrustedProxies => {
    if (value.toLowerCase() === 'off') return 'off';
    if (/^\d+$/.test(value)) {
      // As many hops as a client cares to forward would trust every sender.
      if (Number(value) >= 1 && Number(value) <= MOST_HOPS) return { hops: Number(value) };
      context.addIssue('too many hops');
      return z.NEVER;
    }
    const addresses = value.split(',').map((address) => address.trim());
    for (const address of addresses) {
      const bits = address.split('/')[1];
      if (bits !== undefined && Number(bits) < (address.includes(':') ? 16 : 8)) {
        context.addIssue({
          code: 'custom',
          message: `would trust a large part of the internet with ${address}`,
          params: { reason: true },
        });
        return z.NEVER;
      }
    }
    try {
      proxyaddr.compile(addresses);
    } catch {
      context.addIssue('not addresses');
      return z.NEVER;
    }
    return { addresses };
  }),
  takes: `off, a number of hops (1 to ${MOST_HOPS}) or the proxies' addresses (e.g. 10.0.0.0/8,10.1.2.3)`,
};
