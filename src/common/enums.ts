import { registerEnumType } from 'type-graphql';

export enum Role {
  VIEWER = 'VIEWER',
  CODER = 'CODER',
  BILLER = 'BILLER',
  COMPLIANCE = 'COMPLIANCE',
  ADMIN = 'ADMIN',
}
registerEnumType(Role, { name: 'Role', description: 'What a signed-in user may do.' });

export enum Sex {
  F = 'F',
  M = 'M',
  U = 'U',
}
registerEnumType(Sex, { name: 'Sex', description: 'Administrative sex as X12 DMG03 carries it: F, M or U (unknown).' });
