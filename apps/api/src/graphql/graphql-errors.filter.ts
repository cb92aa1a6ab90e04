import { Catch } from '@nestjs/common';
import type { GqlExceptionFilter } from '@nestjs/graphql';
import { GraphQLError } from 'graphql';

/**
 * Refusals (rejections, bad input, no token) are answers, not server faults: they go to
 * the client as they are, without Nest logging them as errors. Anything else still is.
 */
@Catch(GraphQLError)
export class GraphQLErrorsPassThrough implements GqlExceptionFilter {
  catch(error: GraphQLError): GraphQLError {
    return error;
  }
}
