/** Protocol constants of AOO 2.0 (spec §1.2, §1.5, §2.4, §2.6, §3, §11.10). */

export const AOO_VERSION = '2.0-test4';

/** `AooMsgType`: the packet's addressee class (spec §1.2). */
export enum MsgType {
  Source = 0,
  Sink = 1,
  Server = 2,
  Client = 3,
  Peer = 4,
  Relay = 5,
}

export const PACKET_SIZE_DEFAULT = 512;
export const PACKET_SIZE_MAX = 4096;
export const STREAM_MESSAGE_MAX_SIZE = 65535;

/** `AooDataType` (spec §2.6). Values >= 1000 are user-defined. */
export enum DataType {
  Unspecified = -1,
  Raw = 0,
  Text = 1,
  Osc = 2,
  Midi = 3,
  Fudi = 4,
  Json = 5,
  Xml = 6,
  Float32 = 7,
  Float64 = 8,
  Int16 = 9,
  Int32 = 10,
  Int64 = 11,
  User = 1000,
}

const DATA_TYPE_NAMES: Record<string, DataType> = {
  raw: DataType.Raw,
  binary: DataType.Raw,
  text: DataType.Text,
  osc: DataType.Osc,
  midi: DataType.Midi,
  fudi: DataType.Fudi,
  json: DataType.Json,
  xml: DataType.Xml,
  float32: DataType.Float32,
  float64: DataType.Float64,
  int16: DataType.Int16,
  int32: DataType.Int32,
  int64: DataType.Int64,
};

/** `aoo_dataTypeFromString`; undefined for an unknown name. */
export function dataTypeFromName(name: string): DataType | undefined {
  return DATA_TYPE_NAMES[name];
}

export function dataTypeName(type: number): string {
  if (type >= DataType.User) return `user${type - DataType.User}`;
  return DataType[type]?.toLowerCase() ?? `type${type}`;
}

/** Error codes sent on the wire (spec §11.10). */
export enum AooErrorCode {
  Unspecified = -1,
  None = 0,
  NotImplemented = 1,
  NotPermitted = 2,
  BadArgument = 4,
  BadFormat = 5,
  NotFound = 13,
  RequestInProgress = 1000,
  UnhandledRequest = 1001,
  VersionNotSupported = 1002,
  UDPHandshakeTimeout = 1003,
  WrongPassword = 1004,
  AlreadyConnected = 1005,
  NotConnected = 1006,
  GroupDoesNotExist = 1007,
  CannotCreateGroup = 1008,
  AlreadyGroupMember = 1009,
  NotGroupMember = 1010,
  UserAlreadyExists = 1011,
  UserDoesNotExist = 1012,
  CannotCreateUser = 1013,
  NotResponding = 1014,
}

/** Flags of binary `/data` (spec §3.3). */
export const DataFlag = {
  SampleRate: 0x01,
  Frames: 0x02,
  StreamMessage: 0x04,
  XRun: 0x08,
  TimeStamp: 0x10,
} as const;

/** Flags of peer messages (spec §3.6). */
export const PeerMessageFlag = {
  Reliable: 0x01,
  Frames: 0x02,
  Timestamp: 0x04,
} as const;
