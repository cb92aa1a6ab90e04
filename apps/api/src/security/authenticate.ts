import { GraphQLError } from 'graphql';
import { InvalidToken, type TokenVerifier, type Verified } from '@ml/auth';

/** Who the caller is, from `Authorization: Bearer <token>`; no header: a public reader. */
export async function authenticate(
  verifier: TokenVerifier,
  authorization: unknown,
): Promise<Verified | null> {
  if (authorization == null || authorization === '') return null;
  const match = typeof authorization === 'string' ? /^Bearer\s+(\S+)$/i.exec(authorization) : null;
  try {
    if (!match) throw new InvalidToken('The Authorization header must be "Bearer <token>"');
    return await verifier.verify(match[1]!);
  } catch (error) {
    throw new GraphQLError(
      error instanceof InvalidToken ? error.message : 'The token could not be checked',
      {
        extensions: { code: 'UNAUTHENTICATED' },
      },
    );
  }
}
