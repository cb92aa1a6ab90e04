/** graphql-http's words for a request it cannot read, as a person would want them. */
export const REQUEST_ERRORS: Record<string, string> = {
  'Missing query':
    'The request has no GraphQL query: send it as the "query" URL parameter (GET) or as the "query" member of a JSON body (POST)',
  'Invalid query': 'The "query" must be a string holding a GraphQL document',
  'Missing body': 'A POST needs a JSON body such as {"query": "{ health { status } }"}',
  'Unparsable JSON body':
    'The body must be a JSON object such as {"query": "{ health { status } }"}',
  'JSON body must be an object':
    'The JSON body must be an object such as {"query": "{ health { status } }"}, not an array or a single value',
  'Invalid variables': 'The "variables" must be a JSON object',
  'Invalid operationName': 'The "operationName" must be a string',
  'Invalid extensions': 'The "extensions" must be a JSON object',
  'Unparsable URL': 'The URL cannot be read',
};

/** graphql-http's words for a request it can read but not run. */
export const OPERATION_ERRORS: Record<string, string> = {
  'Unable to detect operation AST':
    'The document has no operation to run: with several operations, name one in "operationName"; a name given must be one of them',
  'Subscriptions are not supported':
    'Subscriptions are served over WebSocket on this same path (graphql-transport-ws protocol, e.g. the graphql-ws client), not over HTTP',
  'Cannot perform mutations over GET': 'Mutations are sent with POST, not GET',
};

/** What a refusal graphql-http answers without a body means, by status. */
export const STATUS_ERRORS: Record<number, string> = {
  405: 'Use GET or POST on /graphql, and POST for mutations',
  406: 'The answer can be application/graphql-response+json or application/json; the Accept header allows neither',
  415: 'Send the request as JSON (content-type: application/json) with POST, or with GET and the query in the URL',
};

/** Fastify's refusals of a body, as a person would want them. */
export const BODY_ERRORS: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY:
    'The body is not valid JSON, or it holds a "__proto__" or "constructor.prototype" key, which is refused',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'The body is empty; send {"query": "…"}',
  FST_ERR_CTP_INVALID_MEDIA_TYPE:
    'Send GraphQL as application/json (POST) or in the URL (GET); this media type is not understood',
};

/** A body of one GraphQL error, for answers made outside GraphQL execution. */
export const errorBody = (message: string, extensions: Record<string, unknown>) =>
  JSON.stringify({ errors: [{ message, extensions }] });
