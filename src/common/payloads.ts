import { Field, ObjectType } from 'type-graphql';
import type { ClassType } from 'type-graphql';

const payloadTypes = new Map<string, ClassType<object>>();

/** `<Verb><Noun>Payload { <field>: Node! }`, the shape of every mutation result. */
export function Payload<T extends object, K extends string>(
  name: string,
  field: K,
  nodeType: () => ClassType<T>,
): ClassType<{ [P in K]: T }> {
  const existing = payloadTypes.get(name);
  if (existing) return existing as ClassType<{ [P in K]: T }>;
  @ObjectType(name)
  class PayloadType {}
  Field(nodeType)(PayloadType.prototype, field);
  payloadTypes.set(name, PayloadType);
  return PayloadType as ClassType<{ [P in K]: T }>;
}

export function payload<T, K extends string>(type: ClassType<{ [P in K]: T }>, field: K, value: T): { [P in K]: T } {
  const p = new type();
  (p as Record<string, unknown>)[field] = value;
  return p;
}
