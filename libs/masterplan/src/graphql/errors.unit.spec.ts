import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { GraphQLError } from 'graphql';
import { formatError } from './errors.js';

/** An error as graphql-js reports one raised while executing the field at `path`. */
const whileExecuting = (original: Error, path = ['commitments', 'totalCount']) =>
  new GraphQLError(original.message, { path, originalError: original });

describe('formatError', () => {
  it("keeps our errors' codes", () => {
    const ours = new GraphQLError('No measure m-1', { extensions: { code: 'NOT_FOUND' } });
    expect(formatError(whileExecuting(ours)).extensions).toEqual({ code: 'NOT_FOUND' });
  });

  it("answers a variable's null for a non-null argument as the client's mistake", () => {
    const argument = new GraphQLError('Argument "id" of non-null type "ID!" must not be null.');
    expect(formatError(whileExecuting(argument)).extensions).toEqual({ code: 'BAD_USER_INPUT' });
  });

  it('answers a value our resolver gave that its type cannot represent as our fault, logged', () => {
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    try {
      const output = new GraphQLError('Int cannot represent non-integer value: "many"');
      const formatted = formatError(whileExecuting(output));
      expect(formatted.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
      expect(formatted.message).toBe('Internal server error; the operation was not completed');
      expect(logged).toHaveBeenCalledTimes(1);
      expect(logged.mock.calls[0]![0]).toBe(
        'commitments.totalCount failed: Int cannot represent non-integer value: "many"',
      );
    } finally {
      logged.mockRestore();
    }
  });

  it("answers a wrong value in the document or a variable as the client's mistake", () => {
    const variable = new GraphQLError(
      'Variable "$first" got invalid value "ten"; Int cannot represent non-integer value: "ten"',
    );
    expect(formatError(variable).extensions).toEqual({ code: 'BAD_USER_INPUT' });
  });
});
