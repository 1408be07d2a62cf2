export { type OscError, type OscErrorKind, describeOscError } from './error.ts';
export { type OscArg, type OscMessage, decodeOscMessage, encodeOscMessage, encodeOscMessageToBytes, oscMessageSize } from './message.ts';
export { OscReader } from './reader.ts';
export { OscWriter } from './writer.ts';
