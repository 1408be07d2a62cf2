import OSC from 'osc-js';

/** osc-js's TypedMessage (present at run time, missing from its type declarations). */
export interface OracleMessage {
  address: string;
  types: string;
  args: unknown[];
  pack(): Uint8Array;
  unpack(view: DataView, offset?: number): number;
}

export const TypedMessage = (OSC as unknown as { TypedMessage: new (address?: string, args?: { type: string; value: unknown }[]) => OracleMessage })
  .TypedMessage;
