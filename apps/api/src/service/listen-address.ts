import { createServer } from 'node:net';
import { ConfigurationError } from '@ml/config';

/**
 * Proves the server can listen on HOST and PORT before anything is opened or written: a
 * port in use or a host that is not this machine's stops the start with one line, instead
 * of a started application failing at its last step with the errors of every layer.
 */
export async function checkListenAddress(port: number, host: string): Promise<void> {
  const probe = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject);
      probe.listen({ port, host }, resolve);
    });
  } catch (error) {
    throw listenRefusal(error as NodeJS.ErrnoException, port, host) ?? error;
  } finally {
    if (probe.listening) await new Promise((resolve) => probe.close(resolve));
  }
}

/** Why the server cannot listen there, in one line; undefined for an error of another kind. */
export function listenRefusal(
  error: NodeJS.ErrnoException,
  port: number,
  host: string,
): ConfigurationError | undefined {
  switch (error.code) {
    case 'EADDRINUSE':
      return new ConfigurationError(
        `PORT ${port} is in use on ${host}: another program listens there (choose another PORT, or stop that program)`,
      );
    case 'EACCES':
      return new ConfigurationError(
        `PORT ${port} on ${host} needs privileges this process does not have (ports below 1024 usually do)`,
      );
    case 'EADDRNOTAVAIL':
      return new ConfigurationError(`HOST '${host}' is not an address of this machine`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
      return new ConfigurationError(
        `HOST '${host}' does not resolve to an address (${error.code}); give an IP address of this machine or a name that resolves to one`,
      );
    default:
      return error.syscall === 'listen' || error.syscall === 'getaddrinfo'
        ? new ConfigurationError(`cannot listen on ${host} port ${port}: ${error.message}`)
        : undefined;
  }
}
