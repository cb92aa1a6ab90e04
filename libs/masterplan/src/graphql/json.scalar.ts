import { GraphQLScalarType, Kind, type ValueNode } from 'graphql';

function literal(node: ValueNode): unknown {
  switch (node.kind) {
    case Kind.STRING:
    case Kind.BOOLEAN:
      return node.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(node.value);
    case Kind.OBJECT:
      return Object.fromEntries(node.fields.map((f) => [f.name.value, literal(f.value)]));
    case Kind.LIST:
      return node.values.map(literal);
    default:
      return null;
  }
}

/** Arbitrary JSON, used for the data of audit entries. */
export const JSONScalar = new GraphQLScalarType({
  name: 'JSON',
  description:
    'Any JSON value: the data of an event as it was recorded (in its current schema version).',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: literal,
});
